//! Kappa jobs on a real three-node cluster (`slnode up`, real processes on loopback): every
//! example job gives the answer `slnode run` gives; the big-integer factorial under a 1 s forced
//! timeout resumes many times and still prints every digit; a syntax error is refused before
//! upload; cancel ends a job. Then faults: kill -9 of the leader and of the node running the root
//! task while a job calls a counting external service — the job finishes with the right answer
//! and the service sees each call's key exactly once, no call re-issued under a new key.
//!
//! Each test uses its own loopback range so they run in parallel with the other cluster tests.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

fn slnode(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slnode"));
    command.env("HOME", home).env_remove("SLNODE_CONFIG");
    command
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .display()
        .to_string()
}

struct Cluster {
    home: tempfile::TempDir,
    dir: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.run(&["down", "--dir", self.dir.to_str().unwrap()]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Cluster {
    fn up(first_ip: &str) -> Cluster {
        let cluster = Cluster {
            home: tempfile::tempdir().unwrap(),
            dir: tempfile::tempdir().unwrap().keep(),
        };
        let up = cluster.up_again(first_ip);
        assert!(up.status.success(), "{}", text(&up));
        cluster.wait_for_leader();
        cluster
    }

    /// `up` on an existing directory restarts the nodes that are not running.
    fn up_again(&self, first_ip: &str) -> Output {
        self.run(&[
            "up",
            "--nodes",
            "3",
            "--dir",
            self.dir.to_str().unwrap(),
            "--first-ip",
            first_ip,
            "--port",
            "7400",
        ])
    }

    fn run(&self, args: &[&str]) -> Output {
        slnode(self.home.path())
            .args(args)
            .output()
            .expect("slnode runs")
    }

    fn config(&self) -> String {
        self.dir.join("client.toml").display().to_string()
    }

    /// A command against the cluster, with its config.
    fn cli(&self, args: &[&str]) -> Output {
        let config = self.config();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", &config]);
        self.run(&all)
    }

    fn status(&self) -> Option<Value> {
        serde_json::from_slice(&self.cli(&["status", "--json"]).stdout).ok()
    }

    fn wait_for_leader(&self) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.status()
                && let Some(leader) = status["leader"].as_u64()
            {
                return leader;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("no leader within 60 s");
    }

    fn pid_of(&self, id: u64) -> i32 {
        for entry in std::fs::read_dir(&self.dir).unwrap().flatten() {
            let config = entry.path().join("node.toml");
            if let Ok(t) = std::fs::read_to_string(&config)
                && t.lines().find(|l| l.starts_with("id = ")) == Some(&format!("id = {id}"))
            {
                return std::fs::read_to_string(entry.path().join("pid"))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
            }
        }
        panic!("no node {id}");
    }

    /// `submit --wait --json`: the parsed last line, and the whole output.
    fn submit_wait(&self, args: &[&str]) -> (Value, Output) {
        let mut all = vec!["submit"];
        all.extend(args);
        all.extend(["--wait", "--json"]);
        let output = self.cli(&all);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let last = stdout.lines().last().unwrap_or("");
        let value = serde_json::from_str(last)
            .unwrap_or_else(|_| panic!("no JSON last line: {}", text(&output)));
        (value, output)
    }

    fn job(&self, id: u64) -> Value {
        let output = self.cli(&["job", &id.to_string(), "--json"]);
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|_| panic!("job gave no JSON: {}", text(&output)))
    }
}

/// SIGKILL, then waits until the process is gone (or a zombie nobody has reaped yet).
fn kill_9(pid: i32) {
    // SAFETY: SIGKILL to a process this test's cluster started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat)
                if !stat
                    .rsplit_once(')')
                    .is_some_and(|(_, r)| r.trim_start().starts_with('Z')) =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => return,
        }
    }
    panic!("process {pid} survived SIGKILL");
}

/// The last line of `slnode run FILE` (the entry's value as JSON).
fn run_locally(home: &Path, file: &str, event: Option<&str>) -> Value {
    let mut command = slnode(home);
    command.args(["run", file]);
    if let Some(e) = event {
        command.args(["--event", e]);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
}

#[test]
fn example_jobs_give_the_answers_slnode_run_gives() {
    let cluster = Cluster::up("127.0.3.11");
    let cases: &[(&str, Option<&str>, Value)] = &[
        ("fib.py", Some(r#"{"n": 6}"#), 8.into()),
        ("pingpong.py", None, "pingpong".into()),
        ("work_queue.py", None, 499500.into()),
        ("tree_sum.py", None, 210.into()),
        ("map_spawn.py", None, 25.into()),
    ];
    for (file, event, expected) in cases {
        let path = example(file);
        let mut args = vec![path.as_str(), "--timeout", "5"];
        if let Some(e) = event {
            args.extend(["--event", e]);
        }
        let (job, output) = cluster.submit_wait(&args);
        assert_eq!(job["status"], "done", "{file}: {}", text(&output));
        assert_eq!(&job["result"], expected, "{file}");
        assert_eq!(
            run_locally(cluster.home.path(), &path, *event),
            *expected,
            "{file} under slnode run"
        );
        assert!(job["job"].is_u64() && job["resumes"].is_u64());
    }

    // A syntax error: refused here, with file and line, and nothing submitted.
    let bad = cluster.home.path().join("bad.py");
    std::fs::write(&bad, "def main():\n    return (1 +\n").unwrap();
    let jobs_before = cluster.cli(&["jobs", "--json"]);
    let before: Value = serde_json::from_slice(&jobs_before.stdout).unwrap();
    let refused = cluster.cli(&["submit", bad.to_str().unwrap(), "--wait"]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("bad.py") && stderr.contains("line"),
        "{stderr}"
    );
    let after: Value = serde_json::from_slice(&cluster.cli(&["jobs", "--json"]).stdout).unwrap();
    assert_eq!(
        before.as_array().unwrap().len(),
        after.as_array().unwrap().len()
    );

    // A failing job: status failed, the traceback as its error, exit status 1.
    let failing = cluster.home.path().join("failing.py");
    std::fs::write(
        &failing,
        "import rt\n\ndef boom(x):\n    return {}[x]\n\ndef main():\n    return rt.spawn(boom, ('k',)).wait()\n",
    )
    .unwrap();
    let (job, output) = cluster.submit_wait(&[failing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(job["status"], "failed");
    assert!(
        job["error"].as_str().unwrap().contains("KeyError: 'k'"),
        "{job}"
    );

    // A long sleep gives the worker back and wakes on the coordinator's clock.
    let napper = cluster.home.path().join("napper.py");
    std::fs::write(
        &napper,
        "import time\n\ndef main():\n    t = time.time()\n    time.sleep(1.2)\n    return time.time() - t >= 1.2\n",
    )
    .unwrap();
    let (job, output) = cluster.submit_wait(&[napper.to_str().unwrap()]);
    assert_eq!(job["result"], true, "{}", text(&output));

    // Cancel: a job sleeping on the coordinator ends as cancelled.
    let sleeper = cluster.home.path().join("sleeper.py");
    std::fs::write(
        &sleeper,
        "import time\n\ndef main():\n    time.sleep(600)\n    return 1\n",
    )
    .unwrap();
    let submitted = cluster.cli(&["submit", sleeper.to_str().unwrap(), "--json"]);
    let id = serde_json::from_slice::<Value>(&submitted.stdout).unwrap()["job"]
        .as_u64()
        .unwrap();
    let cancel = cluster.cli(&["cancel", &id.to_string()]);
    assert!(cancel.status.success(), "{}", text(&cancel));
    assert_eq!(cluster.job(id)["status"], "cancelled");
}

#[test]
fn a_big_factorial_under_a_one_second_timeout_resumes_and_prints_every_digit() {
    let cluster = Cluster::up("127.0.4.11");
    let (job, output) = cluster.submit_wait(&[&example("factorial.py"), "--timeout", "1"]);
    assert_eq!(job["status"], "done", "{}", text(&output));
    assert_eq!(job["result"], 77338);
    let resumes = job["resumes"].as_u64().unwrap();
    assert!(resumes >= 3, "the task resumed only {resumes} times");
    let expected = Command::new("python3")
        .args([
            "-c",
            "import sys, math; sys.set_int_max_str_digits(0); print(math.factorial(20000))",
        ])
        .output()
        .unwrap();
    let digits = String::from_utf8_lossy(&expected.stdout);
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Printed once, in full, although the slice printing it may have been cut short.
    assert_eq!(stdout.lines().next().unwrap(), digits.trim());
    assert_eq!(stdout.matches(digits.trim()).count(), 1);
    let logs = cluster.cli(&["logs", &job["job"].to_string()]);
    assert_eq!(String::from_utf8_lossy(&logs.stdout).trim(), digits.trim());
}

/// An HTTP service that counts calls by idempotency key and applies each key's effect once: a
/// repeated key gets the first answer back.
struct Counter {
    port: u16,
    /// key → (answer, requests seen)
    keys: Arc<Mutex<BTreeMap<String, (u64, u64)>>>,
}

impl Counter {
    fn start() -> Counter {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let keys: Arc<Mutex<BTreeMap<String, (u64, u64)>>> = Arc::default();
        let shared = keys.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut key = String::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("idempotency-key:") {
                        key = v.trim().to_owned();
                    }
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0u8; length];
                let _ = reader.read_exact(&mut body);
                let answer = {
                    let mut keys = shared.lock().unwrap();
                    let next = keys.len() as u64 + 1;
                    let entry = keys.entry(key).or_insert((next, 0));
                    entry.1 += 1;
                    entry.0
                };
                let reply = format!("{{\"n\": {answer}}}");
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        Counter { port, keys }
    }
}

#[test]
fn kill_9_of_the_leader_and_of_the_root_node_mid_job_loses_and_repeats_nothing() {
    let first_ip = "127.0.5.11";
    let cluster = Cluster::up(first_ip);
    let counter = Counter::start();
    let url = format!("http://127.0.0.1:{}/count", counter.port);
    let added = cluster.cli(&["service", "add", "counter", "--url", &url]);
    assert!(added.status.success(), "{}", text(&added));

    // Two jobs, so one kill lands mid-job whichever finishes first.
    let submit = |file: &str, timeout: &str| {
        let output = cluster.cli(&["submit", &example(file), "--timeout", timeout, "--json"]);
        assert!(output.status.success(), "{}", text(&output));
        serde_json::from_slice::<Value>(&output.stdout).unwrap()["job"]
            .as_u64()
            .unwrap()
    };
    let calls = submit("exactly_once.py", "2");
    let digits = submit("factorial.py", "1");

    // Once both run: kill -9 the leader.
    let deadline = Instant::now() + Duration::from_secs(60);
    while cluster.job(calls)["root_node"].is_null() || counter.keys.lock().unwrap().len() < 2 {
        assert!(Instant::now() < deadline, "the job never started");
        std::thread::sleep(Duration::from_millis(100));
    }
    let leader = cluster.wait_for_leader();
    kill_9(cluster.pid_of(leader));
    // Down long enough that checkpoints (the factorial's are objects) must be placed without it.
    std::thread::sleep(Duration::from_secs(5));
    let restarted = cluster.up_again(first_ip);
    assert!(restarted.status.success(), "{}", text(&restarted));

    eprintln!("killed the leader, node {leader}; restarted it");

    // Then kill -9 the node running the root task of the external-calls job.
    let deadline = Instant::now() + Duration::from_secs(60);
    let killed_root_node = loop {
        let job = cluster.job(calls);
        assert!(
            job["status"] == "running" || job["status"] == "ready",
            "the job ended before its root's node could be killed: {job}"
        );
        if let Some(node) = job["root_node"].as_u64() {
            kill_9(cluster.pid_of(node));

            eprintln!("killed node {node}, running the root task; restarting it");
            std::thread::sleep(Duration::from_secs(1));
            let restarted = cluster.up_again(first_ip);
            assert!(restarted.status.success(), "{}", text(&restarted));
            break node;
        }
        assert!(Instant::now() < deadline, "the root task never ran");
        std::thread::sleep(Duration::from_millis(100));
    };

    let wait = |job: u64| {
        let deadline = Instant::now() + Duration::from_secs(240);
        loop {
            let view = cluster.job(job);
            if view["status"] == "done" || view["status"] == "failed" {
                return view;
            }
            assert!(Instant::now() < deadline, "job {job} never ended: {view}");
            std::thread::sleep(Duration::from_millis(250));
        }
    };
    let calls_job = wait(calls);
    assert_eq!(calls_job["status"], "done", "{calls_job}");
    // 25 calls, 25 distinct answers: no call lost, none applied twice.
    assert_eq!(calls_job["result"], 25, "{calls_job}");
    let keys = counter.keys.lock().unwrap().clone();
    assert_eq!(
        keys.len(),
        25,
        "a call was re-issued under a new key: {keys:?}"
    );
    eprintln!("the root's node {killed_root_node} was killed mid-job");
    eprintln!(
        "external calls: {} keys, {} requests",
        keys.len(),
        keys.values().map(|(_, seen)| seen).sum::<u64>()
    );
    let digits_job = wait(digits);
    assert_eq!(digits_job["status"], "done", "{digits_job}");
    assert_eq!(digits_job["result"], 77338);
    let resumes = calls_job["resumes"].as_u64().unwrap() + digits_job["resumes"].as_u64().unwrap();
    assert!(resumes > 0, "nothing resumed: the faults missed");
}

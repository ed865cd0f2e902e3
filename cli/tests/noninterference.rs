//! Users and labels end to end on a real three-node cluster (`slnode up`, real processes on
//! 127.0.24.x): a public user (alice) and a secret user (bob) run jobs side by side in many
//! scenarios, twice on fresh clusters, with bob's input differing; everything alice observes —
//! results, errors, logs, job listings, ids, kv and store reads, objects, what a public test
//! service is asked — must be equal byte for byte. Then the CLI's error paths: unknown user,
//! revoked token, bad label text, a policy that would relabel data: one clear line, exit 2, and
//! nothing changed.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;
use support::text;

const POLICY: &str = r#"[lattice]
order = ["public < secret"]

[[principal]]
name = "alice"
label = "public"

[[principal]]
name = "bob"
label = "secret"
"#;

/// Folds secret into public: existing secret data would become public.
const RELABELLING_POLICY: &str = r#"[lattice]
levels = ["public", "secret"]
order = ["secret < public"]
"#;

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
        let up = cluster.run(&[
            "up",
            "--nodes",
            "3",
            "--dir",
            cluster.dir.to_str().unwrap(),
            "--first-ip",
            first_ip,
            "--port",
            "7900",
        ]);
        assert!(up.status.success(), "{}", text(&up));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let status = cluster.as_admin(&["status", "--json"]);
            if serde_json::from_slice::<Value>(&status.stdout).is_ok_and(|s| s["leader"].is_u64()) {
                break;
            }
            assert!(Instant::now() < deadline, "no leader within 60 s");
            std::thread::sleep(Duration::from_millis(200));
        }
        cluster
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_slnode"))
            .env("HOME", self.home.path())
            .env_remove("SLNODE_CONFIG")
            .env_remove("SLNODE_TOKEN")
            .args(args)
            .output()
            .expect("slnode runs")
    }

    fn with_config(&self, config: &str, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", config]);
        self.run(&all)
    }

    fn admin_config(&self) -> String {
        self.dir.join("client.toml").display().to_string()
    }

    fn as_admin(&self, args: &[&str]) -> Output {
        self.with_config(&self.admin_config(), args)
    }

    fn ca(&self) -> PathBuf {
        std::fs::read_dir(&self.dir)
            .unwrap()
            .flatten()
            .map(|e| e.path().join("ca.pem"))
            .find(|p| p.exists())
            .expect("a node's ca.pem")
    }

    fn file(&self, name: &str, body: &str) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, body).unwrap();
        path.display().to_string()
    }

    /// Adds a user and logs in as it; returns (token, config path).
    fn user(&self, name: &str) -> (String, String) {
        let added = self.as_admin(&["user", "add", name]);
        assert!(added.status.success(), "{}", text(&added));
        let token = String::from_utf8_lossy(&added.stdout).trim().to_owned();
        assert!(token.starts_with("slu1-"), "{token}");
        let config = self.home.path().join(format!("{name}.toml"));
        let login = self.run(&[
            "login",
            "--cluster",
            "127.0.24.11:7900",
            "--token",
            &token,
            "--ca",
            self.ca().to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ]);
        assert!(login.status.success(), "{}", text(&login));
        (token, config.display().to_string())
    }
}

/// A test HTTP service recording (path, idempotency key, body) of every call.
fn recording_service() -> (u16, Arc<Mutex<Vec<String>>>) {
    let calls: Arc<Mutex<Vec<String>>> = Arc::default();
    let shared = calls.clone();
    let port = support::json_service(move |request| {
        shared.lock().unwrap().push(format!(
            "{} {} {}",
            request.path,
            request.key,
            String::from_utf8_lossy(&request.body)
        ));
        "\"ok\"".to_owned()
    });
    (port, calls)
}

/// What alice may compare across runs from a job's JSON: not scheduling (`resumes`,
/// `root_node`, `submitted_ms`), everything else.
fn normalized(job: &Value) -> Value {
    let mut job = job.clone();
    if let Some(o) = job.as_object_mut() {
        for k in ["resumes", "root_node", "submitted_ms"] {
            o.remove(k);
        }
    }
    job
}

/// (name, alice's program, bob's program). Bob's gets `{"s": N}`.
fn scenarios() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "same kv key",
            "import rt\ndef main():\n    rt.kv.put('k', 'alice')\n    return [rt.kv.get('k'), rt.kv.keys()]\n",
            "import rt\ndef handler(event, context):\n    rt.kv.put('k', 'bob' * event['s'])\n    return rt.kv.get('k')\n",
        ),
        (
            "kv listing",
            "import rt\ndef main():\n    rt.kv.put('list/a', 1)\n    return rt.kv.keys('list/')\n",
            "import rt\ndef handler(event, context):\n    for i in range(event['s'] * 3):\n        rt.kv.put('list/b' + str(i), i)\n    return len(rt.kv.keys('list/'))\n",
        ),
        (
            "a key only bob has",
            "import rt\ndef main():\n    return rt.kv.get('bob-only', 'absent')\n",
            "import rt\ndef handler(event, context):\n    rt.kv.put('bob-only', event['s'])\n    return 1\n",
        ),
        (
            "bob deletes a shared key",
            "import rt\ndef main():\n    rt.kv.put('shared', 'v1')\n    return rt.kv.get('shared')\n",
            "import rt\ndef handler(event, context):\n    if event['s'] == 2:\n        rt.kv.delete('shared')\n    return rt.kv.get('shared', 'gone')\n",
        ),
        (
            "rt.store",
            "import rt\ndef main():\n    rt.store.put('doc', [1, 2])\n    return [rt.store.get('doc'), rt.store.list('')]\n",
            "import rt\ndef handler(event, context):\n    for i in range(event['s']):\n        rt.store.put('doc' + str(i), 'secret')\n    rt.store.put('doc', 'bob')\n    return rt.store.list('')\n",
        ),
        (
            "a secret child",
            "import rt\ndef child(x):\n    print('child says', x)\n    return x\ndef main():\n    f = rt.spawn(child, (1,), label='secret')\n    try:\n        f.wait()\n        return 'waited'\n    except PermissionError:\n        return 'PermissionError'\n",
            "import rt\ndef handler(event, context):\n    return event['s']\n",
        ),
        (
            "a queue up to a secret reader",
            "import rt\ndef reader(q, n):\n    for i in range(n):\n        q.dequeue()\n    return n\ndef main():\n    q = rt.create_queue(1, label='secret')\n    rt.spawn(reader, (q, 1), label='secret')\n    q.enqueue(1)\n    q.enqueue(2)\n    q.enqueue(3)\n    return 'sent'\n",
            "import rt\ndef handler(event, context):\n    q = rt.create_queue(2)\n    for i in range(event['s']):\n        q.enqueue(i)\n    return event['s']\n",
        ),
        (
            "services",
            "import rt\ndef main():\n    out = [rt.external('public-svc', 'from alice')]\n    try:\n        rt.external('secret-svc', 'x')\n    except PermissionError:\n        out.append('refused')\n    return out\n",
            "import rt\ndef handler(event, context):\n    out = []\n    try:\n        rt.external('public-svc', 'bob ' + str(event['s']))\n    except PermissionError:\n        out.append('refused')\n    out.append(rt.external('secret-svc', event['s']))\n    return out\n",
        ),
        (
            "ids",
            "import rt\ndef f():\n    return 1\ndef main(event=None):\n    a = rt.spawn(f, ())\n    b = rt.spawn(f, ())\n    return a.wait() + b.wait()\n",
            "import rt\ndef f():\n    return 1\ndef handler(event, context):\n    fs = [rt.spawn(f, ()) for i in range(event['s'] * 4)]\n    qs = [rt.create_queue(1) for i in range(event['s'])]\n    return sum([x.wait() for x in fs])\n",
        ),
        (
            "the same source at two labels",
            "def main():\n    return 'same'\n",
            "def main():\n    return 'same'\n",
        ),
        (
            "bob prints a lot",
            "def main():\n    print('alice line')\n    return 0\n",
            "def handler(event, context):\n    for i in range(event['s'] * 50):\n        print('bob line', i)\n    return 1\n",
        ),
        (
            "bob fails",
            "import rt\ndef main():\n    rt.kv.put('after-failure', 'a')\n    return rt.kv.keys('after')\n",
            "import rt\ndef handler(event, context):\n    rt.kv.put('after-failure', 'b')\n    if event['s'] == 2:\n        raise ValueError('secret failure')\n    return 0\n",
        ),
    ]
}

/// One world: a fresh cluster, two users, every scenario; what alice observed.
fn world(secret: u8) -> (Vec<String>, Cluster) {
    let cluster = Cluster::up("127.0.24.11");
    let policy = cluster.file("policy.toml", POLICY);
    let applied = cluster.as_admin(&["policy", "apply", &policy]);
    assert!(applied.status.success(), "{}", text(&applied));
    let (_, alice) = cluster.user("alice");
    let (_, bob) = cluster.user("bob");
    let (port, calls) = recording_service();
    for (name, label) in [("public-svc", "public"), ("secret-svc", "secret")] {
        let url = format!("http://127.0.0.1:{port}/{name}");
        let added = cluster.as_admin(&["service", "add", name, "--url", &url, "--label", label]);
        assert!(added.status.success(), "{}", text(&added));
    }
    let mut seen = Vec::new();
    let event = format!("{{\"s\": {secret}}}");
    for (i, (name, public, private)) in scenarios().into_iter().enumerate() {
        let bob_file = cluster.file(&format!("bob{i}.py"), private);
        let alice_file = cluster.file(&format!("alice{i}.py"), public);
        // Side by side: bob's job is submitted first and runs while alice's does.
        let bob_job =
            cluster.with_config(&bob, &["submit", &bob_file, "--event", &event, "--json"]);
        assert!(bob_job.status.success(), "{name}: {}", text(&bob_job));
        let run = cluster.with_config(&alice, &["submit", &alice_file, "--wait", "--json"]);
        let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
        let last: Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
            .unwrap_or_else(|_| panic!("{name}: {}", text(&run)));
        assert_eq!(last["status"], "done", "{name}: {}", text(&run));
        let id = last["job"].as_u64().unwrap().to_string();
        let logs = cluster.with_config(&alice, &["logs", &id]);
        let job = cluster.with_config(&alice, &["job", &id, "--json"]);
        let job: Value = serde_json::from_slice(&job.stdout).unwrap();
        seen.push(format!("{name}: result {}", normalized(&last)));
        seen.push(format!(
            "{name}: logs {}",
            String::from_utf8_lossy(&logs.stdout)
        ));
        seen.push(format!("{name}: job {}", normalized(&job)));
        // Bob's job must have finished before the next scenario (its effects are then all in).
        let bob_id = String::from_utf8_lossy(&bob_job.stdout).trim().to_owned();
        let bob_id = serde_json::from_str::<Value>(&bob_id)
            .ok()
            .and_then(|v| v["job"].as_u64())
            .unwrap_or_else(|| panic!("{name}: bob's submission: {}", text(&bob_job)));
        wait_done(&cluster, &bob, bob_id);
        // Alice asking about bob's job: not found, the same way whatever it did.
        let probe = cluster.with_config(&alice, &["job", &bob_id.to_string()]);
        seen.push(format!(
            "{name}: probe {:?} {}",
            probe.status.code(),
            String::from_utf8_lossy(&probe.stderr).replace(&bob_id.to_string(), "N")
        ));
    }
    // Objects through the CLI.
    let bob_bytes = cluster.file("bob.bin", &"b".repeat(secret as usize));
    let alice_bytes = cluster.file("alice.bin", "alice");
    let put = cluster.with_config(&bob, &["object", "put", "report", &bob_bytes]);
    assert!(put.status.success(), "{}", text(&put));
    let put = cluster.with_config(&alice, &["object", "put", "report", &alice_bytes]);
    assert!(put.status.success(), "{}", text(&put));
    let got = cluster.with_config(&alice, &["object", "get", "report"]);
    seen.push(format!("object: {}", text(&got)));
    let listing = cluster.with_config(&alice, &["jobs", "--json"]);
    let listing: Value = serde_json::from_slice(&listing.stdout).unwrap();
    let listing: Vec<Value> = listing.as_array().unwrap().iter().map(normalized).collect();
    seen.push(format!("jobs: {}", Value::Array(listing)));
    let mut public_calls: Vec<String> = calls
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c.starts_with("/public-svc"))
        .cloned()
        .collect();
    public_calls.sort();
    seen.push(format!("public service saw: {public_calls:?}"));
    (seen, cluster)
}

fn wait_done(cluster: &Cluster, config: &str, job: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = cluster.with_config(config, &["job", &job.to_string(), "--json"]);
        if let Ok(v) = serde_json::from_slice::<Value>(&out.stdout)
            && matches!(v["status"].as_str(), Some("done" | "failed" | "cancelled"))
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "job {job} did not end: {}",
            text(&out)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One line on stderr, starting `slnode: `, and exit status 2.
fn one_clear_line(output: &Output, what: &str) -> String {
    assert_eq!(output.status.code(), Some(2), "{what}: {}", text(output));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.trim_end().lines().count(), 1, "{what}: {stderr}");
    assert!(stderr.starts_with("slnode: "), "{what}: {stderr}");
    stderr
}

fn error_paths(cluster: &Cluster) {
    let alice = cluster.home.path().join("alice.toml");
    let alice = alice.to_str().unwrap();
    // Unknown user.
    for args in [["user", "token", "nobody"], ["user", "remove", "nobody"]] {
        let out = cluster.as_admin(&args);
        let line = one_clear_line(&out, "unknown user");
        assert!(line.contains("no user `nobody`"), "{line}");
    }
    // Bad label text, and a level that does not exist: nothing added.
    for label in ["secret{", "nosuchlevel"] {
        let out = cluster.as_admin(&["user", "add", "carol", "--label", label]);
        one_clear_line(&out, "bad label");
    }
    let users = cluster.as_admin(&["user", "list", "--json"]);
    assert!(!String::from_utf8_lossy(&users.stdout).contains("carol"));
    // A policy that would relabel secret data as public: refused, the policy unchanged.
    let before = cluster.as_admin(&["policy", "show"]);
    let bad = cluster.file("relabel.toml", RELABELLING_POLICY);
    let out = cluster.as_admin(&["policy", "apply", &bad]);
    let line = one_clear_line(&out, "relabelling policy");
    assert!(line.contains("secret") && line.contains("public"), "{line}");
    let after = cluster.as_admin(&["policy", "show"]);
    assert_eq!(before.stdout, after.stdout);
    // Non-admins may not manage users.
    let out = cluster.with_config(alice, &["user", "add", "mallory"]);
    one_clear_line(&out, "a user adding users");
    // A revoked token: alice's new token works, the old one is refused everywhere.
    let renewed = cluster.as_admin(&["user", "token", "alice"]);
    assert!(renewed.status.success(), "{}", text(&renewed));
    std::thread::sleep(Duration::from_millis(1500));
    let out = cluster.with_config(alice, &["jobs"]);
    let line = one_clear_line(&out, "revoked token");
    assert!(line.contains("revoked"), "{line}");
    let unknown = "slu1-00-0000000000000000000000000000000000000000000000000000000000000000";
    let out = cluster.run(&[
        "jobs",
        "--cluster",
        "127.0.24.12:7900",
        "--token",
        unknown,
        "--config",
        alice,
    ]);
    one_clear_line(&out, "unknown token");
    // Login with a token of another cluster (or a malformed one): refused, nothing written.
    let target = cluster.home.path().join("never.toml");
    let out = cluster.run(&[
        "login",
        "--cluster",
        "127.0.24.11:7900",
        "--token",
        unknown,
        "--ca",
        cluster.ca().to_str().unwrap(),
        "--config",
        target.to_str().unwrap(),
    ]);
    one_clear_line(&out, "login with a foreign token");
    assert!(!target.exists());
}

#[test]
fn a_public_user_sees_the_same_whatever_a_secret_user_does() {
    let (first, cluster) = world(1);
    error_paths(&cluster);
    drop(cluster);
    let (second, _cluster) = world(2);
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a, b, "alice's view differs between the two runs");
    }
    // The scenarios did something: alice saw her own data and the refusals.
    let all = first.join("\n");
    for expected in [
        "\"alice\"",
        "PermissionError",
        "refused",
        "from alice",
        "\"same\"",
    ] {
        assert!(all.contains(expected), "missing {expected} in:\n{all}");
    }
}

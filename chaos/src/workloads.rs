//! The client workloads. Each worker is one Jepsen-style process at a time: it records an
//! invocation, does one operation as an ordinary client (the node's and the coordinator's RPC
//! methods, with the admin token), and records what came back. An answer it cannot be sure of is
//! `info`, never retried under the same process: a retry could apply the operation twice.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::Digest;
use sl_coordinator::machine::{Command, Reply};
use sl_coordinator::query::{Answer, Query};
use sl_coordinator::service::{
    Empty, GetStatus, Proposal, Propose, ProposeOutcome, Read, ReadOutcome, Role,
};
use sl_node::admin::{Found, GetObject, ObjectKey, PutObject};
use sl_node::kappa::jobs::{
    AddService, GetJob, JobRequest, ServiceRequest, SubmitJob, SubmitRequest,
};
use sl_rpc::Endpoint;
use sl_rpc::endpoint::Error as RpcError;

use crate::history::{EventType, Recorder, event};
use crate::schedule::Rng;

/// One attempt's budget (a SIGKILLed or paused node answers nothing; this bounds the wait).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(2000);
/// A kv attempt's budget: a coordinator read or proposal takes milliseconds when a leader
/// serves (p99.9 under faults ≈ 1 s on 2 cores), and every kv client prefers the leader, so
/// when the leader dies they all wait out this timeout together before trying another node.
/// Failover as measured cannot be shorter than it; election takes 300–600 ms.
pub const KV_ATTEMPT_TIMEOUT: Duration = Duration::from_millis(1000);
/// Redirects one operation follows before it gives up (definitely not applied).
pub const REDIRECTS_MAX: u32 = 4;
/// A key of the kv workload is used for this long, then fresh keys take over: short per-key
/// histories keep the linearizability search small (Jepsen's independent keys).
pub const KEY_EPOCH_MS: u64 = 4_000;
/// Keys in use at once.
pub const KEYS_AT_ONCE: u64 = 3;
/// How long a kappa worker waits for a submitted job after the run ends.
pub const JOB_RECOVERY: Duration = Duration::from_secs(90);

/// What the workers share: the endpoint, the nodes, the leader hint and the stop flag.
#[derive(Clone)]
pub struct Client {
    pub endpoint: Endpoint,
    pub addrs: Arc<Mutex<Vec<SocketAddr>>>,
    pub leader: Arc<Mutex<Option<SocketAddr>>>,
    pub recorder: Recorder,
    /// Set when the run's duration is over: no new operations.
    pub stop: Arc<AtomicBool>,
}

impl Client {
    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.addrs.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn pick(&self, rng: &mut Rng) -> SocketAddr {
        if let Some(leader) = *self.leader.lock().unwrap_or_else(|e| e.into_inner()) {
            // Mostly the leader, sometimes anyone (followers forward or redirect).
            if rng.below(4) != 0 {
                return leader;
            }
        }
        let addrs = self.addrs();
        addrs[rng.below(addrs.len() as u64) as usize]
    }

    fn set_leader(&self, addr: Option<SocketAddr>) {
        *self.leader.lock().unwrap_or_else(|e| e.into_inner()) = addr;
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// The current leader's address, asking every node (bounded by [`ATTEMPT_TIMEOUT`] each).
    pub async fn find_leader(&self) -> Option<SocketAddr> {
        self.leader_status().await.map(|(addr, _)| addr)
    }

    /// The leader's address and its view of the cluster (voters, learners, members).
    pub async fn leader_status(&self) -> Option<(SocketAddr, sl_coordinator::service::Status)> {
        for addr in self.addrs() {
            if let Ok(Ok(status)) = tokio::time::timeout(
                ATTEMPT_TIMEOUT,
                self.endpoint.call::<GetStatus>(addr, &Empty {}),
            )
            .await
                && status.role == Role::Leader
            {
                return Some((addr, status));
            }
        }
        None
    }
}

/// How one operation ended.
enum Outcome<T> {
    Ok(T),
    Fail(String),
    Info(String),
}

fn kv_label() -> sl_labels::Label {
    sl_labels::Lattice::bottom(&sl_labels::Policy::tags_only())
}

async fn propose(client: &Client, rng: &mut Rng, command: Command) -> Outcome<Reply> {
    let mut target = client.pick(rng);
    let proposal = Proposal {
        command,
        forward: false,
    };
    for _ in 0..=REDIRECTS_MAX {
        let call = client.endpoint.call::<Propose>(target, &proposal);
        match tokio::time::timeout(KV_ATTEMPT_TIMEOUT, call).await {
            Ok(Ok(ProposeOutcome::Applied(reply))) => {
                client.set_leader(Some(target));
                return Outcome::Ok(reply);
            }
            Ok(Ok(ProposeOutcome::Redirect { addr, .. })) => {
                // Not proposed here: safe to go on.
                match addr.and_then(|a| a.parse().ok()) {
                    Some(a) if a != target => target = a,
                    _ => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        target = client.pick(rng);
                    }
                }
                client.set_leader(None);
            }
            Ok(Ok(ProposeOutcome::Refused(reason))) => return Outcome::Fail(reason),
            Ok(Ok(ProposeOutcome::Timeout)) => {
                client.set_leader(None);
                return Outcome::Info("proposed but not applied in time".into());
            }
            Ok(Err(RpcError::Connect { .. })) => {
                // Nothing was sent.
                client.set_leader(None);
                target = client.pick(rng);
            }
            Ok(Err(RpcError::Remote { error, .. })) => return Outcome::Fail(error.message),
            Ok(Err(e)) => {
                client.set_leader(None);
                return Outcome::Info(e.to_string());
            }
            Err(_) => {
                client.set_leader(None);
                return Outcome::Info(format!("no answer within {KV_ATTEMPT_TIMEOUT:?}"));
            }
        }
    }
    Outcome::Fail("no leader found".into())
}

async fn read(client: &Client, rng: &mut Rng, key: &str) -> Outcome<Option<Vec<u8>>> {
    let mut target = client.pick(rng);
    let query = Query::Kv {
        key: key.to_owned(),
        reader: kv_label(),
    };
    for _ in 0..=REDIRECTS_MAX {
        let call = client.endpoint.call::<Read>(target, &query);
        match tokio::time::timeout(KV_ATTEMPT_TIMEOUT, call).await {
            Ok(Ok(ReadOutcome::Answer(Answer::Value(v)))) => return Outcome::Ok(v),
            Ok(Ok(ReadOutcome::Answer(other))) => {
                return Outcome::Fail(format!("unexpected answer {other:?}"));
            }
            Ok(Ok(ReadOutcome::Redirect { addr, .. })) => match addr.and_then(|a| a.parse().ok()) {
                Some(a) if a != target => target = a,
                _ => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    target = client.pick(rng);
                }
            },
            // A read changes nothing: whatever went wrong, it did not happen.
            Ok(Ok(ReadOutcome::Timeout)) => return Outcome::Fail("read timed out".into()),
            Ok(Err(RpcError::Connect { .. })) => target = client.pick(rng),
            Ok(Err(e)) => return Outcome::Fail(e.to_string()),
            Err(_) => return Outcome::Fail(format!("no answer within {KV_ATTEMPT_TIMEOUT:?}")),
        }
    }
    Outcome::Fail("no leader found".into())
}

fn record_end<T>(
    client: &Client,
    process: u64,
    w: &str,
    f: &str,
    key: Option<&str>,
    outcome: &Outcome<T>,
    value: Value,
) -> bool {
    let (kind, error) = match outcome {
        Outcome::Ok(_) => (EventType::Ok, None),
        Outcome::Fail(e) => (EventType::Fail, Some(e.clone())),
        Outcome::Info(e) => (EventType::Info, Some(e.clone())),
    };
    let mut ev = event(process, kind, w, f, key, value);
    ev.error = error;
    client.recorder.record(ev);
    kind == EventType::Info
}

/// Reads, writes and compare-and-sets on a few keys at a time, values 0–4 (as Jepsen's register
/// test: a small domain makes CAS succeed often).
pub async fn kv_worker(client: Client, mut rng: Rng, start: Instant) {
    let mut process = client.recorder.process();
    while !client.stopped() {
        let epoch = start.elapsed().as_millis() as u64 / KEY_EPOCH_MS;
        let key = format!("r{epoch}-{}", rng.below(KEYS_AT_ONCE));
        let which = rng.below(10);
        let retire = if which < 4 {
            client.recorder.record(event(
                process,
                EventType::Invoke,
                "kv",
                "read",
                Some(&key),
                Value::Null,
            ));
            let outcome = read(&client, &mut rng, &key).await;
            let value = match &outcome {
                Outcome::Ok(v) => decode(v.as_deref()),
                _ => Value::Null,
            };
            record_end(&client, process, "kv", "read", Some(&key), &outcome, value)
        } else if which < 7 {
            let v = rng.below(5) as i64;
            client.recorder.record(event(
                process,
                EventType::Invoke,
                "kv",
                "write",
                Some(&key),
                json!(v),
            ));
            let outcome = match propose(
                &client,
                &mut rng,
                Command::KvPut {
                    key: key.clone(),
                    label: kv_label(),
                    value: v.to_string().into_bytes(),
                },
            )
            .await
            {
                Outcome::Ok(Reply::Ok) => Outcome::Ok(()),
                Outcome::Ok(other) => Outcome::Fail(format!("{other:?}")),
                Outcome::Fail(e) => Outcome::Fail(e),
                Outcome::Info(e) => Outcome::Info(e),
            };
            record_end(
                &client,
                process,
                "kv",
                "write",
                Some(&key),
                &outcome,
                json!(v),
            )
        } else {
            let expect = rng.below(5) as i64;
            let new = rng.below(5) as i64;
            client.recorder.record(event(
                process,
                EventType::Invoke,
                "kv",
                "cas",
                Some(&key),
                json!([expect, new]),
            ));
            let command = Command::KvCas {
                key: key.clone(),
                label: kv_label(),
                expect: Some(expect.to_string().into_bytes()),
                value: new.to_string().into_bytes(),
            };
            let outcome = match propose(&client, &mut rng, command).await {
                Outcome::Ok(Reply::Ok) => Outcome::Ok(()),
                Outcome::Ok(Reply::CasMismatch { .. }) => Outcome::Fail("mismatch".into()),
                Outcome::Ok(other) => Outcome::Fail(format!("{other:?}")),
                Outcome::Fail(e) => Outcome::Fail(e),
                Outcome::Info(e) => Outcome::Info(e),
            };
            record_end(
                &client,
                process,
                "kv",
                "cas",
                Some(&key),
                &outcome,
                json!([expect, new]),
            )
        };
        if retire {
            process = client.recorder.process();
        }
    }
}

fn decode(bytes: Option<&[u8]>) -> Value {
    match bytes {
        None => Value::Null,
        Some(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .map_or_else(|| json!(String::from_utf8_lossy(b)), |v| json!(v)),
    }
}

/// A Kappa job whose result is known in advance.
pub struct JobSpec {
    pub tag: String,
    pub kind: &'static str,
    pub source: String,
    pub expect: Value,
    pub effects: Vec<String>,
    pub timeout_ms: u64,
}

/// Jobs of five kinds: fan-out, a chain of spawns, a queue drained by workers, external calls,
/// and a long loop under a short forced timeout (resumed from checkpoints many times).
pub fn job_spec(rng: &mut Rng, tag: &str) -> JobSpec {
    match rng.below(5) {
        0 => {
            let (n, k) = (rng.between(3, 8), rng.between(1_000, 20_000));
            let expect: u64 = (0..n)
                .map(|i| (0..k).map(|j| (i * j) % 7).sum::<u64>())
                .sum();
            JobSpec {
                tag: tag.into(),
                kind: "fanout",
                source: format!(
                    "import rt\n\ndef part(i, k):\n    total = 0\n    for j in range(k):\n        total += (i * j) % 7\n    return total\n\ndef main():\n    fs = [rt.spawn(part, (i, {k})) for i in range({n})]\n    return sum(f.wait() for f in fs)\n"
                ),
                expect: json!(expect),
                effects: vec![],
                timeout_ms: 60_000,
            }
        }
        1 => {
            let m = rng.between(3, 10);
            let expect: u64 = (0..m).map(|i| i * i).sum();
            JobSpec {
                tag: tag.into(),
                kind: "chain",
                source: format!(
                    "import rt\n\ndef step(i, m, acc):\n    if i == m:\n        return acc\n    return rt.spawn(step, (i + 1, m, acc + i * i)).wait()\n\ndef main():\n    return step(0, {m}, 0)\n"
                ),
                expect: json!(expect),
                effects: vec![],
                timeout_ms: 60_000,
            }
        }
        2 => {
            let (w, n) = (rng.between(2, 4), rng.between(20, 200));
            JobSpec {
                tag: tag.into(),
                kind: "queue",
                source: format!(
                    "import rt\n\ndef worker(queue):\n    items = []\n    while True:\n        item = queue.dequeue()\n        if item is None:\n            return items\n        items.append(item)\n\ndef main():\n    queue = rt.create_queue(16)\n    fs = [rt.spawn(worker, (queue,)) for _ in range({w})]\n    for i in range({n}):\n        queue.enqueue(i)\n    for _ in range({w}):\n        queue.enqueue(None)\n    items = []\n    for f in fs:\n        items.extend(f.wait())\n    return sorted(items)\n"
                ),
                // Every item itself, not a sum: a duplicate and a loss cannot cancel out.
                expect: json!((0..n).collect::<Vec<u64>>()),
                effects: vec![],
                timeout_ms: 60_000,
            }
        }
        3 => {
            let e = rng.between(2, 5);
            let effects = (0..3)
                .flat_map(|c| (0..e).map(move |i| format!("{tag}-{c}-{i}")))
                .collect();
            JobSpec {
                tag: tag.into(),
                kind: "effects",
                source: format!(
                    "import rt\n\ndef caller(c, n):\n    total = 0\n    for i in range(n):\n        a = rt.external(\"chaos\", {{\"effect\": \"{tag}-\" + str(c) + \"-\" + str(i), \"i\": i}})\n        total += a[\"n\"]\n    return total\n\ndef main():\n    fs = [rt.spawn(caller, (c, {e})) for c in range(1, 3)]\n    return caller(0, {e}) + sum(f.wait() for f in fs)\n"
                ),
                expect: json!(3 * (0..e).sum::<u64>()),
                effects,
                timeout_ms: 60_000,
            }
        }
        _ => {
            // Long enough (about a second of the VM) that 200 ms slices resume it several
            // times from checkpoints; the checker notes a run where none was.
            let n = rng.between(2_000_000, 5_000_000);
            let expect = (0..n).fold(0u64, |t, k| (t + k * k) % 1_000_003);
            JobSpec {
                tag: tag.into(),
                kind: "long-loop",
                source: format!(
                    "def main():\n    total = 0\n    for k in range({n}):\n        total = (total + k * k) % 1000003\n    return total\n"
                ),
                expect: json!(expect),
                effects: vec![],
                timeout_ms: 200,
            }
        }
    }
}

/// Registers the effect service under the name the jobs call (`chaos`).
pub async fn add_service(client: &Client, url: &str) -> anyhow::Result<()> {
    let request = ServiceRequest {
        name: "chaos".into(),
        url: url.into(),
        label: None,
        reply_label: None,
    };
    let mut last = String::new();
    for _ in 0..20 {
        for addr in client.addrs() {
            match tokio::time::timeout(
                ATTEMPT_TIMEOUT,
                client.endpoint.call::<AddService>(addr, &request),
            )
            .await
            {
                Ok(Ok(_)) => return Ok(()),
                Ok(Err(e)) => last = e.to_string(),
                Err(_) => last = "timed out".into(),
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    anyhow::bail!("registering the effect service: {last}")
}

/// Submits jobs one after another and waits for each; after the run it keeps waiting for the
/// last one up to [`JOB_RECOVERY`].
pub async fn kappa_worker(client: Client, mut rng: Rng, worker: u64, run: u64) {
    let mut n = 0;
    while !client.stopped() {
        n += 1;
        let tag = format!("j{run:x}-{worker}-{n}");
        let spec = job_spec(&mut rng, &tag);
        let process = client.recorder.process();
        let input = json!({"tag": spec.tag, "kind": spec.kind, "expect": spec.expect, "effects": spec.effects});
        client.recorder.record(event(
            process,
            EventType::Invoke,
            "kappa",
            "job",
            None,
            input,
        ));
        let request = SubmitRequest {
            request: rng.next_u64(),
            file: format!("{}.py", spec.kind),
            source: spec.source,
            event: String::new(),
            timeout_ms: spec.timeout_ms,
            checkpoint_ms: 0,
        };
        let (kind, value, error) = run_job(&client, &mut rng, &request, &spec.tag).await;
        let mut ev = event(process, kind, "kappa", "job", None, value);
        ev.error = error;
        client.recorder.record(ev);
    }
}

async fn run_job(
    client: &Client,
    rng: &mut Rng,
    request: &SubmitRequest,
    tag: &str,
) -> (EventType, Value, Option<String>) {
    // Submission is idempotent by its request key, so transport failures are retried (bounded).
    let mut job = None;
    let mut last = String::new();
    for attempt in 0..20 {
        let addr = client.pick(rng);
        match tokio::time::timeout(
            Duration::from_secs(5),
            client.endpoint.call::<SubmitJob>(addr, request),
        )
        .await
        {
            Ok(Ok(s)) => {
                job = Some(s.job);
                // The acknowledgement on its own, at once: should this client be cut off
                // before the job ends, the history still shows a job the cluster took on.
                client.recorder.record(event(
                    client.recorder.process(),
                    EventType::Ok,
                    "kappa",
                    "submitted",
                    None,
                    json!({"job": s.job, "tag": tag}),
                ));
                break;
            }
            Ok(Err(RpcError::Remote { error, .. })) if attempt > 0 => last = error.message,
            Ok(Err(RpcError::Remote { error, .. })) => {
                return (EventType::Fail, Value::Null, Some(error.message));
            }
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = "submission timed out".into(),
        }
        if client.stopped() && attempt > 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let Some(job) = job else {
        return (
            EventType::Info,
            Value::Null,
            Some(format!("submission unanswered: {last}")),
        );
    };
    let mut stopped_at: Option<Instant> = None;
    loop {
        if client.stopped() {
            let since = *stopped_at.get_or_insert_with(Instant::now);
            if since.elapsed() > JOB_RECOVERY {
                return (
                    EventType::Info,
                    json!({"job": job}),
                    Some(format!("not ended {JOB_RECOVERY:?} after the run: {last}")),
                );
            }
        }
        let addr = client.pick(rng);
        match tokio::time::timeout(
            ATTEMPT_TIMEOUT,
            client.endpoint.call::<GetJob>(addr, &JobRequest { job }),
        )
        .await
        {
            Ok(Ok(text)) => match serde_json::from_str::<Value>(&text.json) {
                Ok(view) => {
                    let status = view.get("status").and_then(|s| s.as_str()).unwrap_or("");
                    if matches!(status, "done" | "failed" | "cancelled") {
                        let value = json!({"job": job, "status": status, "result": view.get("result"), "error": view.get("error"), "resumes": view.get("resumes")});
                        return (EventType::Ok, value, None);
                    }
                    last = format!("status {status}");
                }
                Err(e) => last = e.to_string(),
            },
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = "status call timed out".into(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Write-once puts of random bytes under fresh keys.
pub async fn objstore_worker(
    client: Client,
    mut rng: Rng,
    worker: u64,
    keys: Arc<Mutex<BTreeSet<String>>>,
) {
    let mut n = 0;
    let mut process = client.recorder.process();
    while !client.stopped() {
        n += 1;
        let key = format!("o-{worker}-{n}");
        let size = rng.between(1, 64 << 10) as usize;
        let mut bytes = vec![0u8; size];
        for chunk in bytes.chunks_mut(8) {
            let r = rng.next_u64().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
        let sha = hex(&sha2::Sha256::digest(&bytes));
        let input = json!({"sha256": sha, "bytes": size});
        client.recorder.record(event(
            process,
            EventType::Invoke,
            "objstore",
            "put",
            Some(&key),
            input.clone(),
        ));
        keys.lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.clone());
        let addr = client.pick(&mut rng);
        let request = ObjectKey { key: key.clone() };
        let call = client.endpoint.call_with_payload::<PutObject>(
            addr,
            &request,
            Some(bytes::Bytes::from(bytes)),
        );
        let outcome = match tokio::time::timeout(Duration::from_secs(5), call).await {
            Ok(Ok(_)) => Outcome::Ok(()),
            Ok(Err(RpcError::Connect { .. })) => Outcome::Fail("could not connect".into()),
            // A refusal may come after some replicas stored it: unknown.
            Ok(Err(e)) => Outcome::Info(e.to_string()),
            Err(_) => Outcome::Info("put timed out".into()),
        };
        if record_end(
            &client,
            process,
            "objstore",
            "put",
            Some(&key),
            &outcome,
            input,
        ) {
            process = client.recorder.process();
        }
        if matches!(outcome, Outcome::Fail(_)) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// After recovery: every key read from every node.
/// Final reads in flight at once (each node serves one key at a time per reader: a handful of
/// readers keep every node busy without drowning a slow one).
const FINAL_READS_IN_FLIGHT: usize = 8;

pub async fn objstore_final_reads(
    client: &Client,
    keys: &BTreeSet<String>,
    nodes: &[(String, SocketAddr)],
) {
    let turns = Arc::new(tokio::sync::Semaphore::new(FINAL_READS_IN_FLIGHT));
    let mut reads = tokio::task::JoinSet::new();
    for key in keys {
        for (name, addr) in nodes {
            let Ok(turn) = turns.clone().acquire_owned().await else {
                return;
            };
            let (client, key, name, addr) = (client.clone(), key.clone(), name.clone(), *addr);
            reads.spawn(async move {
                let _turn = turn;
                final_read(&client, &key, &name, addr).await;
            });
        }
    }
    while reads.join_next().await.is_some() {}
}

async fn final_read(client: &Client, key: &str, name: &str, addr: SocketAddr) {
    let process = client.recorder.process();
    let mut ev = event(
        process,
        EventType::Invoke,
        "objstore",
        "get",
        Some(key),
        json!({"node": name}),
    );
    ev.node = Some(name.to_owned());
    client.recorder.record(ev);
    let mut outcome = Outcome::Info(String::new());
    for _ in 0..3 {
        let request = ObjectKey {
            key: key.to_owned(),
        };
        let call = client
            .endpoint
            .call_with_payload::<GetObject>(addr, &request, None);
        outcome = match tokio::time::timeout(Duration::from_secs(5), call).await {
            Ok(Ok((Found { found: true }, payload))) => {
                let bytes = payload.map(|p| p.to_vec()).unwrap_or_default();
                Outcome::Ok(Some(hex(&sha2::Sha256::digest(&bytes))))
            }
            Ok(Ok((Found { found: false }, _))) => Outcome::Ok(None),
            Ok(Err(e)) => Outcome::Fail(e.to_string()),
            Err(_) => Outcome::Fail("get timed out".into()),
        };
        if matches!(outcome, Outcome::Ok(_)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let value = match &outcome {
        Outcome::Ok(sha) => json!({"sha256": sha}),
        _ => Value::Null,
    };
    let (kind, error) = match outcome {
        Outcome::Ok(_) => (EventType::Ok, None),
        Outcome::Fail(e) | Outcome::Info(e) => (EventType::Fail, Some(e)),
    };
    let mut ev = event(process, kind, "objstore", "get", Some(key), value);
    ev.error = error;
    client.recorder.record(ev);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

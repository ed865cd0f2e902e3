//! The HTTP gateway end to end on a real three-node cluster (`slnode up`, real processes on
//! 127.0.35.x): users deploy functions, call them over HTTP with their bearer tokens and from the
//! CLI, each call running at the caller's label; every error answer has its status and a JSON
//! body; slow clients are cut off; `/metrics` and `/healthz` still answer.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod support;
use support::cluster::Cluster;
use support::text;

const FIRST_IP: &str = "127.0.35.11";
const PORT: &str = "7620";
/// `slnode up` serves node i's HTTP on its address at the RPC port + 80.
const HTTP: &str = "127.0.35.11:7700";

const POLICY: &str = r#"[lattice]
order = ["public < secret"]

[[principal]]
name = "alice"
label = "public"

[[principal]]
name = "bob"
label = "secret"
"#;

fn ok(output: Output) -> Output {
    assert!(output.status.success(), "{}", text(&output));
    output
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into()
}

/// (status, body as JSON — or as a JSON string when it is not JSON).
fn post(path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut request = agent().post(format!("http://{HTTP}{path}"));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let mut response = request
        .content_type("application/json")
        .send(body)
        .expect("the gateway answers");
    answer(&mut response)
}

fn get(path: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = agent().get(format!("http://{HTTP}{path}"));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let mut response = request.call().expect("the gateway answers");
    answer(&mut response)
}

fn answer(response: &mut ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    (status, value)
}

/// Sends `head` (and nothing more) on a raw connection; returns what came back before the
/// server closed it, and how long that took.
fn stall(head: &str) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(HTTP).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(40)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got);
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

const GREET: &str = r#"
def handler(event, context):
    return {"hello": event.get("name", "world"), "user": context["user"],
            "label": context["label"], "function": context["function"],
            "has_request_id": len(context["request_id"]) > 0}
"#;

const KV: &str = r#"
import rt
def handler(event, context):
    if "put" in event:
        rt.kv.put("doc", event["put"])
    return rt.kv.get("doc", "absent")
"#;

const FAILS: &str = r#"
def handler(event, context):
    raise ValueError("no such order: " + str(event.get("order")))
"#;

const SLOW: &str = r#"
import time
def handler(event, context):
    print("working")
    time.sleep(2)
    return "late"
"#;

#[test]
fn functions_run_over_http_at_the_callers_label_and_errors_are_json() {
    let cluster = Cluster::up_on(FIRST_IP, PORT);
    // Deployed under the default policy; a policy applied later renumbers the bottom level, and
    // the function must stay callable.
    let early = cluster.file(
        "early.py",
        "def handler(event, context):\n    return 'early'\n",
    );
    ok(cluster.cli(&["function", "deploy", "early", &early]));
    let policy = cluster.file("policy.toml", POLICY);
    ok(cluster.cli(&["policy", "apply", &policy]));
    let alice = cluster.user("alice");
    let bob = cluster.user("bob");
    let (status, body) = post("/v1/functions/early", Some(&alice), "{}");
    assert_eq!((status, body), (200, json!("early")));
    ok(cluster.cli(&["function", "rm", "early"]));

    // Deploying: checked source, versions, a listing.
    let bad = cluster.file("bad.py", "def handler(event, context):\n    return (\n");
    let out = cluster.as_user(&alice, &["function", "deploy", "bad", &bad]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.py\", line 3") && stderr.contains("SyntaxError"),
        "{stderr}"
    );
    let no_handler = cluster.file("plain.py", "def main():\n    return 1\n");
    let out = cluster.as_user(&alice, &["function", "deploy", "plain", &no_handler]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("handler(event, context)"));
    let greet = cluster.file("greet.py", GREET);
    ok(cluster.as_user(&alice, &["function", "deploy", "greet", &greet]));
    // Another user may neither replace nor remove it; its owner may.
    for attempt in [
        vec!["function", "deploy", "greet", greet.as_str()],
        vec!["function", "rm", "greet"],
    ] {
        let out = cluster.as_user(&bob, &attempt);
        assert!(!out.status.success(), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("belongs to alice"),
            "{}",
            text(&out)
        );
    }
    let again = ok(cluster.as_user(&alice, &["function", "deploy", "greet", &greet]));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("version 2"),
        "{}",
        text(&again)
    );
    for (name, source) in [("kv", KV), ("fails", FAILS), ("slow", SLOW)] {
        let path = cluster.file(&format!("{name}.py"), source);
        ok(cluster.as_user(&alice, &["function", "deploy", name, &path]));
    }
    let list: Value = serde_json::from_slice(
        &ok(cluster.as_user(&alice, &["function", "list", "--json"])).stdout,
    )
    .unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["fails", "greet", "kv", "slow"]);
    assert_eq!(list[1]["version"], 2);
    assert_eq!(list[1]["deployed_by"], "alice");

    // A call runs as its caller, at the caller's label.
    let (status, body) = post("/v1/functions/greet", Some(&alice), r#"{"name": "ann"}"#);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"hello": "ann", "user": "alice", "label": "public", "function": "greet",
               "has_request_id": true})
    );
    let (status, body) = post("/v1/functions/greet", Some(&bob), "");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["label"], "secret");
    assert_eq!(body["hello"], "world");

    // What bob's call writes stays at bob's label: alice's calls of the same function never see it.
    let (_, body) = post("/v1/functions/kv", Some(&bob), r#"{"put": "bob's secret"}"#);
    assert_eq!(body, json!("bob's secret"));
    let (status, body) = post("/v1/functions/kv", Some(&alice), "{}");
    assert_eq!((status, body), (200, json!("absent")));
    let (_, body) = post("/v1/functions/kv", Some(&bob), "{}");
    assert_eq!(body, json!("bob's secret"));

    // The CLI calls the same way.
    let out = ok(cluster.as_user(
        &alice,
        &["invoke", "greet", "--event", r#"{"name": "cli"}"#],
    ));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["hello"], "cli");
    assert_eq!(printed["user"], "alice");

    // Errors: each with its status and a JSON body.
    let (status, body) = post("/v1/functions/greet", None, "{}");
    assert_eq!(status, 401, "{body}");
    assert!(body["error"].as_str().unwrap().contains("Bearer"));
    let (status, _) = post("/v1/functions/greet", Some("slu1-nope-0000"), "{}");
    assert_eq!(status, 401);
    let (status, body) = post("/v1/functions/nothing", Some(&alice), "{}");
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("no function nothing"))
    );
    let (status, body) = post("/v1/functions/greet", Some(&alice), "{not json");
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("not JSON"));
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(70 << 10));
    let (status, body) = post("/v1/functions/greet", Some(&alice), &big);
    assert_eq!(status, 413, "{body}");
    let (status, body) = post("/v1/functions/greet?wait=soon", Some(&alice), "{}");
    assert_eq!(status, 400, "{body}");
    let (status, body) = post("/v1/functions/fails", Some(&alice), r#"{"order": 7}"#);
    assert_eq!(status, 500, "{body}");
    let traceback = body["error"].as_str().unwrap();
    assert!(
        traceback.contains("ValueError: no such order: 7") && traceback.contains("fails.py"),
        "{traceback}"
    );
    let (status, body) = get("/v1/nowhere", Some(&alice));
    assert_eq!(status, 404);
    assert!(body["error"].is_string());

    // A call that outlasts its wait answers 202 with its job, which the caller can follow.
    let (status, body) = post("/v1/functions/slow?wait=0", Some(&bob), "{}");
    assert_eq!(status, 202, "{body}");
    let job = body["job"].as_u64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let view = loop {
        let (status, view) = get(&format!("/v1/jobs/{job}"), Some(&bob));
        assert_eq!(status, 200, "{view}");
        if view["status"] == "done" {
            break view;
        }
        assert!(Instant::now() < deadline, "{view}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(view["result"], "late");
    let (status, logs) = get(&format!("/v1/jobs/{job}/logs"), Some(&bob));
    assert_eq!((status, logs), (200, Value::String("working\n".into())));
    // Read on from a byte offset, with where the next chunk starts and whether it was the last.
    let mut response = agent()
        .get(format!("http://{HTTP}/v1/jobs/{job}/logs?from=4"))
        .header("authorization", format!("Bearer {bob}"))
        .call()
        .unwrap();
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(
        (
            header("x-log-from"),
            header("x-log-next"),
            header("x-log-ended")
        ),
        ("4".into(), "8".into(), "true".into())
    );
    assert_eq!(answer(&mut response), (200, Value::String("ing\n".into())));
    let (status, _) = get(&format!("/v1/jobs/{job}/logs?from=x"), Some(&bob));
    assert_eq!(status, 400);
    // Bob's job is at secret: to alice it does not exist.
    let (status, _) = get(&format!("/v1/jobs/{job}"), Some(&alice));
    assert_eq!(status, 404);
    let (status, _) = get(&format!("/v1/jobs/{job}/logs"), Some(&alice));
    assert_eq!(status, 404);
    let (status, _) = get("/v1/jobs/banana", Some(&alice));
    assert_eq!(status, 400);

    // Slow clients are cut off: a head never finished, a body never sent.
    let slow_head =
        std::thread::spawn(|| stall("POST /v1/functions/greet HTTP/1.1\r\nHost: x\r\n"));
    let token = alice.clone();
    let slow_body = std::thread::spawn(move || {
        stall(&format!(
            "POST /v1/functions/greet HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Length: 100\r\n\r\n{{\"a\":"
        ))
    });
    let (_, took) = slow_head.join().unwrap();
    assert!(
        took < Duration::from_secs(30),
        "a stalled head held on for {took:?}"
    );
    let (answer, took) = slow_body.join().unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        took < Duration::from_secs(30),
        "a stalled body held on for {took:?}"
    );

    // The node's other pages live on the same server.
    let (status, health) = get("/healthz", None);
    assert_eq!(status, 200, "{health}");
    assert!(health.as_str().unwrap().starts_with("ok"));
    let (status, metrics) = get("/metrics", None);
    assert_eq!(status, 200);
    let metrics = metrics.as_str().unwrap();
    // Prometheus conventions: counters end in _total, latencies are _seconds histograms with
    // buckets, labels name the route (its pattern, never a raw path).
    for name in [
        "slnode_http_requests_total{route=\"/v1/functions/{name}\",status=\"2xx\"}",
        "slnode_http_request_seconds_bucket{route=\"/v1/functions/{name}\"",
        "slnode_raft_commit_seconds_bucket",
        "slnode_raft_proposals_total",
        "slnode_rpc_requests_total",
    ] {
        assert!(metrics.contains(name), "/metrics lacks {name}:\n{metrics}");
    }

    // Removed by its owner: gone for everyone.
    ok(cluster.as_user(&alice, &["function", "rm", "greet"]));
    let (status, _) = post("/v1/functions/greet", Some(&alice), "{}");
    assert_eq!(status, 404);
    let out = cluster.as_user(&alice, &["function", "rm", "greet"]);
    assert!(!out.status.success());
}

const BOOK: &str = r#"
import rt
def handler(event, context):
    rt.kv.put("booking/" + event["who"], event["when"])
    return len(rt.kv.keys("booking/"))
"#;

const COUNT: &str = r#"
import rt
def handler(event, context):
    return rt.declassify("bookings", {"prefix": "booking/"})
"#;

const PEEK: &str = r#"
import rt
def handler(event, context):
    return [rt.kv.get("booking/ann", "absent"), rt.kv.keys("booking/")]
"#;

const LEAK: &str = r#"
import rt
def handler(event, context):
    return rt.declassify("raw", {"key": "booking/ann"})
"#;

const BOOKINGS: &str = r#"
import rt
def handler(event, context):
    return len(rt.kv.keys(event["prefix"]))
"#;

const RAW: &str = r#"
import rt
def handler(event, context):
    return rt.kv.get(event["key"], None)
"#;

#[test]
fn only_a_declassifier_lowers_a_value_and_every_use_is_logged() {
    let cluster = Cluster::up_on("127.0.39.11", "7660");
    let policy = cluster.file("policy.toml", POLICY);
    ok(cluster.cli(&["policy", "apply", &policy]));
    let alice = cluster.user("alice");
    let bob = cluster.user("bob");
    for (name, source) in [
        ("book", BOOK),
        ("count", COUNT),
        ("peek", PEEK),
        ("leak", LEAK),
    ] {
        let path = cluster.file(&format!("{name}.py"), source);
        ok(cluster.as_user(&bob, &["function", "deploy", name, &path]));
    }
    let bookings = cluster.file("bookings.py", BOOKINGS);
    let raw = cluster.file("raw.py", RAW);
    // Only the admin adds declassifiers, and only downwards.
    let out = cluster.as_user(
        &bob,
        &[
            "declassifier",
            "add",
            "bookings",
            &bookings,
            "--from",
            "secret",
            "--to",
            "public",
        ],
    );
    assert!(!out.status.success(), "{}", text(&out));
    let out = cluster.cli(&[
        "declassifier",
        "add",
        "up",
        &bookings,
        "--from",
        "public",
        "--to",
        "secret",
    ]);
    assert!(!out.status.success(), "{}", text(&out));
    ok(cluster.cli(&[
        "declassifier",
        "add",
        "bookings",
        &bookings,
        "--from",
        "secret",
        "--to",
        "public",
    ]));
    ok(cluster.cli(&[
        "declassifier",
        "add",
        "raw",
        &raw,
        "--from",
        "secret",
        "--to",
        "secret",
    ]));

    let invoke = |token: &str, name: &str, event: &str| -> Output {
        cluster.as_user(token, &["invoke", name, "--event", event])
    };
    for who in ["ann", "ben"] {
        ok(invoke(
            &bob,
            "book",
            &format!(r#"{{"who": "{who}", "when": "monday"}}"#),
        ));
    }
    // Alice sees no booking directly, but the declassifier's count reaches her.
    let peek = ok(invoke(&alice, "peek", "{}"));
    assert_eq!(
        serde_json::from_slice::<Value>(&peek.stdout).unwrap(),
        json!(["absent", []])
    );
    let count = ok(invoke(&alice, "count", "{}"));
    assert_eq!(
        serde_json::from_slice::<Value>(&count.stdout).unwrap(),
        json!(2)
    );
    // A declassifier that releases at secret cannot answer a public caller.
    let leak = invoke(&alice, "leak", "{}");
    assert_eq!(leak.status.code(), Some(1), "{}", text(&leak));
    assert!(leak.stdout.is_empty(), "{}", text(&leak));
    assert!(
        String::from_utf8_lossy(&leak.stderr).contains("PermissionError"),
        "{}",
        text(&leak)
    );
    // Bob, at secret, may use it (no lowering below his label).
    let raw_for_bob = ok(invoke(&bob, "leak", "{}"));
    assert_eq!(
        serde_json::from_slice::<Value>(&raw_for_bob.stdout).unwrap(),
        json!("monday")
    );

    // A service whose answers are labelled below what it is trusted with is a way down too:
    // its registration is logged; one that keeps its label is not.
    for (name, reply) in [("card", "public"), ("vault", "secret")] {
        ok(cluster.cli(&[
            "service",
            "add",
            name,
            "--url",
            "http://127.0.0.1:9/pay",
            "--label",
            "secret",
            "--reply-label",
            reply,
        ]));
    }

    let log: Value =
        serde_json::from_slice(&ok(cluster.cli(&["declassifier", "log", "--json"])).stdout)
            .unwrap();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 3, "{log}");
    let service = entries
        .iter()
        .find(|e| e["declassifier"] == "service:card")
        .unwrap_or_else(|| panic!("no entry for the lowering service: {log}"));
    assert_eq!(
        (
            service["user"].as_str(),
            service["from"].as_str(),
            service["to"].as_str()
        ),
        (Some("admin"), Some("secret"), Some("public"))
    );
    let count_entry = entries
        .iter()
        .find(|e| e["declassifier"] == "bookings")
        .unwrap();
    assert_eq!(count_entry["user"], "alice");
    assert_eq!(count_entry["label"], "public");
    assert_eq!(
        (count_entry["from"].as_str(), count_entry["to"].as_str()),
        (Some("secret"), Some("public"))
    );
    assert!(
        !cluster
            .as_user(&alice, &["declassifier", "log"])
            .status
            .success()
    );
}

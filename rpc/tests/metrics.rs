//! Requests, bytes, errors and latency are recorded per method, on both sides. Its own test binary:
//! it installs a process-wide recorder.

use std::sync::Arc;

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use sl_rpc::bench::{BenchEcho, BenchUpload, Blob, Length};
use sl_rpc::endpoint::{Endpoint, Options, Services};
use sl_rpc::pki::ClusterCa;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_are_counted_timed_and_sized_per_method() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder.install().expect("first recorder in this process");

    let ca = ClusterCa::generate("metrics").unwrap();
    let services = || Services {
        handler: Arc::new(sl_rpc::bench::router()),
        authenticator: None,
        join: None,
    };
    let server = Endpoint::node(
        Options::new("127.0.0.1:0".parse().unwrap()),
        &ca.issue_node("s").unwrap(),
        services(),
    )
    .unwrap();
    let client = Endpoint::node(
        Options::new("127.0.0.1:0".parse().unwrap()),
        &ca.issue_node("c").unwrap(),
        services(),
    )
    .unwrap();
    let addr = server.local_addr().unwrap();
    for _ in 0..3 {
        client
            .call::<BenchEcho>(addr, &Blob { bytes: vec![1; 10] })
            .await
            .unwrap();
    }
    // An upload whose announced length is wrong is refused: one error.
    let refused = client
        .call_with_payload::<BenchUpload>(
            addr,
            &Length { bytes: 5 },
            Some(bytes::Bytes::from_static(b"abc")),
        )
        .await;
    assert!(refused.is_err());

    // The server records a call after its reply is on the wire, so the client can see the
    // outcome first: snapshot until the server's side is in, bounded. A snapshot drains
    // histograms, so their samples are added up across snapshots; counters are totals.
    let mut echo_latencies = 0;
    let mut snapshot = Vec::new();
    for _ in 0..100 {
        snapshot = snapshotter.snapshot().into_vec();
        echo_latencies += histogram_len(
            &snapshot,
            "slnode_rpc_latency_seconds",
            &[("side", "server"), ("method", "bench_echo")],
        );
        let server_error = find(
            &snapshot,
            "slnode_rpc_requests_total",
            &[
                ("side", "server"),
                ("method", "bench_upload"),
                ("outcome", "error"),
            ],
        )
        .is_some();
        if server_error && echo_latencies >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let counter = |name: &str, labels: &[(&str, &str)]| match find(&snapshot, name, labels) {
        Some((_, _, _, DebugValue::Counter(n))) => *n,
        other => panic!("no counter {name} {labels:?}: {other:?}"),
    };
    assert_eq!(
        counter(
            "slnode_rpc_requests_total",
            &[
                ("side", "client"),
                ("method", "bench_echo"),
                ("outcome", "ok")
            ]
        ),
        3
    );
    assert_eq!(
        counter(
            "slnode_rpc_requests_total",
            &[
                ("side", "client"),
                ("method", "bench_upload"),
                ("outcome", "error")
            ]
        ),
        1
    );
    assert_eq!(
        counter(
            "slnode_rpc_requests_total",
            &[
                ("side", "server"),
                ("method", "bench_upload"),
                ("outcome", "error")
            ]
        ),
        1
    );
    assert!(
        counter(
            "slnode_rpc_bytes_total",
            &[("side", "client"), ("method", "bench_echo")]
        ) > 0
    );
    assert_eq!(echo_latencies, 3, "one server latency sample per echo");
}

type Entry = (
    metrics_util::CompositeKey,
    Option<metrics::Unit>,
    Option<metrics::SharedString>,
    DebugValue,
);

fn find<'a>(snapshot: &'a [Entry], name: &str, labels: &[(&str, &str)]) -> Option<&'a Entry> {
    snapshot.iter().find(|(key, _, _, _)| {
        let key = key.key();
        key.name() == name
            && labels
                .iter()
                .all(|(k, v)| key.labels().any(|l| l.key() == *k && l.value() == *v))
    })
}

fn histogram_len(snapshot: &[Entry], name: &str, labels: &[(&str, &str)]) -> usize {
    match find(snapshot, name, labels) {
        Some((_, _, _, DebugValue::Histogram(samples))) => samples.len(),
        _ => 0,
    }
}

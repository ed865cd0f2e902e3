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
    // outcome first: snapshot until the server's side is in, bounded. A snapshot drains what it
    // reports (counters are swapped to zero, histograms cleared), so values are added up across
    // snapshots.
    let mut totals = Totals::default();
    // At least two snapshots, so the summing across them is exercised on every run.
    for round in 0..100 {
        totals.add(snapshotter.snapshot().into_vec());
        let server_error = totals.counter(
            "slnode_rpc_requests_total",
            &[
                ("side", "server"),
                ("method", "bench_upload"),
                ("outcome", "error"),
            ],
        ) > 0;
        let echo_latencies = totals.samples(
            "slnode_rpc_latency_seconds",
            &[("side", "server"), ("method", "bench_echo")],
        );
        if round >= 1 && server_error && echo_latencies >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let counter = |name: &str, labels: &[(&str, &str)]| totals.counter(name, labels);
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
    assert_eq!(
        totals.samples(
            "slnode_rpc_latency_seconds",
            &[("side", "server"), ("method", "bench_echo")],
        ),
        3,
        "one server latency sample per echo"
    );
}

/// A metric's labels as (key, value) pairs.
type Labels = Vec<(String, String)>;

/// Metric values summed over snapshots, by name and labels.
#[derive(Default)]
struct Totals {
    counters: Vec<(String, Labels, u64)>,
    samples: Vec<(String, Labels, usize)>,
}

impl Totals {
    fn add(&mut self, snapshot: Vec<Entry>) {
        for (key, _, _, value) in snapshot {
            let key = key.key();
            let name = key.name().to_owned();
            let labels: Vec<(String, String)> = key
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            match value {
                DebugValue::Counter(n) => {
                    match self
                        .counters
                        .iter_mut()
                        .find(|(n2, l2, _)| *n2 == name && *l2 == labels)
                    {
                        Some((_, _, total)) => *total += n,
                        None => self.counters.push((name, labels, n)),
                    }
                }
                DebugValue::Histogram(values) => {
                    match self
                        .samples
                        .iter_mut()
                        .find(|(n2, l2, _)| *n2 == name && *l2 == labels)
                    {
                        Some((_, _, total)) => *total += values.len(),
                        None => self.samples.push((name, labels, values.len())),
                    }
                }
                DebugValue::Gauge(_) => {}
            }
        }
    }

    fn matches(labels: &[(String, String)], wanted: &[(&str, &str)]) -> bool {
        wanted
            .iter()
            .all(|(k, v)| labels.iter().any(|(k2, v2)| k2 == k && v2 == v))
    }

    fn counter(&self, name: &str, wanted: &[(&str, &str)]) -> u64 {
        self.counters
            .iter()
            .filter(|(n, l, _)| n == name && Self::matches(l, wanted))
            .map(|(_, _, v)| *v)
            .sum()
    }

    fn samples(&self, name: &str, wanted: &[(&str, &str)]) -> usize {
        self.samples
            .iter()
            .filter(|(n, l, _)| n == name && Self::matches(l, wanted))
            .map(|(_, _, v)| *v)
            .sum()
    }
}

type Entry = (
    metrics_util::CompositeKey,
    Option<metrics::Unit>,
    Option<metrics::SharedString>,
    DebugValue,
);

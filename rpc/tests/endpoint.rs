//! Endpoints in one process on loopback: typed calls, concurrency, 64 MiB payloads, restarts,
//! certificates from another CA, join tokens, bearer tokens, malformed frames, and control traffic
//! that must not wait behind bulk transfers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use sl_rpc::endpoint::{
    self, Caller, Endpoint, Error, Options, Reply, Router, Services, StaticTokens,
};
use sl_rpc::frame::{HEADER_BYTES, Header, Kind};
use sl_rpc::message::{ErrorCode, Method, RemoteError, Wire};
use sl_rpc::pki::{ClusterCa, NodeIdentity};
use sl_rpc::token::TokenBook;

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
struct Ping {
    data: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
struct Pong {
    data: Vec<u8>,
    caller: String,
}

struct Echo;
impl Method for Echo {
    const ID: u16 = 100;
    const NAME: &'static str = "echo";
    type Request = Ping;
    type Response = Pong;
}

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
struct Digest {
    len: u64,
    sum: u64,
}

/// Uploads a payload; the server answers with its digest and sends the payload back.
struct Mirror;
impl Method for Mirror {
    const ID: u16 = 101;
    const NAME: &'static str = "mirror";
    const BULK: bool = true;
    type Request = Digest;
    type Response = Digest;
}

fn digest(bytes: &[u8]) -> Digest {
    // FNV-1a: order-sensitive, so a reordered or corrupted payload changes it.
    let sum = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    Digest {
        len: bytes.len() as u64,
        sum,
    }
}

fn router() -> Arc<Router> {
    Arc::new(
        Router::new()
            .route::<Echo, _, _>(|caller, ping: Ping, _| async move {
                let caller = match caller {
                    Caller::Node { .. } => "node".to_string(),
                    Caller::Client { principal } => format!("client:{principal}"),
                    Caller::Joiner => "joiner".to_string(),
                };
                Ok(Reply::new(Pong {
                    data: ping.data,
                    caller,
                }))
            })
            .route::<Mirror, _, _>(|_, claimed: Digest, payload| async move {
                let payload =
                    payload.ok_or_else(|| RemoteError::new(ErrorCode::BadRequest, "no payload"))?;
                let actual = digest(&payload);
                if actual != claimed {
                    return Err(RemoteError::new(
                        ErrorCode::BadRequest,
                        "payload digest mismatch",
                    ));
                }
                Ok(Reply::with_payload(
                    actual,
                    Bytes::copy_from_slice(&payload),
                ))
            }),
    )
}

struct Cluster {
    ca: ClusterCa,
    tokens: Arc<Mutex<TokenBook>>,
}

impl Cluster {
    fn new() -> Cluster {
        Cluster {
            ca: ClusterCa::generate("test").unwrap(),
            tokens: Arc::new(Mutex::new(TokenBook::new())),
        }
    }

    fn node(&self, name: &str, addr: &str) -> (Endpoint, NodeIdentity) {
        let identity = self.ca.issue_node(name).unwrap();
        (self.node_with(&identity, addr, None), identity)
    }

    fn node_with(
        &self,
        identity: &NodeIdentity,
        addr: &str,
        join: Option<Arc<endpoint::JoinService>>,
    ) -> Endpoint {
        let tokens = HashMap::from([("alice-token".to_string(), "alice".to_string())]);
        let services = Services {
            handler: router(),
            authenticator: Some(Arc::new(StaticTokens(tokens))),
            join,
        };
        Endpoint::node(Options::new(addr.parse().unwrap()), identity, services).unwrap()
    }

    /// The CA as a second process holding the same files would see it.
    fn ca_copy(&self) -> ClusterCa {
        let dir = tempfile::tempdir().unwrap();
        self.ca.save(dir.path()).unwrap();
        ClusterCa::load(dir.path()).unwrap()
    }
}

fn ping(data: &[u8]) -> Ping {
    Ping {
        data: data.to_vec(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_call_each_other_concurrently() {
    let cluster = Cluster::new();
    let nodes: Vec<Endpoint> = (0..3)
        .map(|i| cluster.node(&format!("n{i}"), "127.0.0.1:0").0)
        .collect();
    let addrs: Vec<SocketAddr> = nodes.iter().map(|n| n.local_addr().unwrap()).collect();
    let mut calls = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        for j in 0..100u32 {
            let node = node.clone();
            let target = addrs[(i + 1 + j as usize % 2) % 3];
            calls.push(tokio::spawn(async move {
                let data = j.to_le_bytes().to_vec();
                let pong = node.call::<Echo>(target, &ping(&data)).await.unwrap();
                assert_eq!(pong.data, data);
                assert_eq!(pong.caller, "node");
            }));
        }
    }
    for call in calls {
        call.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_64_mib_payload_arrives_intact_and_aligned() {
    let cluster = Cluster::new();
    let (a, _) = cluster.node("a", "127.0.0.1:0");
    let (b, _) = cluster.node("b", "127.0.0.1:0");
    let payload: Vec<u8> = (0..64u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let claimed = digest(&payload);
    let (answer, returned) = a
        .call_with_payload::<Mirror>(
            b.local_addr().unwrap(),
            &claimed,
            Some(Bytes::from(payload.clone())),
        )
        .await
        .unwrap();
    assert_eq!(answer, claimed);
    let returned = returned.unwrap();
    assert_eq!(
        returned.as_ptr() as usize % 16,
        0,
        "payloads land 16-byte aligned"
    );
    assert!(returned[..] == payload[..]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_peer_is_reached_again() {
    let cluster = Cluster::new();
    let (a, _) = cluster.node("a", "127.0.0.1:0");
    let identity = cluster.ca.issue_node("b").unwrap();
    let b = cluster.node_with(&identity, "127.0.0.1:0", None);
    let addr = b.local_addr().unwrap();
    a.call::<Echo>(addr, &ping(b"before")).await.unwrap();
    b.close().await;
    drop(b);
    // The same node comes back on the same address (a process restart). In one process the old
    // socket is released when quinn's driver task notices; a restarting process may likewise
    // find the port busy for a moment, so binding is retried a bounded number of times.
    let mut restarted = None;
    for _ in 0..50 {
        let tokens = HashMap::new();
        let services = Services {
            handler: router(),
            authenticator: Some(Arc::new(StaticTokens(tokens))),
            join: None,
        };
        match Endpoint::node(Options::new(addr), &identity, services) {
            Ok(endpoint) => {
                restarted = Some(endpoint);
                break;
            }
            Err(Error::Bind { .. }) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(other) => panic!("{other}"),
        }
    }
    let b = restarted.expect("the address is free again within 5 s");
    let pong = a.call::<Echo>(addr, &ping(b"after")).await.unwrap();
    assert_eq!(pong.data, b"after");
    drop(b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_another_ca_is_refused() {
    let cluster = Cluster::new();
    let (a, _) = cluster.node("a", "127.0.0.1:0");
    let stranger = Cluster::new();
    let (s, _) = stranger.node("s", "127.0.0.1:0");
    // Both directions: the stranger calling in, and a calling the stranger.
    assert!(matches!(
        s.call::<Echo>(a.local_addr().unwrap(), &ping(b"x")).await,
        Err(Error::Connect { .. })
    ));
    assert!(matches!(
        a.call::<Echo>(s.local_addr().unwrap(), &ping(b"x")).await,
        Err(Error::Connect { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_checks_the_token_and_yields_a_working_identity() {
    let cluster = Cluster::new();
    let identity = cluster.ca.issue_node("first").unwrap();
    let service = Arc::new(endpoint::JoinService {
        ca: cluster.ca_copy(),
        tokens: cluster.tokens.clone(),
    });
    let first = cluster.node_with(&identity, "127.0.0.1:0", Some(service));
    let addr = first.local_addr().unwrap();
    let options = Options::new("127.0.0.1:0".parse().unwrap());

    let good = endpoint::issue_token(&cluster.tokens, &cluster.ca, Some(Duration::from_secs(600)))
        .unwrap();
    let joined = endpoint::join(addr, &good, "second", &options)
        .await
        .unwrap();
    let second = cluster.node_with(&joined, "127.0.0.1:0", None);
    assert_eq!(
        second
            .call::<Echo>(addr, &ping(b"hi"))
            .await
            .unwrap()
            .caller,
        "node",
        "the new identity passes mutual TLS"
    );

    let mut wrong_secret = good.clone();
    wrong_secret.secret[0] ^= 1;
    assert!(
        matches!(endpoint::join(addr, &wrong_secret, "x", &options).await, Err(Error::Join(m)) if m.contains("wrong join token secret"))
    );

    let expired =
        endpoint::issue_token(&cluster.tokens, &cluster.ca, Some(Duration::ZERO)).unwrap();
    assert!(
        matches!(endpoint::join(addr, &expired, "x", &options).await, Err(Error::Join(m)) if m.contains("expired"))
    );

    let revoked = endpoint::issue_token(&cluster.tokens, &cluster.ca, None).unwrap();
    cluster.tokens.lock().unwrap().revoke(revoked.id).unwrap();
    assert!(
        matches!(endpoint::join(addr, &revoked, "x", &options).await, Err(Error::Join(m)) if m.contains("revoked"))
    );

    // A token for another cluster: the joiner refuses the server before sending its secret.
    let mut other_cluster = good.clone();
    other_cluster.fingerprint = ClusterCa::generate("other").unwrap().fingerprint();
    assert!(
        matches!(endpoint::join(addr, &other_cluster, "x", &options).await, Err(Error::Connect { reason, .. }) if reason.contains("fingerprint"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_need_a_valid_bearer_token() {
    let cluster = Cluster::new();
    let (a, _) = cluster.node("a", "127.0.0.1:0");
    let addr = a.local_addr().unwrap();
    let options = Options::new("127.0.0.1:0".parse().unwrap());
    let alice = Endpoint::client(options.clone(), cluster.ca.cert(), "alice-token").unwrap();
    assert_eq!(
        alice.call::<Echo>(addr, &ping(b"x")).await.unwrap().caller,
        "client:alice"
    );
    let mallory = Endpoint::client(options.clone(), cluster.ca.cert(), "guessed").unwrap();
    match mallory.call::<Echo>(addr, &ping(b"x")).await {
        Err(Error::Unauthenticated { reason, .. }) => {
            assert!(reason.contains("unknown or expired token"), "{reason}")
        }
        other => panic!("expected Unauthenticated, got {other:?}"),
    }
    // A client that trusts another CA refuses the server.
    let confused = Endpoint::client(
        options,
        ClusterCa::generate("other").unwrap().cert(),
        "alice-token",
    )
    .unwrap();
    assert!(matches!(
        confused.call::<Echo>(addr, &ping(b"x")).await,
        Err(Error::Connect { .. })
    ));
}

/// Raw streams on a peer connection, to send what a well-behaved endpoint never would.
async fn raw_exchange(connection: &quinn::Connection, bytes: &[u8]) -> (Header, Vec<u8>) {
    let (mut send, mut recv) = connection.open_bi().await.unwrap();
    send.write_all(bytes).await.unwrap();
    let _ = send.finish();
    let answer = recv.read_to_end(1 << 20).await.unwrap();
    let header = Header::decode(&answer).unwrap();
    (header, answer[HEADER_BYTES..].to_vec())
}

fn error_of(body: &[u8]) -> RemoteError {
    let mut aligned = sl_rpc::Aligned::new();
    aligned.extend_from_slice(body);
    RemoteError::from_wire(&aligned).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_frames_are_rejected_and_the_connection_lives_on() {
    let cluster = Cluster::new();
    let (a, _) = cluster.node("a", "127.0.0.1:0");
    let identity = cluster.ca.issue_node("raw").unwrap();
    let config = sl_rpc::tls::peer_client(&identity, &Default::default()).unwrap();
    let client = quinn::Endpoint::client("127.0.0.1:0".parse().unwrap()).unwrap();
    let connection = client
        .connect_with(config, a.local_addr().unwrap(), "slnode")
        .unwrap()
        .await
        .unwrap();

    // Garbage instead of a header.
    let (header, body) = raw_exchange(&connection, &[0xAB; 40]).await;
    assert_eq!(header.kind, Kind::Error);
    assert!(error_of(&body).message.contains("bad magic"));
    // A header announcing a body over the limit.
    let mut oversized = Header::new(Kind::Request, Echo::ID, 10, 0)
        .unwrap()
        .encode();
    oversized[8..12].copy_from_slice(&(64u32 << 20).to_le_bytes());
    let (header, body) = raw_exchange(&connection, &oversized).await;
    assert_eq!(header.kind, Kind::Error);
    assert!(
        error_of(&body).message.contains("exceeds"),
        "{:?}",
        error_of(&body)
    );
    // A valid header with a body that is not a valid rkyv Ping.
    let mut frame = Header::new(Kind::Request, Echo::ID, 32, 0)
        .unwrap()
        .encode()
        .to_vec();
    frame.extend_from_slice(&[0xFF; 32]);
    let (header, body) = raw_exchange(&connection, &frame).await;
    assert_eq!(header.kind, Kind::Error);
    assert_eq!(error_of(&body).code, ErrorCode::BadRequest);
    // An unknown method.
    let body_bytes = ping(b"x").to_wire().unwrap();
    let mut frame = Header::new(Kind::Request, 999, body_bytes.len(), 0)
        .unwrap()
        .encode()
        .to_vec();
    frame.extend_from_slice(&body_bytes);
    let (_, body) = raw_exchange(&connection, &frame).await;
    assert_eq!(error_of(&body).code, ErrorCode::UnknownMethod);
    // The same connection still serves a good request.
    let mut frame = Header::new(Kind::Request, Echo::ID, body_bytes.len(), 0)
        .unwrap()
        .encode()
        .to_vec();
    frame.extend_from_slice(&body_bytes);
    let (header, _) = raw_exchange(&connection, &frame).await;
    assert_eq!(header.kind, Kind::Response);
    assert!(connection.close_reason().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_peer_protocol_requires_a_client_certificate() {
    let cluster = Cluster::new();
    let (a, _) = cluster.node("a", "127.0.0.1:0");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cluster.ca.cert().clone()).unwrap();
    let mut crypto = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(&[&rustls::version::TLS13])
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    crypto.alpn_protocols = vec![sl_rpc::tls::ALPN_PEER.to_vec()];
    let config = quinn::ClientConfig::new(Arc::new(
        quinn::crypto::rustls::QuicClientConfig::try_from(crypto).unwrap(),
    ));
    let client = quinn::Endpoint::client("127.0.0.1:0".parse().unwrap()).unwrap();
    let connection = client
        .connect_with(config, a.local_addr().unwrap(), "slnode")
        .unwrap()
        .await
        .unwrap();
    let reason = connection.closed().await;
    assert!(
        reason.to_string().contains("requires a certificate"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_calls_complete_while_bulk_transfers_are_in_flight() {
    let cluster = Cluster::new();
    let (a, _) = cluster.node("a", "127.0.0.1:0");
    let (b, _) = cluster.node("b", "127.0.0.1:0");
    let target = b.local_addr().unwrap();
    a.call::<Echo>(target, &ping(b"warm")).await.unwrap();
    let payload = Bytes::from(vec![7u8; 64 << 20]);
    let claimed = digest(&payload);
    let bulk: Vec<_> = (0..4)
        .map(|_| {
            let (a, payload, claimed) = (a.clone(), payload.clone(), claimed.clone());
            tokio::spawn(async move {
                a.call_with_payload::<Mirror>(target, &claimed, Some(payload))
                    .await
                    .map(|_| ())
            })
        })
        .collect();
    // Heartbeats issued after the bulk transfers started must all finish while at least one of the
    // 256 MiB of transfers is still moving: they never queue behind it.
    tokio::time::sleep(Duration::from_millis(5)).await;
    for i in 0..20u8 {
        a.call::<Echo>(target, &ping(&[i])).await.unwrap();
    }
    let unfinished = bulk.iter().filter(|task| !task.is_finished()).count();
    assert!(
        unfinished > 0,
        "all bulk transfers finished before 20 heartbeats: control traffic waited behind bulk"
    );
    for task in bulk {
        task.await.unwrap().unwrap();
    }
}

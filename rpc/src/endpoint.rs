//! The endpoint: one quinn endpoint per process, the server loop that dispatches requests to a
//! [`Handler`], and the client side with a pool of connections per peer.
//!
//! Shape: [`Options`] (validated config) → [`Endpoint`] (a cheap, cloneable handle; the accept loop
//! runs in a task it owns). One request per bidirectional stream: header, rkyv body, then the
//! optional payload; the response comes back the same way on the same stream. Every peer has two
//! connections, control and bulk, so a Raft heartbeat never waits behind a 64 MiB tile: each QUIC
//! connection has its own congestion and flow-control state.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use rustls::pki_types::CertificateDer;
use sha2::{Digest, Sha256};
use tracing::{debug, warn};

use crate::frame::{self, HEADER_BYTES, Header, Kind};
use crate::message::{Aligned, ErrorCode, Hello, Method, RemoteError, Welcome, Wire};
use crate::pki::{self, ClusterCa, Fingerprint, NodeIdentity, SERVER_NAME};
use crate::tls::{self, ALPN_CLIENT, ALPN_JOIN, ALPN_PEER, Transport};
use crate::token::{self, JoinToken, TokenBook, TokenId};

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Requests whose payload exceeds this travel on the bulk connection.
pub const BULK_PAYLOAD_BYTES_MIN: u64 = 1 << 20;
/// The most peers (distinct addresses × lanes) one endpoint keeps connections to.
pub const PEER_CONNECTIONS_MAX: usize = 4096;

// What a node spends on peers that have not authenticated (a QUIC handshake in progress, a client
// connection before its hello is accepted, a joining node) is bounded by these, whatever frame
// lengths they declare: at most `UNAUTHENTICATED_MAX` such connections (`UNAUTHENTICATED_PER_IP_MAX`
// from one address), each with `tls::PREAUTH_WINDOW_BYTES` buffered by QUIC and one frame of at
// most `PREAUTH_FRAME_BYTES_MAX` read by us, for at most `PREAUTH_TIMEOUT`. That is
// 256 × (64 + 64) KiB = 32 MiB of buffers plus quinn's and rustls' per-connection state
// (measured: `rpc/tests/hostile.rs`).

/// Connections not yet authenticated, in all, and from one IP address.
pub const UNAUTHENTICATED_MAX: usize = 256;
pub const UNAUTHENTICATED_PER_IP_MAX: usize = 64;
/// The largest frame body before authentication (a hello's token, a join's CSR); no payload.
pub const PREAUTH_FRAME_BYTES_MAX: u32 = 64 << 10;
/// Handshake, hello and join together must finish within this.
pub const PREAUTH_TIMEOUT: Duration = Duration::from_secs(5);
/// Authenticated connections a node serves at once.
pub const CONNECTIONS_MAX: usize = 4096;
/// Request bytes (declared bodies and payloads) one authenticated connection may have in flight;
/// a stream whose frame does not fit waits (within its deadline) for others to finish.
pub const IN_FLIGHT_BYTES_MAX: u64 = 512 << 20;
/// Buffers grow as bytes arrive, starting at this, never past the declared length.
const READ_BUFFER_START_BYTES: usize = 64 << 10;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot reach {peer}: {reason}")]
    Connect { peer: SocketAddr, reason: String },
    #[error("{method} to {peer} timed out after {after:?}")]
    Timeout {
        peer: SocketAddr,
        method: &'static str,
        after: Duration,
    },
    #[error("{method} to {peer} failed: connection lost ({reason})")]
    Lost {
        peer: SocketAddr,
        method: &'static str,
        reason: String,
    },
    #[error("{method} was refused by {peer}: {error}")]
    Remote {
        peer: SocketAddr,
        method: &'static str,
        error: RemoteError,
    },
    #[error("{peer} refused the token: {reason}")]
    Unauthenticated { peer: SocketAddr, reason: String },
    #[error("bad frame from {peer}: {source}")]
    Frame {
        peer: SocketAddr,
        source: frame::Error,
    },
    #[error("cannot encode or decode {method}: {reason}")]
    Codec {
        method: &'static str,
        reason: String,
    },
    #[error(transparent)]
    Tls(#[from] tls::Error),
    #[error(transparent)]
    Pki(#[from] pki::Error),
    #[error("cannot bind {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    #[error("too many peer connections ({PEER_CONNECTIONS_MAX})")]
    TooManyPeers,
    #[error("join refused: {0}")]
    Join(String),
}

/// Who sent a request, as the server established it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// Another node, authenticated by a certificate the cluster CA signed.
    Node { certificate: Fingerprint },
    /// A user, authenticated by bearer token; the principal is what the authenticator said.
    Client { principal: String },
    /// A node that is joining: it may only call `Join`.
    Joiner,
}

pub struct Incoming {
    pub caller: Caller,
    pub method: u16,
    pub body: Aligned,
    pub payload: Option<Aligned>,
}

pub struct Outgoing {
    pub body: Aligned,
    pub payload: Option<Bytes>,
}

/// Serves requests. The router below is the usual implementation.
pub trait Handler: Send + Sync + 'static {
    fn handle(&self, incoming: Incoming) -> BoxFuture<Result<Outgoing, RemoteError>>;
    /// The method's name, for metrics and logs.
    fn method_name(&self, method: u16) -> &'static str;
}

/// How a refusal that another node may not give starts (a node that has not loaded the cluster's
/// users yet): clients try the next node instead of giving up.
pub const NOT_READY: &str = "not ready: ";

/// Whether a refusal's reason says only that this node cannot decide yet.
pub fn refusal_is_transient(reason: &str) -> bool {
    reason.contains(NOT_READY)
}

/// Maps bearer tokens to principals: the hook the coordinator fills later.
pub trait Authenticator: Send + Sync + 'static {
    fn authenticate(&self, bearer: &str) -> Result<String, String>;
}

/// A fixed token → principal map.
pub struct StaticTokens(pub HashMap<String, String>);

impl Authenticator for StaticTokens {
    fn authenticate(&self, bearer: &str) -> Result<String, String> {
        self.0
            .get(bearer)
            .cloned()
            .ok_or_else(|| "unknown or expired token; ask an admin for a new one".to_owned())
    }
}

/// A typed response, optionally with a payload.
pub struct Reply<R> {
    pub response: R,
    pub payload: Option<Bytes>,
}

impl<R> Reply<R> {
    pub fn new(response: R) -> Reply<R> {
        Reply {
            response,
            payload: None,
        }
    }

    pub fn with_payload(response: R, payload: Bytes) -> Reply<R> {
        Reply {
            response,
            payload: Some(payload),
        }
    }
}

type Route = Box<
    dyn Fn(Caller, Aligned, Option<Aligned>) -> BoxFuture<Result<Outgoing, RemoteError>>
        + Send
        + Sync,
>;

/// Dispatches by method id to typed closures.
#[derive(Default)]
pub struct Router {
    routes: HashMap<u16, (&'static str, Route)>,
}

impl Router {
    pub fn new() -> Router {
        Router::default()
    }

    pub fn route<M, F, Fut>(mut self, handler: F) -> Router
    where
        M: Method,
        F: Fn(Caller, M::Request, Option<Aligned>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Reply<M::Response>, RemoteError>> + Send + 'static,
    {
        assert!(
            M::ID >= FIRST_USER_METHOD,
            "method ids below {FIRST_USER_METHOD} belong to the transport"
        );
        let handler = Arc::new(handler);
        let route: Route = Box::new(move |caller, body, payload| {
            let handler = handler.clone();
            Box::pin(async move {
                let request = M::Request::from_wire(&body).map_err(|e| {
                    RemoteError::new(
                        ErrorCode::BadRequest,
                        format!("malformed {} request: {e}", M::NAME),
                    )
                })?;
                let reply = handler(caller, request, payload).await?;
                let body = reply
                    .response
                    .to_wire()
                    .map_err(|e| RemoteError::new(ErrorCode::Internal, e))?;
                Ok(Outgoing {
                    body,
                    payload: reply.payload,
                })
            })
        });
        let previous = self.routes.insert(M::ID, (M::NAME, route));
        assert!(previous.is_none(), "method id {} registered twice", M::ID);
        self
    }
}

impl Handler for Router {
    fn handle(&self, incoming: Incoming) -> BoxFuture<Result<Outgoing, RemoteError>> {
        match self.routes.get(&incoming.method) {
            Some((_, route)) => route(incoming.caller, incoming.body, incoming.payload),
            None => {
                let method = incoming.method;
                Box::pin(async move {
                    Err(RemoteError::new(
                        ErrorCode::UnknownMethod,
                        format!("no method {method} here"),
                    ))
                })
            }
        }
    }

    fn method_name(&self, method: u16) -> &'static str {
        self.routes.get(&method).map_or("unknown", |(name, _)| name)
    }
}

/// Method ids below this are the transport's own (hello, join).
pub const FIRST_USER_METHOD: u16 = 16;
const JOIN_METHOD: u16 = 1;

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
struct JoinRequest {
    token_id: [u8; 8],
    secret: Vec<u8>,
    name: String,
    csr: Vec<u8>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
struct JoinResponse {
    certificate: Vec<u8>,
    ca: Vec<u8>,
}

/// Signs joining nodes' certificates for holders of valid tokens. Lives on nodes holding the CA key.
pub struct JoinService {
    pub ca: ClusterCa,
    pub tokens: Arc<Mutex<TokenBook>>,
}

impl JoinService {
    fn join(&self, request: JoinRequest) -> Result<JoinResponse, RemoteError> {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .check(TokenId(request.token_id), &request.secret, now)
            .map_err(|e| RemoteError::new(ErrorCode::Unauthenticated, e.to_string()))?;
        let certificate = self
            .ca
            .sign_csr(&request.csr, &request.name)
            .map_err(|e| RemoteError::new(ErrorCode::BadRequest, e.to_string()))?;
        Ok(JoinResponse {
            certificate: certificate.to_vec(),
            ca: self.ca.cert().to_vec(),
        })
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    /// Address to listen on (nodes) or bind the client socket to (clients; port 0 is fine).
    pub bind: SocketAddr,
    pub transport: Transport,
    pub connect_timeout: Duration,
    /// Budget for one request without payload.
    pub request_timeout: Duration,
    /// Payloads add `bytes / payload_rate_min` to the budget, so a 64 MiB tile gets time to move
    /// but a stuck transfer still ends.
    pub payload_rate_min_bytes_per_second: u64,
}

impl Options {
    pub fn new(bind: SocketAddr) -> Options {
        Options {
            bind,
            transport: Transport::default(),
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
            payload_rate_min_bytes_per_second: 32 << 20,
        }
    }
}

/// What this endpoint presents when it calls out.
enum Credentials {
    Node {
        config: quinn::ClientConfig,
    },
    Client {
        config: quinn::ClientConfig,
        bearer: String,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Lane {
    Control,
    Bulk,
}

/// Held while connecting to one peer on one lane, so concurrent first calls share a connection.
type ConnectGate = Arc<tokio::sync::Mutex<()>>;

struct Inner {
    endpoint: quinn::Endpoint,
    options: Options,
    credentials: Credentials,
    pool: Mutex<HashMap<(SocketAddr, Lane), quinn::Connection>>,
    /// One connect at a time per peer and lane: concurrent first calls share one connection
    /// instead of each opening its own.
    connecting: Mutex<HashMap<(SocketAddr, Lane), ConnectGate>>,
    accept_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// A cheap handle to the endpoint; clone it freely.
#[derive(Clone)]
pub struct Endpoint {
    inner: Arc<Inner>,
}

/// The services a node's endpoint offers.
pub struct Services {
    pub handler: Arc<dyn Handler>,
    pub authenticator: Option<Arc<dyn Authenticator>>,
    pub join: Option<Arc<JoinService>>,
}

impl Endpoint {
    /// A node: serves `services` on `options.bind` and calls other nodes with mutual TLS.
    pub fn node(
        options: Options,
        identity: &NodeIdentity,
        services: Services,
    ) -> Result<Endpoint, Error> {
        let server = tls::server(identity, &options.transport)?;
        // A reset key derived from the node's key stays the same across restarts, so peers holding
        // connections to the previous process get a verifiable stateless reset at once and
        // reconnect, instead of waiting for their idle timeout.
        let seed: [u8; 32] = Sha256::new()
            .chain_update(b"slnode stateless reset")
            .chain_update(identity.key.secret_der())
            .finalize()
            .into();
        let reset_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &seed);
        let config = quinn::EndpointConfig::new(Arc::new(reset_key));
        let socket = std::net::UdpSocket::bind(options.bind).map_err(|e| Error::Bind {
            addr: options.bind,
            reason: e.to_string(),
        })?;
        let runtime = quinn::default_runtime().ok_or_else(|| Error::Bind {
            addr: options.bind,
            reason: "no async runtime".into(),
        })?;
        let endpoint =
            quinn::Endpoint::new(config, Some(server), socket, runtime).map_err(|e| {
                Error::Bind {
                    addr: options.bind,
                    reason: e.to_string(),
                }
            })?;
        let credentials = Credentials::Node {
            config: tls::peer_client(identity, &options.transport)?,
        };
        let this = Endpoint::from_parts(endpoint, options, credentials);
        let server = Server {
            services,
            transport: this.inner.options.transport.clone(),
            deadlines: ReadDeadlines {
                request: this.inner.options.request_timeout,
                rate_bytes_per_second: this.inner.options.payload_rate_min_bytes_per_second,
            },
        };
        let task = tokio::spawn(accept_loop(this.inner.endpoint.clone(), Arc::new(server)));
        *this
            .inner
            .accept_task
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(task);
        Ok(this)
    }

    /// A client (CLI, gateway): verifies servers against `ca`, authenticates with `bearer`.
    pub fn client(
        options: Options,
        ca: &CertificateDer<'static>,
        bearer: &str,
    ) -> Result<Endpoint, Error> {
        let endpoint = quinn::Endpoint::client(options.bind).map_err(|e| Error::Bind {
            addr: options.bind,
            reason: e.to_string(),
        })?;
        let credentials = Credentials::Client {
            config: tls::user_client(ca, &options.transport)?,
            bearer: bearer.to_owned(),
        };
        Ok(Endpoint::from_parts(endpoint, options, credentials))
    }

    fn from_parts(
        endpoint: quinn::Endpoint,
        options: Options,
        credentials: Credentials,
    ) -> Endpoint {
        Endpoint {
            inner: Arc::new(Inner {
                endpoint,
                options,
                credentials,
                pool: Mutex::new(HashMap::new()),
                connecting: Mutex::new(HashMap::new()),
                accept_task: Mutex::new(None),
            }),
        }
    }

    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        self.inner.endpoint.local_addr().map_err(|e| Error::Bind {
            addr: self.inner.options.bind,
            reason: e.to_string(),
        })
    }

    /// Stops serving, closes every connection, and waits until peers were told.
    pub async fn close(&self) {
        let task = self
            .inner
            .accept_task
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
        self.inner
            .endpoint
            .close(quinn::VarInt::from_u32(0), b"endpoint closed");
        self.inner
            .pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        let _ = tokio::time::timeout(Duration::from_secs(1), self.inner.endpoint.wait_idle()).await;
    }

    pub async fn call<M: Method>(
        &self,
        peer: SocketAddr,
        request: &M::Request,
    ) -> Result<M::Response, Error> {
        self.call_with_payload::<M>(peer, request, None)
            .await
            .map(|(response, _)| response)
    }

    /// Sends `request` (and `payload`, streamed without copying) and returns the response with its
    /// payload, landed in an aligned buffer.
    pub async fn call_with_payload<M: Method>(
        &self,
        peer: SocketAddr,
        request: &M::Request,
        payload: Option<Bytes>,
    ) -> Result<(M::Response, Option<Aligned>), Error> {
        let body = request.to_wire().map_err(|reason| Error::Codec {
            method: M::NAME,
            reason,
        })?;
        let payload_len = payload.as_ref().map_or(0, |p| p.len() as u64);
        let header = Header::new(Kind::Request, M::ID, body.len(), payload_len)
            .map_err(|source| Error::Frame { peer, source })?;
        let lane = if M::BULK || payload_len >= BULK_PAYLOAD_BYTES_MIN {
            Lane::Bulk
        } else {
            Lane::Control
        };
        let budget = self.inner.options.request_timeout
            + Duration::from_secs_f64(
                payload_len as f64
                    / self.inner.options.payload_rate_min_bytes_per_second.max(1) as f64,
            );
        let started = Instant::now();
        let mut attempt = 0;
        let result = loop {
            attempt += 1;
            let (connection, pooled) = self.connection(peer, lane).await?;
            let exchange = exchange(&connection, header, &body, payload.clone(), peer, M::NAME);
            let outcome = match tokio::time::timeout(budget, exchange).await {
                Ok(outcome) => outcome,
                Err(_) => Err(Error::Timeout {
                    peer,
                    method: M::NAME,
                    after: budget,
                }),
            };
            match outcome {
                // A stateless reset proves the peer holds no state for this connection (it restarted),
                // so the request was never processed and one retry on a fresh connection is safe.
                Err(Error::Lost { .. })
                    if pooled
                        && attempt == 1
                        && matches!(
                            connection.close_reason(),
                            Some(quinn::ConnectionError::Reset)
                        ) =>
                {
                    self.evict(peer, lane);
                    continue;
                }
                Err(error) => {
                    if connection.close_reason().is_some() {
                        self.evict(peer, lane);
                    }
                    break Err(error);
                }
                Ok(answer) => break Ok(answer),
            }
        };
        record(
            "client",
            M::NAME,
            started,
            &result,
            body.len() as u64 + payload_len,
        );
        let (response_body, response_payload) = result?;
        let response = M::Response::from_wire(&response_body).map_err(|reason| Error::Codec {
            method: M::NAME,
            reason,
        })?;
        Ok((response, response_payload))
    }

    fn evict(&self, peer: SocketAddr, lane: Lane) {
        self.inner
            .pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&(peer, lane));
    }

    /// A live pooled connection to `peer` on `lane`, or a new one. The flag says it was pooled.
    async fn connection(
        &self,
        peer: SocketAddr,
        lane: Lane,
    ) -> Result<(quinn::Connection, bool), Error> {
        if let Some(pooled) = self.pooled(peer, lane)? {
            return Ok((pooled, true));
        }
        let gate = {
            let mut connecting = self
                .inner
                .connecting
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if connecting.len() >= PEER_CONNECTIONS_MAX {
                connecting.retain(|_, gate| Arc::strong_count(gate) > 1);
            }
            connecting.entry((peer, lane)).or_default().clone()
        };
        let _turn = gate.lock().await;
        // Whoever held the gate before may have connected for us.
        if let Some(pooled) = self.pooled(peer, lane)? {
            return Ok((pooled, true));
        }
        let connection = self.connect(peer).await?;
        self.inner
            .pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((peer, lane), connection.clone());
        Ok((connection, false))
    }

    /// The live pooled connection, if any; an error when the pool is full.
    fn pooled(&self, peer: SocketAddr, lane: Lane) -> Result<Option<quinn::Connection>, Error> {
        {
            let mut pool = self.inner.pool.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(connection) = pool.get(&(peer, lane)) {
                if connection.close_reason().is_none() {
                    return Ok(Some(connection.clone()));
                }
                pool.remove(&(peer, lane));
            }
            if pool.len() >= PEER_CONNECTIONS_MAX {
                pool.retain(|_, c| c.close_reason().is_none());
                if pool.len() >= PEER_CONNECTIONS_MAX {
                    return Err(Error::TooManyPeers);
                }
            }
        }
        Ok(None)
    }

    async fn connect(&self, peer: SocketAddr) -> Result<quinn::Connection, Error> {
        let config = match &self.inner.credentials {
            Credentials::Node { config } | Credentials::Client { config, .. } => config.clone(),
        };
        let connection = connect_with(
            &self.inner.endpoint,
            config,
            peer,
            self.inner.options.connect_timeout,
        )
        .await?;
        if let Credentials::Client { bearer, .. } = &self.inner.credentials {
            let hello = Hello {
                bearer: bearer.clone(),
            }
            .to_wire()
            .map_err(|reason| Error::Codec {
                method: "hello",
                reason,
            })?;
            let header = Header::new(Kind::Hello, 0, hello.len(), 0)
                .map_err(|source| Error::Frame { peer, source })?;
            let answer = tokio::time::timeout(
                self.inner.options.request_timeout,
                exchange(&connection, header, &hello, None, peer, "hello"),
            )
            .await
            .map_err(|_| Error::Timeout {
                peer,
                method: "hello",
                after: self.inner.options.request_timeout,
            })?;
            match answer {
                Ok((body, _)) => {
                    let welcome = Welcome::from_wire(&body).map_err(|reason| Error::Codec {
                        method: "hello",
                        reason,
                    })?;
                    debug!(%peer, principal = %welcome.principal, "authenticated");
                }
                Err(Error::Remote { error, .. }) => {
                    return Err(Error::Unauthenticated {
                        peer,
                        reason: error.message,
                    });
                }
                Err(other) => return Err(other),
            }
        }
        Ok(connection)
    }
}

async fn connect_with(
    endpoint: &quinn::Endpoint,
    config: quinn::ClientConfig,
    peer: SocketAddr,
    timeout: Duration,
) -> Result<quinn::Connection, Error> {
    let connecting = endpoint
        .connect_with(config, peer, SERVER_NAME)
        .map_err(|e| Error::Connect {
            peer,
            reason: e.to_string(),
        })?;
    match tokio::time::timeout(timeout, connecting).await {
        Ok(Ok(connection)) => Ok(connection),
        Ok(Err(e)) => Err(Error::Connect {
            peer,
            reason: e.to_string(),
        }),
        Err(_) => Err(Error::Connect {
            peer,
            reason: format!("no answer within {timeout:?}"),
        }),
    }
}

/// Joins a cluster: checks the server's CA against the token, proves the secret, and returns the
/// node identity the cluster signed.
pub async fn join(
    peer: SocketAddr,
    token: &JoinToken,
    name: &str,
    options: &Options,
) -> Result<NodeIdentity, Error> {
    let (key, csr) = NodeIdentity::new_request(name)?;
    let endpoint = quinn::Endpoint::client(options.bind).map_err(|e| Error::Bind {
        addr: options.bind,
        reason: e.to_string(),
    })?;
    let config = tls::join_client(token.fingerprint, &options.transport)?;
    let connection = connect_with(&endpoint, config, peer, options.connect_timeout).await?;
    let request = JoinRequest {
        token_id: token.id.0,
        secret: token.secret.to_vec(),
        name: name.to_owned(),
        csr,
    };
    let body = request.to_wire().map_err(|reason| Error::Codec {
        method: "join",
        reason,
    })?;
    let header = Header::new(Kind::Request, JOIN_METHOD, body.len(), 0)
        .map_err(|source| Error::Frame { peer, source })?;
    let answer = tokio::time::timeout(
        options.request_timeout,
        exchange(&connection, header, &body, None, peer, "join"),
    )
    .await
    .map_err(|_| Error::Timeout {
        peer,
        method: "join",
        after: options.request_timeout,
    })?;
    connection.close(quinn::VarInt::from_u32(0), b"joined");
    endpoint.wait_idle().await;
    let (body, _) = answer.map_err(|e| match e {
        Error::Remote { error, .. } => Error::Join(error.message),
        other => other,
    })?;
    let response = JoinResponse::from_wire(&body).map_err(|reason| Error::Codec {
        method: "join",
        reason,
    })?;
    if Fingerprint::of(&response.ca) != token.fingerprint {
        return Err(Error::Join(
            "the cluster answered with a different CA than the token names".into(),
        ));
    }
    Ok(NodeIdentity::from_parts(
        &key,
        CertificateDer::from(response.certificate),
        CertificateDer::from(response.ca),
    ))
}

/// Writes one frame (header, body, payload) and reads the answer frame.
async fn exchange(
    connection: &quinn::Connection,
    header: Header,
    body: &[u8],
    payload: Option<Bytes>,
    peer: SocketAddr,
    method: &'static str,
) -> Result<(Aligned, Option<Aligned>), Error> {
    let lost = |reason: String| Error::Lost {
        peer,
        method,
        reason,
    };
    let (mut send, mut recv) = connection
        .open_bi()
        .await
        .map_err(|e| lost(e.to_string()))?;
    send.write_all(&header.encode())
        .await
        .map_err(|e| lost(e.to_string()))?;
    send.write_all(body)
        .await
        .map_err(|e| lost(e.to_string()))?;
    if let Some(payload) = payload {
        send.write_chunk(payload)
            .await
            .map_err(|e| lost(e.to_string()))?;
    }
    let _ = send.finish();
    let (answer, body, payload) = read_frame(&mut recv).await.map_err(|e| match e {
        ReadError::Frame(source) => Error::Frame { peer, source },
        ReadError::Io(reason) => lost(reason),
    })?;
    match answer.kind {
        Kind::Response => Ok((body, payload)),
        Kind::Error => {
            let error = RemoteError::from_wire(&body).unwrap_or_else(|e| {
                RemoteError::new(ErrorCode::Internal, format!("unreadable error: {e}"))
            });
            Err(Error::Remote {
                peer,
                method,
                error,
            })
        }
        other => Err(Error::Frame {
            peer,
            source: frame::Error::Kind(other as u8),
        }),
    }
}

enum ReadError {
    Frame(frame::Error),
    Io(String),
}

async fn read_header(recv: &mut quinn::RecvStream) -> Result<Header, ReadError> {
    let mut header_bytes = [0u8; HEADER_BYTES];
    recv.read_exact(&mut header_bytes)
        .await
        .map_err(|e| ReadError::Io(e.to_string()))?;
    Header::decode(&header_bytes).map_err(ReadError::Frame)
}

/// The body and payload `header` declares, read into buffers that grow as bytes arrive: a peer
/// that declares 256 MiB and sends nothing costs nothing.
async fn read_rest(
    recv: &mut quinn::RecvStream,
    header: &Header,
) -> Result<(Aligned, Option<Aligned>), ReadError> {
    let body = read_aligned(recv, header.body_len as usize).await?;
    let payload = match header.payload_len {
        0 => None,
        len => Some(read_aligned(recv, len as usize).await?),
    };
    Ok((body, payload))
}

/// A whole frame from a trusted server (the client side; the server side reads with limits).
async fn read_frame(
    recv: &mut quinn::RecvStream,
) -> Result<(Header, Aligned, Option<Aligned>), ReadError> {
    let header = read_header(recv).await?;
    let (body, payload) = read_rest(recv, &header).await?;
    Ok((header, body, payload))
}

/// A frame from a peer that has not authenticated: small, without payload, within `deadline`.
async fn read_preauth_frame(
    recv: &mut quinn::RecvStream,
    deadline: tokio::time::Instant,
) -> Result<(Header, Aligned), ReadError> {
    let read = async {
        let header = read_header(recv).await?;
        if header.body_len > PREAUTH_FRAME_BYTES_MAX {
            return Err(ReadError::Frame(frame::Error::BodyTooLarge {
                got: header.body_len as u64,
                max: PREAUTH_FRAME_BYTES_MAX,
            }));
        }
        if header.payload_len > 0 {
            return Err(ReadError::Frame(frame::Error::PayloadTooLarge {
                got: header.payload_len,
                max: 0,
            }));
        }
        let (body, _) = read_rest(recv, &header).await?;
        Ok((header, body))
    };
    tokio::time::timeout_at(deadline, read)
        .await
        .unwrap_or_else(|_| {
            Err(ReadError::Io(
                "no complete frame before the deadline".into(),
            ))
        })
}

async fn read_aligned(recv: &mut quinn::RecvStream, len: usize) -> Result<Aligned, ReadError> {
    let mut buffer = Aligned::with_capacity(len.min(READ_BUFFER_START_BYTES));
    while buffer.len() < len {
        let chunk = recv
            .read_chunk(len - buffer.len(), true)
            .await
            .map_err(|e| ReadError::Io(e.to_string()))?
            .ok_or_else(|| {
                ReadError::Io(format!(
                    "the stream ended after {} of {len} bytes",
                    buffer.len()
                ))
            })?;
        let needed = buffer.len() + chunk.bytes.len();
        if needed > buffer.capacity() {
            // Double (amortised copies), but never past what the frame declared.
            let target = needed.max(buffer.capacity().saturating_mul(2)).min(len);
            buffer.reserve(target - buffer.len());
        }
        buffer.extend_from_slice(&chunk.bytes);
    }
    Ok(buffer)
}

async fn write_frame(
    send: &mut quinn::SendStream,
    kind: Kind,
    method: u16,
    body: &[u8],
    payload: Option<Bytes>,
) -> Result<(), String> {
    let header = Header::new(
        kind,
        method,
        body.len(),
        payload.as_ref().map_or(0, |p| p.len() as u64),
    )
    .map_err(|e| e.to_string())?;
    send.write_all(&header.encode())
        .await
        .map_err(|e| e.to_string())?;
    send.write_all(body).await.map_err(|e| e.to_string())?;
    if let Some(payload) = payload {
        send.write_chunk(payload).await.map_err(|e| e.to_string())?;
    }
    let _ = send.finish();
    Ok(())
}

async fn write_error(send: &mut quinn::SendStream, method: u16, error: &RemoteError) {
    match error.to_wire() {
        Ok(body) => {
            if let Err(e) = write_frame(send, Kind::Error, method, &body, None).await {
                debug!("could not send error frame: {e}");
            }
        }
        Err(e) => warn!("could not encode error frame: {e}"),
    }
}

fn record<T>(
    side: &'static str,
    method: &'static str,
    started: Instant,
    result: &Result<T, Error>,
    bytes: u64,
) {
    let outcome = if result.is_ok() { "ok" } else { "error" };
    metrics::counter!("slnode_rpc_requests_total", "side" => side, "method" => method, "outcome" => outcome).increment(1);
    metrics::counter!("slnode_rpc_bytes_total", "side" => side, "method" => method)
        .increment(bytes);
    metrics::histogram!("slnode_rpc_latency_seconds", "side" => side, "method" => method)
        .record(started.elapsed().as_secs_f64());
}

/// Counts of connections the server holds, for admission.
#[derive(Default)]
struct Admission {
    unauthenticated: Mutex<(usize, HashMap<IpAddr, usize>)>,
    authenticated: AtomicUsize,
}

/// A slot among the unauthenticated connections; freed on drop.
struct PreauthSlot {
    admission: Arc<Admission>,
    ip: IpAddr,
}

/// A slot among the authenticated connections; freed on drop.
struct ConnectionSlot(Arc<Admission>);

impl Admission {
    fn preauth(self: &Arc<Self>, ip: IpAddr) -> Option<PreauthSlot> {
        let mut guard = self
            .unauthenticated
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let (total, per_ip) = &mut *guard;
        let from_ip = per_ip.entry(ip).or_insert(0);
        if *total >= UNAUTHENTICATED_MAX || *from_ip >= UNAUTHENTICATED_PER_IP_MAX {
            if *from_ip == 0 {
                per_ip.remove(&ip);
            }
            return None;
        }
        *from_ip += 1;
        *total += 1;
        Some(PreauthSlot {
            admission: self.clone(),
            ip,
        })
    }

    fn connection(self: &Arc<Self>) -> Option<ConnectionSlot> {
        let previous = self.authenticated.fetch_add(1, Ordering::AcqRel);
        let slot = ConnectionSlot(self.clone());
        (previous < CONNECTIONS_MAX).then_some(slot)
    }
}

impl Drop for PreauthSlot {
    fn drop(&mut self) {
        let mut guard = self
            .admission
            .unauthenticated
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let (total, per_ip) = &mut *guard;
        *total -= 1;
        if let Some(count) = per_ip.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                per_ip.remove(&self.ip);
            }
        }
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.authenticated.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What the server side of a node holds: the services and the limits it serves them under.
struct Server {
    services: Services,
    transport: Transport,
    deadlines: ReadDeadlines,
}

impl std::ops::Deref for Server {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.services
    }
}

async fn accept_loop(endpoint: quinn::Endpoint, services: Arc<Server>) {
    let admission = Arc::new(Admission::default());
    while let Some(incoming) = endpoint.accept().await {
        let remote = incoming.remote_address();
        // Refused before any TLS work: the peer sees a connection refusal at once.
        let Some(slot) = admission.preauth(remote.ip()) else {
            metrics::counter!("slnode_rpc_connections_refused_total", "reason" => "unauthenticated").increment(1);
            debug!(%remote, "refused: too many unauthenticated connections");
            incoming.refuse();
            continue;
        };
        let services = services.clone();
        let admission = admission.clone();
        tokio::spawn(async move {
            let deadline = tokio::time::Instant::now() + PREAUTH_TIMEOUT;
            match tokio::time::timeout_at(deadline, incoming).await {
                Ok(Ok(connection)) => {
                    serve_connection(connection, services, admission, slot, deadline).await
                }
                Ok(Err(e)) => debug!(%remote, "handshake failed: {e}"),
                Err(_) => debug!(%remote, "handshake timed out"),
            }
        });
    }
}

async fn serve_connection(
    connection: quinn::Connection,
    services: Arc<Server>,
    admission: Arc<Admission>,
    preauth: PreauthSlot,
    deadline: tokio::time::Instant,
) {
    let alpn = connection
        .handshake_data()
        .and_then(|data| data.downcast::<quinn::crypto::rustls::HandshakeData>().ok())
        .and_then(|data| data.protocol)
        .unwrap_or_default();
    let certificate = connection
        .peer_identity()
        .and_then(|identity| identity.downcast::<Vec<CertificateDer<'static>>>().ok())
        .and_then(|chain| chain.first().map(|leaf| Fingerprint::of(leaf)));
    let caller = match (alpn.as_slice(), certificate) {
        (ALPN_PEER, Some(certificate)) => Caller::Node { certificate },
        (ALPN_PEER, None) => {
            connection.close(
                quinn::VarInt::from_u32(1),
                b"the peer protocol requires a certificate signed by the cluster CA",
            );
            return;
        }
        (ALPN_JOIN, _) => {
            // A joiner stays unauthenticated: one small request within the deadline, then the
            // connection ends.
            serve_join(&connection, &services, deadline).await;
            drop(preauth);
            return;
        }
        (ALPN_CLIENT, _) => match authenticate(&connection, &services, deadline).await {
            Some(principal) => Caller::Client { principal },
            None => return,
        },
        _ => {
            connection.close(quinn::VarInt::from_u32(1), b"unknown protocol");
            return;
        }
    };
    drop(preauth);
    let Some(_slot) = admission.connection() else {
        metrics::counter!("slnode_rpc_connections_refused_total", "reason" => "connections")
            .increment(1);
        connection.close(quinn::VarInt::from_u32(3), b"too many connections");
        return;
    };
    // Authenticated: the transport's full windows and streams.
    let transport = &services.transport;
    connection.set_receive_window(quinn::VarInt::from_u32(transport.connection_window_bytes));
    connection.set_max_concurrent_bi_streams(quinn::VarInt::from_u32(transport.streams_max));
    let in_flight = Arc::new(tokio::sync::Semaphore::new(
        kib(IN_FLIGHT_BYTES_MAX) as usize
    ));
    loop {
        let (send, recv) = match connection.accept_bi().await {
            Ok(streams) => streams,
            Err(e) => {
                debug!(remote = %connection.remote_address(), "connection ended: {e}");
                return;
            }
        };
        tokio::spawn(serve_stream(
            send,
            recv,
            caller.clone(),
            services.clone(),
            in_flight.clone(),
        ));
    }
}

/// Whole KiB covering `bytes`: the unit of the in-flight budget (a semaphore counts in u32).
fn kib(bytes: u64) -> u32 {
    bytes.div_ceil(1024).min(u32::MAX as u64) as u32
}

/// Serves the one join request a joining node sends, within the pre-authentication limits.
async fn serve_join(
    connection: &quinn::Connection,
    services: &Services,
    deadline: tokio::time::Instant,
) {
    let Ok(Ok((mut send, mut recv))) =
        tokio::time::timeout_at(deadline, connection.accept_bi()).await
    else {
        return;
    };
    let result = match read_preauth_frame(&mut recv, deadline).await {
        Ok((header, body)) => dispatch(header, body, None, Caller::Joiner, services).await,
        Err(ReadError::Frame(e)) => Err(RemoteError::new(ErrorCode::BadRequest, e.to_string())),
        Err(ReadError::Io(e)) => {
            debug!(remote = %connection.remote_address(), "join stream failed: {e}");
            return;
        }
    };
    match result {
        Ok(outgoing) => {
            let written = write_frame(&mut send, Kind::Response, JOIN_METHOD, &outgoing.body, None);
            let _ = tokio::time::timeout_at(deadline, written).await;
        }
        Err(error) => {
            let _ = tokio::time::timeout_at(deadline, write_error(&mut send, JOIN_METHOD, &error))
                .await;
        }
    }
    // The joiner closes once it has the answer; give it until the deadline.
    let _ = tokio::time::timeout_at(deadline, connection.closed()).await;
    connection.close(quinn::VarInt::from_u32(0), b"join served");
}

/// Reads the hello frame on a client connection and checks its token. `None` closes the connection.
async fn authenticate(
    connection: &quinn::Connection,
    services: &Services,
    deadline: tokio::time::Instant,
) -> Option<String> {
    let (mut send, mut recv) = tokio::time::timeout_at(deadline, connection.accept_bi())
        .await
        .ok()?
        .ok()?;
    let refuse = |message: String| RemoteError::new(ErrorCode::Unauthenticated, message);
    let verdict = match read_preauth_frame(&mut recv, deadline).await {
        Ok((header, body)) if header.kind == Kind::Hello => {
            match (Hello::from_wire(&body), &services.authenticator) {
                (Ok(hello), Some(authenticator)) => {
                    authenticator.authenticate(&hello.bearer).map_err(refuse)
                }
                (Ok(_), None) => Err(refuse("this node accepts no client connections".into())),
                (Err(e), _) => Err(RemoteError::new(
                    ErrorCode::BadRequest,
                    format!("malformed hello: {e}"),
                )),
            }
        }
        Ok(_) => Err(refuse(
            "the first frame on a client connection must carry a bearer token".into(),
        )),
        Err(ReadError::Frame(e)) => Err(RemoteError::new(ErrorCode::BadRequest, e.to_string())),
        Err(ReadError::Io(_)) => return None,
    };
    match verdict {
        Ok(principal) => {
            let body = Welcome {
                principal: principal.clone(),
            }
            .to_wire()
            .ok()?;
            tokio::time::timeout_at(
                deadline,
                write_frame(&mut send, Kind::Response, 0, &body, None),
            )
            .await
            .ok()?
            .ok()?;
            Some(principal)
        }
        Err(error) => {
            let _ = tokio::time::timeout_at(deadline, write_error(&mut send, 0, &error)).await;
            // Let the error frame reach the client before the connection goes.
            let _ = tokio::time::timeout(Duration::from_millis(500), send.stopped()).await;
            connection.close(quinn::VarInt::from_u32(2), b"unauthenticated");
            None
        }
    }
}

async fn serve_stream(
    mut send: quinn::SendStream,
    mut recv: quinn::RecvStream,
    caller: Caller,
    services: Arc<Server>,
    in_flight: Arc<tokio::sync::Semaphore>,
) {
    let started = Instant::now();
    let (header, body, payload, _permit) =
        match read_request(&mut recv, &services.deadlines, &in_flight).await {
            Ok(frame) => frame,
            Err(ReadError::Frame(e)) => {
                // A bad frame ends this stream only; the connection and its other streams go on.
                let _ = recv.stop(quinn::VarInt::from_u32(1));
                write_error(
                    &mut send,
                    0,
                    &RemoteError::new(ErrorCode::BadRequest, e.to_string()),
                )
                .await;
                return;
            }
            Err(ReadError::Io(e)) => {
                debug!("request stream failed: {e}");
                return;
            }
        };
    let bytes = HEADER_BYTES as u64 + header.body_len as u64 + header.payload_len;
    let name = if header.method == JOIN_METHOD {
        "join"
    } else {
        services.handler.method_name(header.method)
    };
    let result = dispatch(header, body, payload, caller, &services).await;
    match result {
        Ok(outgoing) => {
            if let Err(e) = write_frame(
                &mut send,
                Kind::Response,
                header.method,
                &outgoing.body,
                outgoing.payload,
            )
            .await
            {
                debug!("could not send response: {e}");
            }
            record::<()>("server", name, started, &Ok(()), bytes);
        }
        Err(error) => {
            write_error(&mut send, header.method, &error).await;
            metrics::counter!("slnode_rpc_requests_total", "side" => "server", "method" => name, "outcome" => "error").increment(1);
        }
    }
}

/// Deadlines of a server's reads: the header within `request`, the rest within `request` plus
/// its declared length at `payload_rate_min_bytes_per_second`.
#[derive(Clone, Copy, Debug)]
struct ReadDeadlines {
    request: Duration,
    rate_bytes_per_second: u64,
}

/// Reads a request from an authenticated peer: the header, then (once the declared bytes fit the
/// connection's in-flight budget) the body and payload, each within its deadline. The permit
/// holds the budget until the request has been handled.
async fn read_request(
    recv: &mut quinn::RecvStream,
    deadlines: &ReadDeadlines,
    in_flight: &Arc<tokio::sync::Semaphore>,
) -> Result<
    (
        Header,
        Aligned,
        Option<Aligned>,
        tokio::sync::OwnedSemaphorePermit,
    ),
    ReadError,
> {
    let late = |what: &str| ReadError::Io(format!("{what} did not arrive before the deadline"));
    let header = tokio::time::timeout(deadlines.request, read_header(recv))
        .await
        .map_err(|_| late("the frame header"))??;
    let declared = HEADER_BYTES as u64 + header.body_len as u64 + header.payload_len;
    let rest = deadlines.request
        + Duration::from_secs_f64(declared as f64 / deadlines.rate_bytes_per_second.max(1) as f64);
    let read = async {
        let permit = in_flight
            .clone()
            .acquire_many_owned(kib(declared))
            .await
            .map_err(|_| ReadError::Io("the connection is closing".into()))?;
        let (body, payload) = read_rest(recv, &header).await?;
        Ok((header, body, payload, permit))
    };
    tokio::time::timeout(rest, read)
        .await
        .map_err(|_| late("the frame's body and payload"))?
}

async fn dispatch(
    header: Header,
    body: Aligned,
    payload: Option<Aligned>,
    caller: Caller,
    services: &Services,
) -> Result<Outgoing, RemoteError> {
    if header.kind != Kind::Request {
        return Err(RemoteError::new(
            ErrorCode::BadRequest,
            format!("expected a request frame, got {:?}", header.kind),
        ));
    }
    match (&caller, header.method) {
        (Caller::Joiner, JOIN_METHOD) => {
            let join = services.join.as_ref().ok_or_else(|| {
                RemoteError::new(
                    ErrorCode::Unavailable,
                    "this node cannot sign certificates; join through the first node",
                )
            })?;
            let request = JoinRequest::from_wire(&body).map_err(|e| {
                RemoteError::new(ErrorCode::BadRequest, format!("malformed join: {e}"))
            })?;
            let response = join.join(request)?;
            Ok(Outgoing {
                body: response
                    .to_wire()
                    .map_err(|e| RemoteError::new(ErrorCode::Internal, e))?,
                payload: None,
            })
        }
        (Caller::Joiner, _) => Err(RemoteError::new(
            ErrorCode::Forbidden,
            "a joining node may only call join",
        )),
        (_, method) if method < FIRST_USER_METHOD => Err(RemoteError::new(
            ErrorCode::UnknownMethod,
            format!("method {method} is reserved"),
        )),
        _ => {
            services
                .handler
                .handle(Incoming {
                    caller,
                    method: header.method,
                    body,
                    payload,
                })
                .await
        }
    }
}

/// Issues a join token for `ca` into `book`, valid for `ttl` (or forever).
pub fn issue_token(
    book: &Mutex<TokenBook>,
    ca: &ClusterCa,
    ttl: Option<Duration>,
) -> Result<JoinToken, token::Error> {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    book.lock().unwrap_or_else(|e| e.into_inner()).issue(
        ca.fingerprint(),
        ttl.map(|t| t.as_secs()),
        now,
    )
}

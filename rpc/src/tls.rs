//! rustls and quinn configurations for the three kinds of connection:
//!
//! * `slnode-peer/1`: node to node, mutual TLS — both sides present certificates signed by the
//!   cluster CA. The server accepts a connection without a client certificate only on the other
//!   two protocols; the endpoint refuses a peer connection that did not present one.
//! * `slnode-client/1`: the CLI and gateway; they verify the server against the CA and send a
//!   bearer token in their first frame.
//! * `slnode-join/1`: a joining node that has only a token; it checks the server's CA against the
//!   token's fingerprint, then sends the secret and a CSR.

use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::pki::{Fingerprint, NodeIdentity};

pub const ALPN_PEER: &[u8] = b"slnode-peer/1";
pub const ALPN_CLIENT: &[u8] = b"slnode-client/1";
pub const ALPN_JOIN: &[u8] = b"slnode-join/1";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
    #[error("TLS configuration: {0}")]
    Verifier(String),
    #[error("QUIC configuration: {0}")]
    Quic(String),
}

/// Timeouts and windows shared by every connection.
#[derive(Clone, Debug)]
pub struct Transport {
    pub keep_alive: Duration,
    pub idle_timeout: Duration,
    /// Concurrent requests one connection may carry (one bidirectional stream each).
    pub streams_max: u32,
    /// Per-stream and per-connection flow-control windows; large enough for 8-64 MiB payloads to
    /// flow without waiting on window updates over loopback.
    pub stream_window_bytes: u32,
    pub connection_window_bytes: u32,
}

impl Default for Transport {
    fn default() -> Self {
        Transport {
            keep_alive: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(5),
            streams_max: 256,
            stream_window_bytes: 32 << 20,
            connection_window_bytes: 128 << 20,
        }
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots(ca: &CertificateDer<'static>) -> Result<Arc<RootCertStore>, Error> {
    let mut store = RootCertStore::empty();
    store.add(ca.clone())?;
    Ok(Arc::new(store))
}

fn transport_config(transport: &Transport) -> Result<Arc<quinn::TransportConfig>, Error> {
    transport_values(transport).map(Arc::new)
}

fn transport_values(transport: &Transport) -> Result<quinn::TransportConfig, Error> {
    let mut config = quinn::TransportConfig::default();
    config.keep_alive_interval(Some(transport.keep_alive));
    config.max_idle_timeout(Some(
        quinn::IdleTimeout::try_from(transport.idle_timeout)
            .map_err(|e| Error::Quic(e.to_string()))?,
    ));
    config.max_concurrent_bidi_streams(quinn::VarInt::from_u32(transport.streams_max));
    config.max_concurrent_uni_streams(quinn::VarInt::from_u32(0));
    config.stream_receive_window(quinn::VarInt::from_u32(transport.stream_window_bytes));
    config.receive_window(quinn::VarInt::from_u32(transport.connection_window_bytes));
    config.send_window(transport.connection_window_bytes as u64);
    Ok(config)
}

/// Bytes a peer may have in flight to a node before it has authenticated (QUIC's connection-level
/// flow-control window), and the streams it may open then: what quinn buffers for an
/// unauthenticated peer is bounded by this, whatever frame lengths it declares. The endpoint raises
/// both to the [`Transport`] values once the peer is authenticated.
pub const PREAUTH_WINDOW_BYTES: u32 = 64 << 10;
pub const PREAUTH_STREAMS_MAX: u32 = 1;

fn preauth_transport_config(transport: &Transport) -> Result<Arc<quinn::TransportConfig>, Error> {
    let mut config = transport_values(transport)?;
    config.receive_window(quinn::VarInt::from_u32(PREAUTH_WINDOW_BYTES));
    config.max_concurrent_bidi_streams(quinn::VarInt::from_u32(PREAUTH_STREAMS_MAX));
    Ok(Arc::new(config))
}

/// The server side of a node: presents its certificate; client certificates are verified against
/// the CA when presented (required later for the peer protocol).
pub fn server(
    identity: &NodeIdentity,
    transport: &Transport,
) -> Result<quinn::ServerConfig, Error> {
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        roots(identity.ca_cert())?,
        provider(),
    )
    .allow_unauthenticated()
    .build()
    .map_err(|e| Error::Verifier(e.to_string()))?;
    let mut crypto = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_client_cert_verifier(verifier)
        .with_single_cert(identity.chain.clone(), identity.key.clone_key())?;
    crypto.alpn_protocols = vec![ALPN_PEER.to_vec(), ALPN_CLIENT.to_vec(), ALPN_JOIN.to_vec()];
    crypto.max_early_data_size = 0;
    let quic = quinn::crypto::rustls::QuicServerConfig::try_from(crypto)
        .map_err(|e| Error::Quic(e.to_string()))?;
    let mut config = quinn::ServerConfig::with_crypto(Arc::new(quic));
    config.transport_config(preauth_transport_config(transport)?);
    Ok(config)
}

fn client_config(
    crypto: rustls::ClientConfig,
    transport: &Transport,
) -> Result<quinn::ClientConfig, Error> {
    let quic = quinn::crypto::rustls::QuicClientConfig::try_from(crypto)
        .map_err(|e| Error::Quic(e.to_string()))?;
    let mut config = quinn::ClientConfig::new(Arc::new(quic));
    config.transport_config(transport_config(transport)?);
    Ok(config)
}

/// A node calling another node: mutual TLS.
pub fn peer_client(
    identity: &NodeIdentity,
    transport: &Transport,
) -> Result<quinn::ClientConfig, Error> {
    let mut crypto = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_root_certificates(roots(identity.ca_cert())?)
        .with_client_auth_cert(identity.chain.clone(), identity.key.clone_key())?;
    crypto.alpn_protocols = vec![ALPN_PEER.to_vec()];
    client_config(crypto, transport)
}

/// The CLI or gateway: verifies the server against the CA, authenticates later with a token.
pub fn user_client(
    ca: &CertificateDer<'static>,
    transport: &Transport,
) -> Result<quinn::ClientConfig, Error> {
    let mut crypto = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_root_certificates(roots(ca)?)
        .with_no_client_auth();
    crypto.alpn_protocols = vec![ALPN_CLIENT.to_vec()];
    client_config(crypto, transport)
}

/// A joining node: trusts exactly the CA whose fingerprint the token carries.
pub fn join_client(
    fingerprint: Fingerprint,
    transport: &Transport,
) -> Result<quinn::ClientConfig, Error> {
    let mut crypto = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedCa {
            fingerprint,
            provider: provider(),
        }))
        .with_no_client_auth();
    crypto.alpn_protocols = vec![ALPN_JOIN.to_vec()];
    client_config(crypto, transport)
}

/// Accepts a server whose chain contains the CA certificate with the pinned fingerprint and whose
/// leaf that CA signed (full webpki validation against it).
#[derive(Debug)]
struct PinnedCa {
    fingerprint: Fingerprint,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedCa {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let ca = intermediates
            .iter()
            .find(|cert| Fingerprint::of(cert) == self.fingerprint)
            .ok_or_else(|| rustls::Error::General("the server's CA does not match the join token's fingerprint: wrong cluster, or an impostor".into()))?;
        let mut store = RootCertStore::empty();
        store.add(ca.clone().into_owned())?;
        let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
            Arc::new(store),
            self.provider.clone(),
        )
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))?;
        verifier.verify_server_cert(end_entity, &[], server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

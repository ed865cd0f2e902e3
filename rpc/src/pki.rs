//! The cluster's certificate authority and node identities (rcgen), and their files.
//!
//! `start` creates the CA and the first node's certificate under the data dir; a joining node
//! creates a key and a CSR, and a node holding the CA signs it. Every node certificate names
//! `slnode` (the TLS server name every connection uses: trust comes from the cluster CA, not from
//! host names) and the node's own name.

use std::fmt;
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{
    CertificateDer, CertificateSigningRequestDer, PrivateKeyDer, PrivatePkcs8KeyDer,
};
use sha2::{Digest, Sha256};

/// The TLS server name on every connection; see the module docs.
pub const SERVER_NAME: &str = "slnode";
/// The longest node name accepted in a certificate.
pub const NODE_NAME_BYTES_MAX: usize = 63;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("certificate generation failed: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("node name `{0}` is not valid: use 1-63 letters, digits or `-`")]
    NodeName(String),
    #[error("{0} already exists; refusing to overwrite a cluster's keys (use a fresh --data-dir)")]
    Exists(String),
}

/// SHA-256 of a certificate's DER: how a join token names the cluster CA.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    pub fn of(der: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(der).into())
    }

    pub fn parse_hex(text: &str) -> Option<Fingerprint> {
        let bytes = crate::token::hex_decode(text)?;
        Some(Fingerprint(bytes.try_into().ok()?))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::token::hex_encode(&self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// The cluster CA: its certificate and signing key.
pub struct ClusterCa {
    cert: CertificateDer<'static>,
    key: KeyPair,
}

/// A node's certificate chain (leaf, then CA) and private key.
pub struct NodeIdentity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Clone for NodeIdentity {
    fn clone(&self) -> Self {
        NodeIdentity {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

fn check_node_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= NODE_NAME_BYTES_MAX
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::NodeName(name.to_owned()))
    }
}

fn node_params(name: &str) -> Result<CertificateParams, Error> {
    check_node_name(name)?;
    let mut params = CertificateParams::new(vec![SERVER_NAME.to_owned(), name.to_owned()])?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::NoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    Ok(params)
}

impl ClusterCa {
    /// A second handle on the same CA (the key is copied through its PEM form).
    pub fn try_clone(&self) -> Result<ClusterCa, Error> {
        let key = KeyPair::from_pem(&self.key.serialize_pem()).map_err(|e| Error::Parse {
            path: "(in memory CA key)".into(),
            message: e.to_string(),
        })?;
        Ok(ClusterCa {
            cert: self.cert.clone(),
            key,
        })
    }

    pub fn generate(cluster: &str) -> Result<ClusterCa, Error> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, format!("slnode cluster CA {cluster}"));
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key)?;
        Ok(ClusterCa {
            cert: cert.der().clone(),
            key,
        })
    }

    pub fn cert(&self) -> &CertificateDer<'static> {
        &self.cert
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.cert)
    }

    /// A fresh key and certificate for node `name` (used by `start` for the first node, and tests).
    pub fn issue_node(&self, name: &str) -> Result<NodeIdentity, Error> {
        let key = KeyPair::generate()?;
        let issuer = Issuer::from_ca_cert_der(&self.cert, &self.key)?;
        let cert = node_params(name)?.signed_by(&key, &issuer)?;
        Ok(NodeIdentity {
            chain: vec![cert.der().clone(), self.cert.clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        })
    }

    /// Signs a joining node's CSR. The certificate's names and usages are the CA's choice, not the
    /// CSR's: only the public key is taken from it.
    pub fn sign_csr(&self, csr_der: &[u8], name: &str) -> Result<CertificateDer<'static>, Error> {
        let mut csr = CertificateSigningRequestParams::from_der(
            &CertificateSigningRequestDer::from(csr_der.to_vec()),
        )?;
        csr.params = node_params(name)?;
        let issuer = Issuer::from_ca_cert_der(&self.cert, &self.key)?;
        Ok(csr.signed_by(&issuer)?.der().clone())
    }

    /// Writes `ca.pem` and `ca.key` (mode 0600) under `dir`; never overwrites.
    pub fn save(&self, dir: &Path) -> Result<(), Error> {
        write_new(
            &dir.join("ca.pem"),
            pem("CERTIFICATE", &self.cert).as_bytes(),
            false,
        )?;
        write_new(
            &dir.join("ca.key"),
            self.key.serialize_pem().as_bytes(),
            true,
        )
    }

    pub fn load(dir: &Path) -> Result<ClusterCa, Error> {
        let cert = read_cert(&dir.join("ca.pem"))?;
        let key_path = dir.join("ca.key");
        let key_pem = read(&key_path)?;
        let key = KeyPair::from_pem(&key_pem).map_err(|e| Error::Parse {
            path: key_path.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(ClusterCa { cert, key })
    }
}

impl NodeIdentity {
    /// A new key and the CSR to send to the cluster when joining.
    pub fn new_request(name: &str) -> Result<(KeyPair, Vec<u8>), Error> {
        let key = KeyPair::generate()?;
        let csr = node_params(name)?.serialize_request(&key)?;
        Ok((key, csr.der().to_vec()))
    }

    pub fn from_parts(
        key: &KeyPair,
        cert: CertificateDer<'static>,
        ca: CertificateDer<'static>,
    ) -> NodeIdentity {
        NodeIdentity {
            chain: vec![cert, ca],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    pub fn ca_cert(&self) -> &CertificateDer<'static> {
        self.chain.last().expect("a chain holds at least the CA")
    }

    /// Writes `node.pem` (leaf then CA) and `node.key` (0600) under `dir`; never overwrites.
    pub fn save(&self, dir: &Path) -> Result<(), Error> {
        let chain: String = self.chain.iter().map(|c| pem("CERTIFICATE", c)).collect();
        write_new(&dir.join("node.pem"), chain.as_bytes(), false)?;
        write_new(
            &dir.join("node.key"),
            pem("PRIVATE KEY", self.key.secret_der()).as_bytes(),
            true,
        )
    }

    pub fn load(dir: &Path) -> Result<NodeIdentity, Error> {
        let chain_path = dir.join("node.pem");
        let chain = pem_blocks(&read(&chain_path)?, "CERTIFICATE");
        if chain.len() != 2 {
            return Err(Error::Parse {
                path: chain_path.display().to_string(),
                message: format!("expected 2 certificates, found {}", chain.len()),
            });
        }
        let key_path = dir.join("node.key");
        let mut keys = pem_blocks(&read(&key_path)?, "PRIVATE KEY");
        let key = keys.pop().ok_or_else(|| Error::Parse {
            path: key_path.display().to_string(),
            message: "no PRIVATE KEY block".into(),
        })?;
        Ok(NodeIdentity {
            chain: chain.into_iter().map(CertificateDer::from).collect(),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        })
    }
}

/// A certificate in PEM form (for client configs).
pub fn certificate_pem(cert: &CertificateDer<'_>) -> String {
    pem("CERTIFICATE", cert)
}

/// Reads the CA certificate a client config points at.
pub fn read_cert(path: &Path) -> Result<CertificateDer<'static>, Error> {
    parse_cert(&read(path)?, &path.display().to_string())
}

/// Parses one PEM certificate; `origin` names where the text came from, for errors.
pub fn parse_cert(text: &str, origin: &str) -> Result<CertificateDer<'static>, Error> {
    let mut blocks = pem_blocks(text, "CERTIFICATE");
    if blocks.len() != 1 {
        return Err(Error::Parse {
            path: origin.to_owned(),
            message: format!("expected one certificate, found {}", blocks.len()),
        });
    }
    Ok(CertificateDer::from(blocks.remove(0)))
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

fn write_new(path: &Path, bytes: &[u8], secret: bool) -> Result<(), Error> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    if secret {
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => Error::Exists(path.display().to_string()),
        _ => Error::Io {
            path: path.display().to_string(),
            source,
        },
    })?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn pem(label: &str, der: &[u8]) -> String {
    let mut encoded = String::with_capacity(der.len() * 4 / 3 + 4);
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                encoded.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                encoded.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in encoded.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ascii"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER contents of every `label` block in a PEM text; malformed blocks are skipped.
fn pem_blocks(text: &str, label: &str) -> Vec<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let after = &rest[start + begin.len()..];
        let Some(stop) = after.find(&end) else { break };
        if let Some(der) = base64_decode(&after[..stop]) {
            blocks.push(der);
        }
        rest = &after[stop + end.len()..];
    }
    blocks
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            break;
        }
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trips() {
        for len in 0..10 {
            let der: Vec<u8> = (0..len as u8).map(|b| b.wrapping_mul(37)).collect();
            assert_eq!(pem_blocks(&pem("X", &der), "X"), vec![der]);
        }
    }

    #[test]
    fn keys_survive_the_data_dir_and_refuse_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let ca = ClusterCa::generate("test").unwrap();
        ca.save(dir.path()).unwrap();
        let node = ca.issue_node("n1").unwrap();
        node.save(dir.path()).unwrap();
        let loaded = ClusterCa::load(dir.path()).unwrap();
        assert_eq!(loaded.fingerprint(), ca.fingerprint());
        let node_loaded = NodeIdentity::load(dir.path()).unwrap();
        assert_eq!(node_loaded.chain, node.chain);
        assert!(matches!(ca.save(dir.path()), Err(Error::Exists(_))));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("ca.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(matches!(ca.issue_node("bad name"), Err(Error::NodeName(_))));
    }
}

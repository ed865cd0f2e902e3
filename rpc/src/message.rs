//! Typed messages: a [`Method`] names a request type and a response type; bodies are rkyv,
//! validated (bytecheck) on receipt before a single field is read.

use rkyv::api::high::{HighSerializer, HighValidator};
use rkyv::bytecheck::CheckBytes;
use rkyv::de::Pool;
use rkyv::rancor::{self, Strategy};
use rkyv::ser::allocator::ArenaHandle;
use rkyv::util::AlignedVec;

/// Buffers that received bodies and payloads land in: 16-byte aligned, so rkyv can validate in
/// place and a payload of f64s can be viewed without copying.
pub type Aligned = AlignedVec<16>;

/// A type that travels as an rkyv body. Implemented for every rkyv type with validation.
pub trait Wire: Sized {
    fn to_wire(&self) -> Result<Aligned, String>;
    /// Validates and decodes; `bytes` must be 16-byte aligned (bodies arrive in [`Aligned`]).
    fn from_wire(bytes: &[u8]) -> Result<Self, String>;
}

impl<T> Wire for T
where
    T: rkyv::Archive
        + for<'a> rkyv::Serialize<HighSerializer<Aligned, ArenaHandle<'a>, rancor::Error>>,
    T::Archived: for<'a> CheckBytes<HighValidator<'a, rancor::Error>>
        + rkyv::Deserialize<T, Strategy<Pool, rancor::Error>>,
{
    fn to_wire(&self) -> Result<Aligned, String> {
        rkyv::api::high::to_bytes_in::<_, rancor::Error>(self, Aligned::new())
            .map_err(|e| e.to_string())
    }

    fn from_wire(bytes: &[u8]) -> Result<Self, String> {
        rkyv::from_bytes::<T, rancor::Error>(bytes).map_err(|e| e.to_string())
    }
}

/// One request/response pair. `ID` goes in every frame header; `NAME` labels metrics and errors.
pub trait Method: 'static {
    const ID: u16;
    const NAME: &'static str;
    /// Requests whose payload or response is large travel on the peer's bulk connection, so they
    /// never delay control traffic (Raft heartbeats, coordinator calls).
    const BULK: bool = false;
    type Request: Wire + Send + Sync + 'static;
    type Response: Wire + Send + 'static;
}

/// Why a remote call failed, as the server reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
#[rkyv(derive(Debug))]
#[repr(u16)]
pub enum ErrorCode {
    BadRequest = 1,
    Unauthenticated = 2,
    Forbidden = 3,
    NotFound = 4,
    UnknownMethod = 5,
    TooLarge = 6,
    Unavailable = 7,
    Internal = 8,
}

#[derive(
    Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize, thiserror::Error,
)]
#[error("{code:?}: {message}")]
pub struct RemoteError {
    pub code: ErrorCode,
    pub message: String,
}

impl RemoteError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> RemoteError {
        RemoteError {
            code,
            message: message.into(),
        }
    }
}

/// The first frame on a client connection: the bearer token the server maps to a principal.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Hello {
    pub bearer: String,
}

/// The server's answer to [`Hello`]: the principal the token maps to.
#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Welcome {
    pub principal: String,
}

/// Declares a [`Method`]: `method!(Name, id, "name", bulk, Request, Response);`
#[macro_export]
macro_rules! method {
    ($(#[$doc:meta])* $name:ident, $id:expr, $label:expr, $bulk:expr, $request:ty, $response:ty) => {
        $(#[$doc])*
        pub struct $name;
        impl $crate::message::Method for $name {
            const ID: u16 = $id;
            const NAME: &'static str = $label;
            const BULK: bool = $bulk;
            type Request = $request;
            type Response = $response;
        }
    };
}

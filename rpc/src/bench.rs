//! The transport benchmark behind `slnode bench rpc`: echo latency of small messages and
//! throughput of 8 MiB payloads between two processes. The CLI starts the server process; this
//! module holds the methods, the server's router and the client's measurement loop.

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;

use crate::endpoint::{Endpoint, Error, Reply, Router};
use crate::message::{ErrorCode, Method, RemoteError};

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Blob {
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Length {
    pub bytes: u64,
}

crate::method!(BenchEcho, 200, "bench_echo", false, Blob, Blob);
crate::method!(
    /// Sends a payload to the server, which only counts it.
    BenchUpload, 201, "bench_upload", true, Length, Length
);
crate::method!(
    /// Asks the server for a payload of the given length.
    BenchDownload, 202, "bench_download", true, Length, Length
);

/// The most bytes one download may ask for.
pub const DOWNLOAD_BYTES_MAX: u64 = 64 << 20;

pub fn router() -> Router {
    Router::new()
        .route::<BenchEcho, _, _>(|_, blob: Blob, _| async move { Ok(Reply::new(blob)) })
        .route::<BenchUpload, _, _>(|_, claimed: Length, payload| async move {
            let got = payload.map_or(0, |p| p.len() as u64);
            if got != claimed.bytes {
                return Err(RemoteError::new(
                    ErrorCode::BadRequest,
                    format!("announced {} bytes, received {got}", claimed.bytes),
                ));
            }
            Ok(Reply::new(Length { bytes: got }))
        })
        .route::<BenchDownload, _, _>(|_, wanted: Length, _| async move {
            if wanted.bytes > DOWNLOAD_BYTES_MAX {
                return Err(RemoteError::new(
                    ErrorCode::TooLarge,
                    format!("at most {DOWNLOAD_BYTES_MAX} bytes"),
                ));
            }
            Ok(Reply::with_payload(
                wanted.clone(),
                Bytes::from(vec![0x5a; wanted.bytes as usize]),
            ))
        })
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub echo_calls: usize,
    pub echo_p50_us: f64,
    pub echo_p99_us: f64,
    pub transfer_bytes: u64,
    pub transfers: usize,
    pub upload_one_in_flight_mib_s: f64,
    pub upload_four_in_flight_mib_s: f64,
    pub download_one_in_flight_mib_s: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

pub async fn run(
    endpoint: &Endpoint,
    server: SocketAddr,
    echo_calls: usize,
    transfers: usize,
    transfer_bytes: u64,
) -> Result<Report, Error> {
    let message = Blob {
        bytes: vec![0xab; 100],
    };
    // Warm up: connections, TLS, congestion windows.
    for _ in 0..50 {
        endpoint.call::<BenchEcho>(server, &message).await?;
    }
    let mut latencies = Vec::with_capacity(echo_calls);
    for _ in 0..echo_calls {
        let started = Instant::now();
        endpoint.call::<BenchEcho>(server, &message).await?;
        latencies.push(started.elapsed().as_secs_f64() * 1e6);
    }
    latencies.sort_by(f64::total_cmp);

    let payload = Bytes::from(vec![0x33u8; transfer_bytes as usize]);
    let length = Length {
        bytes: transfer_bytes,
    };
    endpoint
        .call_with_payload::<BenchUpload>(server, &length, Some(payload.clone()))
        .await?;
    let rate = |bytes: u64, started: Instant| {
        bytes as f64 / started.elapsed().as_secs_f64() / (1 << 20) as f64
    };

    let started = Instant::now();
    for _ in 0..transfers {
        endpoint
            .call_with_payload::<BenchUpload>(server, &length, Some(payload.clone()))
            .await?;
    }
    let upload_one = rate(transfer_bytes * transfers as u64, started);

    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let (endpoint, payload, length) = (endpoint.clone(), payload.clone(), length.clone());
        let count = transfers / 4 + usize::from(worker < transfers % 4);
        tasks.push(tokio::spawn(async move {
            for _ in 0..count {
                endpoint
                    .call_with_payload::<BenchUpload>(server, &length, Some(payload.clone()))
                    .await?;
            }
            Ok::<(), Error>(())
        }));
    }
    for task in tasks {
        task.await.map_err(|e| Error::Codec {
            method: "bench",
            reason: e.to_string(),
        })??;
    }
    let upload_four = rate(transfer_bytes * transfers as u64, started);

    let started = Instant::now();
    for _ in 0..transfers {
        let (_, data) = endpoint
            .call_with_payload::<BenchDownload>(server, &length, None)
            .await?;
        if data.map_or(0, |d| d.len() as u64) != transfer_bytes {
            return Err(Error::Codec {
                method: BenchDownload::NAME,
                reason: "short download".into(),
            });
        }
    }
    let download_one = rate(transfer_bytes * transfers as u64, started);

    Ok(Report {
        echo_calls,
        echo_p50_us: percentile(&latencies, 0.50),
        echo_p99_us: percentile(&latencies, 0.99),
        transfer_bytes,
        transfers,
        upload_one_in_flight_mib_s: upload_one,
        upload_four_in_flight_mib_s: upload_four,
        download_one_in_flight_mib_s: download_one,
    })
}

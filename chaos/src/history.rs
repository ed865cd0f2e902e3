//! The history: every operation's invocation and completion, one JSON object per line of
//! `history.jsonl` (format in `docs/chaos.md`).
//!
//! As in Jepsen, a *process* runs one operation at a time: an `invoke` event, then exactly one
//! completion with the same `process`: `ok` (it happened, with what it returned), `fail` (it
//! certainly did not happen) or `info` (unknown: it may have happened, now or at any later time).
//! A process whose operation ended `info` is retired; its worker continues under a new process.
//! Events the cluster's environment observes (the effect service's calls) are single `ok` events.

use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Lines one history may hold; a longer file is refused rather than read into memory.
pub const EVENTS_MAX: usize = 5_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventType {
    Invoke,
    Ok,
    Fail,
    Info,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the history (0, 1, …), assigned when recorded.
    #[serde(default)]
    pub index: u64,
    /// Milliseconds since the run started (a monotonic clock).
    pub time_ms: f64,
    pub process: u64,
    #[serde(rename = "type")]
    pub kind: EventType,
    /// `kv`, `kappa` or `objstore`.
    pub workload: String,
    /// The operation: `read`, `write`, `cas` (kv); `job`, `effect` (kappa); `put`, `get` (objstore).
    pub f: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default)]
    pub value: serde_json::Value,
    /// The node the client talked to last, when it matters (objstore's final reads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Why an operation failed or is unknown, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Parse {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("{path}: more than {EVENTS_MAX} events")]
    TooLong { path: String },
}

/// One operation with its completion paired to its invocation.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    pub process: u64,
    pub workload: String,
    pub f: String,
    pub key: Option<String>,
    pub invoke_ms: f64,
    /// `None` while no completion was recorded (treated as `info`).
    pub complete_ms: Option<f64>,
    pub outcome: EventType,
    /// The invocation's value (what was asked).
    pub input: serde_json::Value,
    /// The completion's value (what came back).
    pub output: serde_json::Value,
    pub error: Option<String>,
    /// Index of the invocation event.
    pub index: u64,
}

impl Op {
    /// A short description for anomaly reports.
    pub fn describe(&self) -> String {
        let key = self
            .key
            .as_deref()
            .map_or(String::new(), |k| format!(" {k}"));
        let done = self
            .complete_ms
            .map_or("never".to_owned(), |t| format!("{t:.0}"));
        format!(
            "#{} p{} {}{} {} -> {:?} {} [{:.0}..{} ms]",
            self.index,
            self.process,
            self.f,
            key,
            self.input,
            self.outcome,
            self.output,
            self.invoke_ms,
            done
        )
    }
}

/// Pairs invocations with completions by process. Single `ok` events without an invocation (the
/// effect service's observations) become operations of zero length. A completion without an
/// invocation is an error in the history.
pub fn pair(events: &[Event]) -> Result<Vec<Op>, String> {
    let mut open: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut ops: Vec<Op> = Vec::new();
    for event in events {
        match event.kind {
            EventType::Invoke => {
                if let Some(previous) = open.insert(event.process, ops.len()) {
                    return Err(format!(
                        "process {} invoked event {} while #{} was still open",
                        event.process, event.index, ops[previous].index
                    ));
                }
                ops.push(Op {
                    process: event.process,
                    workload: event.workload.clone(),
                    f: event.f.clone(),
                    key: event.key.clone(),
                    invoke_ms: event.time_ms,
                    complete_ms: None,
                    outcome: EventType::Info,
                    input: event.value.clone(),
                    output: serde_json::Value::Null,
                    error: None,
                    index: event.index,
                });
            }
            kind => match open.remove(&event.process) {
                Some(i) => {
                    let op = &mut ops[i];
                    op.complete_ms = Some(event.time_ms);
                    op.outcome = kind;
                    op.output = event.value.clone();
                    op.error = event.error.clone();
                }
                None if kind == EventType::Ok => ops.push(Op {
                    process: event.process,
                    workload: event.workload.clone(),
                    f: event.f.clone(),
                    key: event.key.clone(),
                    invoke_ms: event.time_ms,
                    complete_ms: Some(event.time_ms),
                    outcome: kind,
                    input: event.value.clone(),
                    output: event.value.clone(),
                    error: event.error.clone(),
                    index: event.index,
                }),
                None => {
                    return Err(format!(
                        "event {} completes process {} which has no open operation",
                        event.index, event.process
                    ));
                }
            },
        }
    }
    Ok(ops)
}

pub fn read(path: &Path) -> Result<Vec<Event>, Error> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    let mut events = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| Error::Io {
            path: name.clone(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        if events.len() >= EVENTS_MAX {
            return Err(Error::TooLong { path: name });
        }
        let mut event: Event = serde_json::from_str(&line).map_err(|e| Error::Parse {
            path: name.clone(),
            line: n + 1,
            reason: e.to_string(),
        })?;
        if !event.time_ms.is_finite() {
            return Err(Error::Parse {
                path: name.clone(),
                line: n + 1,
                reason: "time_ms must be a finite number".into(),
            });
        }
        event.index = events.len() as u64;
        events.push(event);
    }
    Ok(events)
}

pub fn write(path: &Path, events: &[Event]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for event in events {
        serde_json::to_writer(&mut out, event)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The shared, append-only history a run's clients record into.
#[derive(Clone)]
pub struct Recorder {
    inner: std::sync::Arc<std::sync::Mutex<RecorderState>>,
    start: std::time::Instant,
}

struct RecorderState {
    events: Vec<Event>,
    next_process: u64,
    /// `history.jsonl` as the run goes, one line per event, so that a run that is killed or
    /// hangs still leaves its history on disk (`None`: in memory only, or after a write failed).
    stream: Option<std::io::LineWriter<std::fs::File>>,
}

impl Recorder {
    pub fn new(start: std::time::Instant) -> Recorder {
        Recorder {
            inner: std::sync::Arc::new(std::sync::Mutex::new(RecorderState {
                events: Vec::new(),
                next_process: 0,
                stream: None,
            })),
            start,
        }
    }

    /// A recorder that also appends every event to `path` as it is recorded.
    pub fn streaming(start: std::time::Instant, path: &Path) -> std::io::Result<Recorder> {
        let recorder = Recorder::new(start);
        let file = std::fs::File::create(path)?;
        recorder
            .inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .stream = Some(std::io::LineWriter::new(file));
        Ok(recorder)
    }

    pub fn now_ms(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }

    /// A process id never used before.
    pub fn process(&self) -> u64 {
        let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        state.next_process += 1;
        state.next_process
    }

    /// Records `event` (its index and, when zero, its time are filled in here). Beyond
    /// [`EVENTS_MAX`] events are dropped and the run is marked as such in its report.
    /// Returns the event's index (`None`: dropped).
    pub fn record(&self, mut event: Event) -> Option<u64> {
        let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if state.events.len() >= EVENTS_MAX {
            return None;
        }
        if event.time_ms == 0.0 {
            event.time_ms = self.start.elapsed().as_secs_f64() * 1000.0;
        }
        event.index = state.events.len() as u64;
        if let Some(stream) = state.stream.as_mut() {
            let written = serde_json::to_writer(&mut *stream, &event)
                .map_err(std::io::Error::other)
                .and_then(|()| stream.write_all(b"\n"));
            if let Err(e) = written {
                eprintln!("slchaos: the history stops streaming to disk: {e}");
                state.stream = None;
            }
        }
        let index = event.index;
        state.events.push(event);
        Some(index)
    }

    /// Stops streaming; whether the streamed file holds every event (else it must be written
    /// whole).
    pub fn close_stream(&self) -> bool {
        let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        match state.stream.take() {
            Some(mut stream) => stream.flush().is_ok(),
            None => false,
        }
    }

    pub fn events(&self) -> Vec<Event> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .events
            .clone()
    }

    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .events
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Builds an event; `time_ms` 0 means "now" when recorded.
pub fn event(
    process: u64,
    kind: EventType,
    workload: &str,
    f: &str,
    key: Option<&str>,
    value: serde_json::Value,
) -> Event {
    Event {
        index: 0,
        time_ms: 0.0,
        process,
        kind,
        workload: workload.to_owned(),
        f: f.to_owned(),
        key: key.map(str::to_owned),
        value,
        node: None,
        error: None,
    }
}

//! The `rt` module as task code sees it (Kappa's names), decoded from the VM's host calls into
//! [`RtCall`]s that a runtime — the local one behind `slnode run`, or the cluster's workers —
//! carries out. Bad arguments are a `TypeError`/`ValueError` in the program, with Python's
//! wording, never a failure of the runtime.

use sl_lang::{Data, HostCall, HostError, Vm};

/// What `import rt` offers. `store.*` are reached as `rt.store.put(...)`.
pub const RT_FUNCTIONS: &[&str] = &[
    "spawn",
    "spawn_many",
    "map_spawn",
    "create_queue",
    "create_queues",
    "checkpoint",
    "pause",
    "maybe_pause",
    "external",
    "declassify",
    "lambdapack",
    "wait",
    "store.put",
    "store.get",
    "store.delete",
    "store.list",
    "kv.put",
    "kv.get",
    "kv.delete",
    "kv.keys",
];

/// What `import time` offers.
pub const TIME_FUNCTIONS: &[&str] = &[
    "sleep",
    "time",
    "monotonic",
    "perf_counter",
    "time_ns",
    "monotonic_ns",
    "perf_counter_ns",
];

/// The kinds of host object task code holds.
pub const FUTURE: &str = "Future";
pub const QUEUE: &str = "Queue";

/// Bounds: what one call may ask for.
pub const COPIES_MAX: usize = 10_000;
pub const QUEUE_CAPACITY_MAX: i64 = 1 << 20;

#[derive(Clone, Debug, PartialEq)]
pub enum RtCall {
    /// Start `function(*args)` as a new task once `awaits` (and the futures inside `args`)
    /// have resolved; their values replace the futures in `args`.
    Spawn {
        function: String,
        args: Vec<Data>,
        awaits: Vec<u64>,
        name: Option<String>,
        blocking: bool,
        /// `label="LEVEL{tags}"`: run the child at this (higher) label.
        label: Option<String>,
    },
    /// Several spawns at once (`spawn_many`, `map_spawn`): one future each, in order.
    SpawnMany {
        function: String,
        calls: Vec<Vec<Data>>,
        awaits: Vec<u64>,
    },
    Wait {
        future: u64,
    },
    CreateQueues {
        capacity: usize,
        copies: usize,
        /// `create_queue` returns one queue, `create_queues` a list.
        single: bool,
        /// `create_queue(max_size, label=…)`: a queue at a label above the creator's.
        label: Option<String>,
    },
    Enqueue {
        queue: u64,
        items: Vec<Data>,
        is_async: bool,
    },
    Dequeue {
        queue: u64,
    },
    /// `checkpoint()`/`pause()` (`forced`), `maybe_pause()`.
    Checkpoint {
        forced: bool,
    },
    External {
        service: String,
        payload: Data,
    },
    /// `rt.lambdapack(program, args={}, inputs={}, outputs={}, source=None)`: run a LAmbdaPACK
    /// program on the cluster's stored matrices and return when it ends.
    Lambdapack {
        /// A shipped program's name, or the function to run in `source`.
        program: String,
        source: Option<String>,
        args: Vec<(String, i64)>,
        inputs: Vec<(String, String)>,
        outputs: Vec<(String, String)>,
    },
    StorePut {
        key: String,
        value: Data,
    },
    StoreGet {
        key: String,
    },
    StoreDelete {
        key: String,
    },
    StoreList {
        prefix: String,
    },
    Sleep {
        seconds: f64,
    },
    /// `time.time()` and its kin; `ns`: an int of nanoseconds.
    Time {
        ns: bool,
    },
    /// `rt.kv`: the cluster's faceted key-value store.
    KvPut {
        key: String,
        value: Data,
    },
    KvGet {
        key: String,
        default: Data,
    },
    KvDelete {
        key: String,
    },
    KvKeys {
        prefix: String,
    },
}

/// A `label=` keyword: label text, or absent.
fn label_kwarg(a: &mut Args) -> Result<Option<String>, HostError> {
    match a.take(usize::MAX, "label") {
        None | Some(Data::None) => Ok(None),
        Some(l) => Ok(Some(text(l, "label")?)),
    }
}

fn type_error(message: impl Into<String>) -> HostError {
    HostError {
        kind: "TypeError".into(),
        message: message.into(),
        detail: None,
    }
}

fn value_error(message: impl Into<String>) -> HostError {
    HostError {
        kind: "ValueError".into(),
        message: message.into(),
        detail: None,
    }
}

/// Arguments of one call as data, positional and by keyword.
struct Args {
    name: String,
    positional: Vec<Data>,
    keywords: Vec<(String, Data)>,
}

impl Args {
    fn take(&mut self, i: usize, key: &str) -> Option<Data> {
        if let Some(at) = self.keywords.iter().position(|(k, _)| k == key) {
            return Some(self.keywords.remove(at).1);
        }
        self.positional
            .get_mut(i)
            .map(|d| std::mem::replace(d, Data::None))
    }

    fn required(&mut self, i: usize, key: &str) -> Result<Data, HostError> {
        let present = i < self.positional.len() || self.keywords.iter().any(|(k, _)| k == key);
        if !present {
            return Err(type_error(format!(
                "{}() missing required argument: '{key}'",
                self.name
            )));
        }
        Ok(self.take(i, key).unwrap_or(Data::None))
    }

    fn done(&self, max: usize) -> Result<(), HostError> {
        if self.positional.len() > max {
            return Err(type_error(format!(
                "{}() takes at most {max} positional arguments ({} given)",
                self.name,
                self.positional.len()
            )));
        }
        if let Some((k, _)) = self.keywords.first() {
            return Err(type_error(format!(
                "{}() got an unexpected keyword argument '{k}'",
                self.name
            )));
        }
        Ok(())
    }
}

fn function_name(d: Data, call: &str) -> Result<String, HostError> {
    match d {
        Data::Function(name) => Ok(name),
        _ => Err(type_error(format!(
            "{call}() needs a function defined at module level"
        ))),
    }
}

fn tuple_items(d: Data, what: &str) -> Result<Vec<Data>, HostError> {
    match d {
        Data::Tuple(items) | Data::List(items) => Ok(items),
        Data::None => Ok(Vec::new()),
        _ => Err(type_error(format!("{what} must be a tuple or a list"))),
    }
}

fn future_ids(d: Data) -> Result<Vec<u64>, HostError> {
    let mut ids = Vec::new();
    for item in tuple_items(d, "awaits")? {
        match item {
            Data::Host { kind, id } if kind == FUTURE => ids.push(id),
            _ => return Err(type_error("awaits must hold futures")),
        }
    }
    Ok(ids)
}

fn int(d: Data, what: &str) -> Result<i64, HostError> {
    match d {
        Data::Int(n) => Ok(n),
        Data::Bool(b) => Ok(b as i64),
        _ => Err(type_error(format!("{what} must be an int"))),
    }
}

fn text(d: Data, what: &str) -> Result<String, HostError> {
    match d {
        Data::Str(s) => Ok(s),
        _ => Err(type_error(format!("{what} must be a str"))),
    }
}

fn host_id(d: &Data, kind: &str) -> Result<u64, HostError> {
    match d {
        Data::Host { kind: k, id } if k == kind => Ok(*id),
        _ => Err(type_error(format!("expected a {kind}"))),
    }
}

/// Every future id inside `d` (the dependencies a spawn's arguments carry).
pub fn futures_in(d: &Data, out: &mut Vec<u64>) {
    match d {
        Data::Host { kind, id } if kind == FUTURE => out.push(*id),
        Data::List(items) | Data::Tuple(items) | Data::Set(items) => {
            items.iter().for_each(|i| futures_in(i, out))
        }
        Data::Dict(pairs) => pairs.iter().for_each(|(k, v)| {
            futures_in(k, out);
            futures_in(v, out);
        }),
        _ => {}
    }
}

/// Replaces every future inside `d` by its value.
pub fn resolve_futures(d: &mut Data, value_of: &dyn Fn(u64) -> Option<Data>) {
    match d {
        Data::Host { kind, id } if kind == FUTURE => {
            if let Some(v) = value_of(*id) {
                *d = v;
            }
        }
        Data::List(items) | Data::Tuple(items) | Data::Set(items) => {
            items.iter_mut().for_each(|i| resolve_futures(i, value_of))
        }
        Data::Dict(pairs) => pairs.iter_mut().for_each(|(k, v)| {
            resolve_futures(k, value_of);
            resolve_futures(v, value_of);
        }),
        _ => {}
    }
}

/// Decodes a host call; `Ok(None)` when it is not an `rt`/`time`/host-object call this module
/// knows.
pub fn decode(vm: &Vm, call: &HostCall) -> Result<Option<RtCall>, HostError> {
    let mut positional = Vec::with_capacity(call.args.len());
    for a in &call.args {
        positional.push(vm.to_data(*a).map_err(|e| type_error(e.to_string()))?);
    }
    let mut keywords = Vec::with_capacity(call.kwargs.len());
    for (k, v) in &call.kwargs {
        keywords.push((
            k.clone(),
            vm.to_data(*v).map_err(|e| type_error(e.to_string()))?,
        ));
    }
    let short = call
        .name
        .rsplit_once('.')
        .map_or(call.name.as_str(), |(_, f)| f);
    let mut a = Args {
        name: short.to_owned(),
        positional,
        keywords,
    };
    let decoded = match call.name.as_str() {
        "rt.spawn" => {
            let function = function_name(a.required(0, "f")?, "spawn")?;
            let args = tuple_items(a.take(1, "args").unwrap_or(Data::None), "args")?;
            let awaits = future_ids(a.take(usize::MAX, "awaits").unwrap_or(Data::None))?;
            let name = match a.take(usize::MAX, "name") {
                None | Some(Data::None) => None,
                Some(n) => Some(text(n, "name")?),
            };
            let blocking = matches!(a.take(usize::MAX, "blocking"), Some(Data::Bool(true)));
            let label = label_kwarg(&mut a)?;
            a.done(2)?;
            RtCall::Spawn {
                function,
                args,
                awaits,
                name,
                blocking,
                label,
            }
        }
        "rt.spawn_many" => {
            let function = function_name(a.required(0, "f")?, "spawn_many")?;
            let args = tuple_items(a.take(1, "args").unwrap_or(Data::None), "args")?;
            let copies = int(a.required(2, "copies")?, "copies")?;
            let awaits = future_ids(a.take(usize::MAX, "awaits").unwrap_or(Data::None))?;
            a.take(usize::MAX, "name");
            a.done(3)?;
            if copies < 0 || copies as usize > COPIES_MAX {
                return Err(value_error(format!("copies must be in 0..={COPIES_MAX}")));
            }
            RtCall::SpawnMany {
                function,
                calls: vec![args; copies as usize],
                awaits,
            }
        }
        "rt.map_spawn" => {
            let function = function_name(a.required(0, "f")?, "map_spawn")?;
            let elems = tuple_items(a.required(1, "elems")?, "elems")?;
            let extra = tuple_items(
                a.take(usize::MAX, "extra_args").unwrap_or(Data::None),
                "extra_args",
            )?;
            let awaits = future_ids(a.take(usize::MAX, "awaits").unwrap_or(Data::None))?;
            a.take(usize::MAX, "name");
            a.done(2)?;
            if elems.len() > COPIES_MAX {
                return Err(value_error(format!(
                    "map_spawn takes at most {COPIES_MAX} elements"
                )));
            }
            let calls = elems
                .into_iter()
                .map(|e| {
                    let mut call = vec![e];
                    call.extend(extra.iter().cloned());
                    call
                })
                .collect();
            RtCall::SpawnMany {
                function,
                calls,
                awaits,
            }
        }
        "rt.wait" => {
            let future = host_id(&a.required(0, "future")?, FUTURE)?;
            a.done(1)?;
            RtCall::Wait { future }
        }
        "Future.wait" => {
            let future = host_id(&a.required(0, "self")?, FUTURE)?;
            a.done(1)?;
            RtCall::Wait { future }
        }
        "rt.create_queue" | "rt.create_queues" => {
            let single = call.name == "rt.create_queue";
            let capacity = int(a.take(0, "max_size").unwrap_or(Data::Int(0)), "max_size")?;
            let copies = if single {
                1
            } else {
                int(a.required(1, "copies")?, "copies")?
            };
            let label = if single { label_kwarg(&mut a)? } else { None };
            a.done(2)?;
            if !(0..=QUEUE_CAPACITY_MAX).contains(&capacity) {
                return Err(value_error(format!(
                    "max_size must be in 0..={QUEUE_CAPACITY_MAX}"
                )));
            }
            if copies < 0 || copies as usize > COPIES_MAX {
                return Err(value_error(format!("copies must be in 0..={COPIES_MAX}")));
            }
            RtCall::CreateQueues {
                capacity: capacity as usize,
                copies: copies as usize,
                single,
                label,
            }
        }
        "Queue.enqueue" => {
            let queue = host_id(&a.required(0, "self")?, QUEUE)?;
            let is_async = matches!(a.take(usize::MAX, "is_async"), Some(Data::Bool(true)));
            if let Some((k, _)) = a.keywords.first() {
                return Err(type_error(format!(
                    "enqueue() got an unexpected keyword argument '{k}'"
                )));
            }
            let items = a.positional.split_off(1);
            RtCall::Enqueue {
                queue,
                items,
                is_async,
            }
        }
        "Queue.dequeue" => {
            let queue = host_id(&a.required(0, "self")?, QUEUE)?;
            a.done(1)?;
            RtCall::Dequeue { queue }
        }
        "rt.checkpoint" | "rt.pause" => {
            a.done(0)?;
            RtCall::Checkpoint { forced: true }
        }
        "rt.maybe_pause" => {
            a.done(0)?;
            RtCall::Checkpoint { forced: false }
        }
        "rt.external" => {
            let service = text(a.required(0, "service")?, "service")?;
            let payload = a.take(1, "payload").unwrap_or(Data::None);
            a.done(2)?;
            RtCall::External { service, payload }
        }
        "rt.declassify" => {
            let name = text(a.required(0, "name")?, "name")?;
            let payload = a.take(1, "value").unwrap_or(Data::None);
            a.done(2)?;
            // An external call to the service the declassifier is registered as: the coordinator
            // checks the authority against the task's label and records the call.
            RtCall::External {
                service: format!("declassify/{name}"),
                payload,
            }
        }
        "rt.lambdapack" => {
            let program = text(a.required(0, "program")?, "program")?;
            let dict = |d: Option<Data>, what: &str| -> Result<Vec<(String, Data)>, HostError> {
                match d {
                    None | Some(Data::None) => Ok(Vec::new()),
                    Some(Data::Dict(pairs)) => pairs
                        .into_iter()
                        .map(|(k, v)| Ok((text(k, what)?, v)))
                        .collect(),
                    Some(_) => Err(type_error(format!(
                        "rt.lambdapack(): {what} must be a dict"
                    ))),
                }
            };
            let args = dict(a.take(1, "args"), "args")?
                .into_iter()
                .map(|(k, v)| Ok((k, int(v, "an argument")?)))
                .collect::<Result<_, HostError>>()?;
            let names = |pairs: Vec<(String, Data)>, what: &str| {
                pairs
                    .into_iter()
                    .map(|(k, v)| Ok((k, text(v, what)?)))
                    .collect::<Result<Vec<_>, HostError>>()
            };
            let inputs = names(dict(a.take(2, "inputs"), "inputs")?, "a matrix name")?;
            let outputs = names(dict(a.take(3, "outputs"), "outputs")?, "a matrix name")?;
            let source = match a.take(4, "source") {
                None | Some(Data::None) => None,
                Some(s) => Some(text(s, "source")?),
            };
            a.done(5)?;
            RtCall::Lambdapack {
                program,
                source,
                args,
                inputs,
                outputs,
            }
        }
        "rt.store.put" => {
            let key = text(a.required(0, "key")?, "key")?;
            let value = a.required(1, "value")?;
            a.done(2)?;
            RtCall::StorePut { key, value }
        }
        "rt.store.get" | "rt.store.delete" => {
            let key = text(a.required(0, "key")?, "key")?;
            a.done(1)?;
            if call.name.ends_with("get") {
                RtCall::StoreGet { key }
            } else {
                RtCall::StoreDelete { key }
            }
        }
        "rt.store.list" => {
            let prefix = text(
                a.take(0, "prefix").unwrap_or(Data::Str(String::new())),
                "prefix",
            )?;
            a.done(1)?;
            RtCall::StoreList { prefix }
        }
        "rt.kv.put" => {
            let key = text(a.required(0, "key")?, "key")?;
            let value = a.required(1, "value")?;
            a.done(2)?;
            RtCall::KvPut { key, value }
        }
        "rt.kv.get" => {
            let key = text(a.required(0, "key")?, "key")?;
            let default = a.take(1, "default").unwrap_or(Data::None);
            a.done(2)?;
            RtCall::KvGet { key, default }
        }
        "rt.kv.delete" => {
            let key = text(a.required(0, "key")?, "key")?;
            a.done(1)?;
            RtCall::KvDelete { key }
        }
        "rt.kv.keys" => {
            let prefix = text(
                a.take(0, "prefix").unwrap_or(Data::Str(String::new())),
                "prefix",
            )?;
            a.done(1)?;
            RtCall::KvKeys { prefix }
        }
        "time.sleep" => {
            let seconds = match a.required(0, "secs")? {
                Data::Int(n) => n as f64,
                Data::Float(f) => f,
                _ => return Err(type_error("sleep() argument must be a number")),
            };
            a.done(1)?;
            if seconds.is_nan() || seconds < 0.0 {
                return Err(value_error("sleep length must be non-negative"));
            }
            RtCall::Sleep { seconds }
        }
        // One clock for all: a task may resume on another node, where only the wall clock
        // continues where it was (a process's monotonic clock would jump).
        "time.time" | "time.monotonic" | "time.perf_counter" => {
            a.done(0)?;
            RtCall::Time { ns: false }
        }
        "time.time_ns" | "time.monotonic_ns" | "time.perf_counter_ns" => {
            a.done(0)?;
            RtCall::Time { ns: true }
        }
        _ => return Ok(None),
    };
    Ok(Some(decoded))
}

/// Data as JSON text (what `slnode run` and `submit --json` print as the result). Ints of any
/// size stay exact; non-string dict keys are written as their text; sets and tuples are
/// arrays; NaN and infinities, which JSON lacks, are `null`.
pub fn to_json(d: &Data) -> String {
    let mut out = String::new();
    write_json(d, &mut out);
    out
}

fn write_json(d: &Data, out: &mut String) {
    use std::fmt::Write as _;
    match d {
        Data::None => out.push_str("null"),
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Data::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Data::BigInt(text) => out.push_str(text),
        Data::Float(f) if f.is_finite() => {
            let text = sl_lang::value::float_repr(*f);
            out.push_str(&text);
        }
        Data::Float(_) => out.push_str("null"),
        Data::Str(s) => json_string(s, out),
        Data::Bytes(b) | Data::ByteArray(b) => json_string(&String::from_utf8_lossy(b), out),
        Data::Complex(re, im) => json_string(&sl_lang::value::complex_repr(*re, *im), out),
        Data::List(items) | Data::Tuple(items) | Data::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Data::Dict(pairs) => {
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match k {
                    Data::Str(s) => json_string(s, out),
                    other => json_string(&to_json(other), out),
                }
                out.push_str(": ");
                write_json(v, out);
            }
            out.push('}');
        }
        Data::Host { kind, id } => json_string(&format!("<{kind} {id}>"), out),
        Data::Function(name) => json_string(&format!("<function {name}>"), out),
    }
}

fn json_string(s: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `text` as the decimal digits of an int beyond i64 (optional minus, no leading zeros), if it
/// is an integer literal.
fn big_int_text(text: &str) -> Option<String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        return Some("0".into());
    }
    let sign = if text.starts_with('-') { "-" } else { "" };
    Some(format!("{sign}{trimmed}"))
}

/// JSON (an `--event`) as data: objects become dicts, arrays lists; numbers that are integers
/// stay ints of any size.
pub fn from_json(v: &serde_json::Value) -> Data {
    match v {
        serde_json::Value::Null => Data::None,
        serde_json::Value::Bool(b) => Data::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Data::Int(i),
            // serde_json keeps a number's text (`arbitrary_precision`): an integer literal of
            // any length stays an exact int, as Python's json module reads it.
            None => match big_int_text(&n.to_string()) {
                Some(text) => Data::BigInt(text),
                None => n.as_f64().map_or(Data::None, Data::Float),
            },
        },
        serde_json::Value::String(s) => Data::Str(s.clone()),
        serde_json::Value::Array(items) => Data::List(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Data::Dict(
            map.iter()
                .map(|(k, v)| (Data::Str(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_ints_stay_exact_through_json_values() {
        let thirty = "265252859812191058636308480000000";
        let value = Data::List(vec![
            Data::BigInt(thirty.into()),
            Data::BigInt(format!("-{thirty}")),
            Data::Int(i64::MIN),
            Data::Float(0.1),
        ]);
        let text = to_json(&value);
        // What `job_json` does: parse into a serde value, then print it again.
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed.to_string(),
            format!("[{thirty},-{thirty},{},0.1]", i64::MIN)
        );
        assert_eq!(from_json(&parsed), value);
    }

    #[test]
    fn json_integers_of_any_size_become_exact_ints() {
        let parsed: serde_json::Value =
            serde_json::from_str("[18446744073709551616, -0, 1e3, 2.5]").unwrap();
        assert_eq!(big_int_text("-00012"), Some("-12".into()));
        assert_eq!(big_int_text("1e3"), None);
        assert_eq!(
            from_json(&parsed),
            Data::List(vec![
                Data::BigInt("18446744073709551616".into()),
                Data::Int(0),
                Data::Float(1000.0),
                Data::Float(2.5),
            ])
        );
    }
}

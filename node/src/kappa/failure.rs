//! A failed task's outcome text. The coordinator keeps a failure as text (`Err(String)`); here
//! that text is the traceback, for people (`slnode job`, the log), followed by a trailer that
//! lets a waiter raise the very exception: its class name, message, `repr` text, arguments and
//! attributes in the value encoding ([`super::codec`]), hex after a NUL mark no traceback
//! holds. Views and logs show only the traceback ([`traceback`]).

use sl_lang::{Data, Exception, ExceptionDetail, HostError};

use super::codec;

const MARK: &str = "\n\u{0}exception ";
/// Largest trailer kept; an exception whose arguments are larger crosses as kind and message.
pub const TRAILER_BYTES_MAX: usize = 256 << 10;

/// The outcome text of a task that raised `exception`, whose traceback is `traceback`.
pub fn outcome_text(traceback: &str, exception: &Exception) -> String {
    let detail = &exception.detail;
    let encoded = Data::Tuple(vec![
        Data::Str(exception.kind.clone()),
        Data::Str(exception.message.clone()),
        Data::Str(detail.shown.clone()),
        Data::List(detail.args.clone()),
        Data::Dict(
            detail
                .attrs
                .iter()
                .map(|(k, v)| (Data::Str(k.clone()), v.clone()))
                .collect(),
        ),
    ]);
    match codec::encode(&encoded) {
        Ok(bytes) if bytes.len() * 2 + MARK.len() <= TRAILER_BYTES_MAX => {
            let mut text = String::with_capacity(traceback.len() + MARK.len() + bytes.len() * 2);
            text.push_str(traceback);
            text.push_str(MARK);
            for b in bytes {
                text.push(char::from_digit((b >> 4) as u32, 16).unwrap_or('0'));
                text.push(char::from_digit((b & 15) as u32, 16).unwrap_or('0'));
            }
            text
        }
        _ => traceback.to_owned(),
    }
}

/// The part of an outcome text people see.
pub fn traceback(text: &str) -> &str {
    split(text).0
}

/// (traceback, trailer).
pub fn split(text: &str) -> (&str, Option<&str>) {
    match text.rfind(MARK) {
        Some(at) => (&text[..at], Some(&text[at + MARK.len()..])),
        None => (text, None),
    }
}

/// What a waiter raises for a failed task: the exception itself when the trailer reads, else
/// the kind and message on the traceback's last line (`Kind: message`), else RuntimeError.
pub fn waiter_error(text: &str) -> HostError {
    let (shown, trailer) = split(text);
    if let Some(error) = trailer.and_then(decode_trailer) {
        return error;
    }
    let last = shown.trim_end().lines().last().unwrap_or("");
    match last.split_once(": ") {
        Some((kind, message))
            if !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            HostError::new(kind, message)
        }
        _ => HostError::new("RuntimeError", last),
    }
}

fn decode_trailer(hex: &str) -> Option<HostError> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Vec<u8> = hex
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16);
            Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
        })
        .collect::<Option<_>>()?;
    let Data::Tuple(parts) = codec::decode(&bytes).ok()? else {
        return None;
    };
    let [
        Data::Str(kind),
        Data::Str(message),
        Data::Str(shown),
        Data::List(args),
        Data::Dict(attrs),
    ] = <[Data; 5]>::try_from(parts).ok()?
    else {
        return None;
    };
    let attrs = attrs
        .into_iter()
        .map(|(k, v)| match k {
            Data::Str(k) => Some((k, v)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(HostError {
        kind,
        message,
        detail: Some(Box::new(ExceptionDetail { shown, args, attrs })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid() -> Exception {
        Exception {
            kind: "Invalid".into(),
            message: "('bad', 3)".into(),
            traceback: Vec::new(),
            detail: ExceptionDetail {
                shown: "'bad', 3".into(),
                args: vec![Data::Str("bad".into()), Data::Int(3)],
                attrs: vec![("code".into(), Data::BigInt("1".repeat(30)))],
            },
            chain: Vec::new(),
        }
    }

    #[test]
    fn the_exception_crosses_and_people_see_only_the_traceback() {
        let traceback =
            "Traceback (most recent call last):\n  File \"x\", line 1, in f\nInvalid: ('bad', 3)\n";
        let text = outcome_text(traceback, &invalid());
        assert_eq!(self::traceback(&text), traceback);
        let error = waiter_error(&text);
        assert_eq!(error.kind, "Invalid");
        assert_eq!(error.message, "('bad', 3)");
        assert_eq!(*error.detail.unwrap(), invalid().detail);
    }

    #[test]
    fn old_or_damaged_texts_fall_back_to_the_last_line() {
        let e = waiter_error(
            "Traceback (most recent call last):\n  File \"x\", line 1\nKeyError: 'a'\n",
        );
        assert_eq!(
            (e.kind.as_str(), e.message.as_str(), e.detail),
            ("KeyError", "'a'", None)
        );
        let damaged = format!("ValueError: v{MARK}zz12");
        let e = waiter_error(&damaged);
        assert_eq!((e.kind.as_str(), e.message.as_str()), ("ValueError", "v"));
        assert_eq!(waiter_error("cancelled").kind, "RuntimeError");
    }

    #[test]
    fn a_huge_exception_crosses_as_kind_and_message() {
        let mut e = invalid();
        e.detail.args = vec![Data::Bytes(vec![7; TRAILER_BYTES_MAX])];
        let text = outcome_text("Invalid: x\n", &e);
        assert_eq!(text, "Invalid: x\n");
        assert_eq!(waiter_error(&text).kind, "Invalid");
    }
}

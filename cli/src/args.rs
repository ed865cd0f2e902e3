//! Range-checked numbers for command-line flags: every count and size a user types is bounded,
//! and a value outside its range is a clear error from clap (exit 2), never an overflow or an
//! allocation that aborts.

/// Parses a whole number in `MIN..=MAX`.
pub fn count<const MIN: u64, const MAX: u64>(text: &str) -> Result<u64, String> {
    let value: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    if !(MIN..=MAX).contains(&value) {
        return Err(format!("{value} is out of range: between {MIN} and {MAX}"));
    }
    Ok(value)
}

/// [`count`] as a `usize`.
pub fn size<const MIN: u64, const MAX: u64>(text: &str) -> Result<usize, String> {
    count::<MIN, MAX>(text).and_then(|v| usize::try_from(v).map_err(|e| e.to_string()))
}

/// Seconds as a finite number in `(0, MAX]`.
pub fn seconds<const MAX: u64>(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(value.is_finite() && value > 0.0 && value <= MAX as f64) {
        return Err(format!(
            "{text} is out of range: more than 0 and at most {MAX} seconds"
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_enforced() {
        assert_eq!(count::<1, 10>("10"), Ok(10));
        assert!(
            count::<1, 10>("0")
                .unwrap_err()
                .contains("between 1 and 10")
        );
        assert!(count::<1, 10>("99999999999999999999").is_err());
        assert!(count::<1, 10>("-1").is_err());
        assert_eq!(seconds::<60>("1.5"), Ok(1.5));
        for bad in ["0", "nan", "inf", "61", "-3"] {
            assert!(seconds::<60>(bad).is_err(), "{bad}");
        }
    }
}

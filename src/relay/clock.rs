//! Time for the hub: seconds since 1970 and the format's UTC instants.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since 1970 (UTC).
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `seconds` since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (the format's instants).
pub fn utc(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = crate::subscription::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3_600,
        rest / 60 % 60,
        rest % 60
    )
}

/// `seconds` as people read a date and time (UTC): `2026-06-01 à 10:00 UTC`.
pub fn for_people(seconds: u64) -> String {
    let instant = utc(seconds);
    format!("{} à {} UTC", &instant[..10], &instant[11..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_utc() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_780_308_000), "2026-06-01T10:00:00Z");
        assert_eq!(for_people(1_780_308_000), "2026-06-01 à 10:00 UTC");
    }
}

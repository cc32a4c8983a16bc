//! RFC 3339 UTC times as the contract writes them (`"2026-11-22T08:15:00Z"`), kept as seconds
//! since the Unix epoch. Small and exact, so the crate needs no date library.

/// Seconds since 1970-01-01T00:00:00Z.
pub type Timestamp = i64;

/// Now, from the system clock.
pub fn now() -> Timestamp {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

// Howard Hinnant's civil-from-days and days-from-civil algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The first and last second with a four-digit year (0000-01-01T00:00:00Z to
/// 9999-12-31T23:59:59Z). Between them the text of a time sorts as the time does.
pub(crate) const EARLIEST: Timestamp = -62_167_219_200;
pub(crate) const LATEST: Timestamp = 253_402_300_799;

/// Formats as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(t: Timestamp) -> String {
    let (y, mo, d) = civil_from_days(t.div_euclid(86400));
    let s = t.rem_euclid(86400);
    format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; fractions are dropped.
pub fn parse(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d, h, mi, se) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) && &rest[3..4] == ":" => {
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            let o = oh * 3600 + om * 60;
            if rest.starts_with('-') {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_digit_years() {
        assert_eq!(format(EARLIEST), "0000-01-01T00:00:00Z");
        assert_eq!(format(LATEST), "9999-12-31T23:59:59Z");
        assert_eq!(format(LATEST + 1), "10000-01-01T00:00:00Z");
    }

    #[test]
    fn round_trip() {
        for s in ["1970-01-01T00:00:00Z", "2026-11-22T08:15:00Z", "2000-02-29T23:59:59Z", "1969-12-31T23:59:59Z"] {
            assert_eq!(format(parse(s).unwrap()), s);
        }
        assert_eq!(parse("2026-11-22T09:15:00.123+01:00"), parse("2026-11-22T08:15:00Z"));
        for bad in ["", "2026-11-22", "2026-13-01T00:00:00Z", "2026-11-22T08:15:00", "2026-11-22T08:15:00+0100"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}

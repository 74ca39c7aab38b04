//! Readers of single values — texts (trimmed, measured, free of control characters), lists,
//! bounded integers, ids, days and UTC instants, true/false, web and mail links — each reporting
//! in French what is wrong with the value it is given.

use super::fields::{field_name, Cx, Path, Reader};
use super::invisible;
use crate::exchange::json::Value;

/// Longest title (prototype, step, resource), in characters.
const MAX_TITLE: usize = 200;
/// Longest short text (duration, cost, names…), in characters.
const MAX_SHORT: usize = 500;
/// Longest long text (summary, scenario, descriptions, comments), in characters.
const MAX_LONG: usize = 10_000;
/// Longest id, in bytes.
const MAX_ID: usize = 120;
const MAX_URL: usize = 2_000;
/// Most items in one list (tools, tags, steps, objectives…).
const MAX_ITEMS: usize = 100;
/// Residents in one report: well above any real session.
const MAX_PARTICIPANTS: u64 = 100_000;
/// Revisions stay exact in JavaScript numbers.
const MAX_REVISION: u64 = crate::exchange::MAX_REVISION;

/// The start of a text, for a message about it.
pub(super) fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn text_within(cx: &mut Cx, value: &Value, path: Path, min: usize, max: usize) -> Option<String> {
    let Value::String(s) = value else {
        cx.report(path, "doit être un texte");
        return None;
    };
    let trimmed = s.trim();
    // One pass over the bytes: characters counted (every byte that does not continue a UTF-8
    // sequence starts one) and control characters found (C0 and DEL in ASCII, C1 as C2 80–9F).
    // Whether the text needs a closer look for invisible characters (below) is found on the way:
    // a bidi control (E2 80 AA–AE, E2 81 A6–A9) or a tag (F3 A0 …) is seen, or no visible ASCII
    // character that would show the text is not invisible only. French text never needs it.
    let bytes = trimmed.as_bytes();
    let mut chars = 0;
    let mut control = false;
    let mut suspect = false;
    let mut visible = false;
    for (i, &b) in bytes.iter().enumerate() {
        chars += usize::from(b & 0xC0 != 0x80);
        control |= (b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r'))
            || b == 0x7F
            || (b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)));
        suspect |= match b {
            0xE2 => matches!(
                (bytes.get(i + 1), bytes.get(i + 2)),
                (Some(0x80), Some(0xAA..=0xAE)) | (Some(0x81), Some(0xA6..=0xA9))
            ),
            0xF3 => bytes.get(i + 1) == Some(&0xA0),
            _ => false,
        };
        visible |= b > 0x20 && b < 0x7F;
    }
    if chars < min {
        cx.report(path, format!("{} est vide", field_name(path.key())));
        return None;
    }
    if chars > max {
        cx.report(
            path,
            format!("le texte est trop long ({chars} caractères ; au plus {max})"),
        );
        return None;
    }
    if control {
        cx.report(
            path,
            "le texte contient des caractères de contrôle invisibles",
        );
        return None;
    }
    if (suspect || !visible) && chars > 0 {
        if let Err(why) = invisible::check(trimmed) {
            cx.report(path, why.message());
            return None;
        }
    }
    Some(trimmed.to_owned())
}

pub(super) fn title(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 1, MAX_TITLE)
}
pub(super) fn short(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 1, MAX_SHORT)
}
pub(super) fn short_or_empty(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 0, MAX_SHORT)
}
pub(super) fn long(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 1, MAX_LONG)
}
pub(super) fn long_or_empty(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 0, MAX_LONG)
}

/// A list of at most [`MAX_ITEMS`] items, each read by `read`: `None` if any is not valid.
pub(super) fn list<T>(cx: &mut Cx, value: &Value, path: Path, read: Reader<T>) -> Option<Vec<T>> {
    let Value::Array(items) = value else {
        cx.report(path, "doit être une liste");
        return None;
    };
    if items.len() > MAX_ITEMS {
        cx.report(
            path,
            format!(
                "la liste est trop longue ({} éléments ; au plus {MAX_ITEMS})",
                items.len()
            ),
        );
        return None;
    }
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match read(cx, item, Path::Index(&path, i)) {
            Some(x) => out.push(x),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

pub(super) fn short_list(cx: &mut Cx, v: &Value, p: Path) -> Option<Vec<String>> {
    list(cx, v, p, short)
}
pub(super) fn long_list(cx: &mut Cx, v: &Value, p: Path) -> Option<Vec<String>> {
    list(cx, v, p, long)
}

fn integer(cx: &mut Cx, value: &Value, path: Path, min: u64, max: u64) -> Option<u64> {
    match value.as_u64() {
        Some(n) if (min..=max).contains(&n) => Some(n),
        _ if value.is_number() => {
            cx.report(
                path,
                format!("doit être un nombre entier entre {min} et {max}"),
            );
            None
        }
        _ => {
            cx.report(path, "doit être un nombre");
            None
        }
    }
}

pub(super) fn revision(cx: &mut Cx, v: &Value, p: Path) -> Option<u64> {
    integer(cx, v, p, 1, MAX_REVISION)
}
pub(super) fn score(cx: &mut Cx, v: &Value, p: Path) -> Option<u8> {
    integer(cx, v, p, 1, 5).map(|n| n as u8)
}
pub(super) fn participants(cx: &mut Cx, v: &Value, p: Path) -> Option<u32> {
    integer(cx, v, p, 0, MAX_PARTICIPANTS).map(|n| n as u32)
}

/// Ids are lowercase ASCII letters, digits and dashes, so they are safe in URLs and file names.
pub(super) fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID
        && !s.starts_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A record id (see [`valid_id`]).
pub(super) fn id(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    let Value::String(s) = value else {
        cx.report(path, "l'identifiant doit être un texte");
        return None;
    };
    if valid_id(s) {
        Some(s.to_string())
    } else {
        cx.report(
            path,
            format!(
                "« {} » n'est pas un identifiant valide (lettres minuscules sans accent, chiffres \
                 et tirets, {MAX_ID} caractères au plus)",
                clip(s)
            ),
        );
        None
    }
}

fn digits(s: &str, range: std::ops::Range<usize>) -> Option<u32> {
    let part = s.get(range)?;
    part.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| part.parse().ok())?
}

fn valid_day(s: &str) -> bool {
    let (Some(y), Some(m), Some(d)) = (digits(s, 0..4), digits(s, 5..7), digits(s, 8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    s.as_bytes()[4] == b'-'
        && s.as_bytes()[7] == b'-'
        && (1..=12).contains(&m)
        && d >= 1
        && d <= days[(m - 1) as usize]
        && y >= 1900
}

/// A day, `YYYY-MM-DD`.
pub(super) fn day(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    match value {
        Value::String(s) if s.len() == 10 && valid_day(s) => Some(s.to_string()),
        _ => {
            cx.report(
                path,
                "doit être une date au format AAAA-MM-JJ (ex. 2026-03-14)",
            );
            None
        }
    }
}

/// A UTC instant, `YYYY-MM-DDTHH:MM:SSZ`; fractions of a second are accepted and dropped, so
/// that text order is time order.
pub(super) fn timestamp(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    if let Value::String(s) = value {
        let b = s.as_bytes();
        let fraction_ok = match s.get(19..) {
            Some("Z") => true,
            Some(rest) => {
                rest.len() >= 3
                    && rest.starts_with('.')
                    && rest.ends_with('Z')
                    && rest[1..rest.len() - 1].bytes().all(|c| c.is_ascii_digit())
            }
            None => false,
        };
        let time_ok = matches!((digits(s, 11..13), digits(s, 14..16), digits(s, 17..19)),
            (Some(h), Some(m), Some(sec)) if h < 24 && m < 60 && sec < 60);
        if s.len() >= 20
            && s.len() <= 40
            && valid_day(s)
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && time_ok
            && fraction_ok
        {
            return Some(format!("{}Z", &s[..19]));
        }
    }
    cx.report(
        path,
        "doit être une date et heure UTC au format AAAA-MM-JJTHH:MM:SSZ",
    );
    None
}

pub(super) fn boolean(cx: &mut Cx, value: &Value, path: Path) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        _ => {
            cx.report(path, "doit valoir true ou false");
            None
        }
    }
}

/// Only web and mail links: no `javascript:`, `data:` or `file:` in a livret.
pub(super) fn url(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    let Value::String(s) = value else {
        cx.report(path, "l'adresse doit être un texte");
        return None;
    };
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let web = ["http://", "https://"]
        .iter()
        .find(|p| lower.starts_with(*p));
    let ok = s.len() <= MAX_URL
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || invisible::is_invisible(c)
                || c == '"'
                || c == '<'
                || c == '>'
        })
        && match web {
            Some(prefix) => {
                let host = s[prefix.len()..]
                    .split(['/', '?', '#'])
                    .next()
                    .unwrap_or("");
                !host.is_empty()
            }
            None => {
                lower.starts_with("mailto:") && s.len() > "mailto:".len() + 2 && s.contains('@')
            }
        };
    if ok {
        Some(s.to_owned())
    } else {
        cx.report(
            path,
            format!(
                "« {} » n'est pas un lien accepté : seuls les liens http://, https:// et mailto: \
                 sont autorisés",
                clip(s)
            ),
        );
        None
    }
}

/// `bytes` bytes written in base64url without padding, in its one spelling (`exchange::b64`).
fn base64url(cx: &mut Cx, value: &Value, path: Path, bytes: usize, what: &str) -> Option<String> {
    match value {
        Value::String(s)
            if s.len() == crate::exchange::b64::encoded_len(bytes)
                && crate::exchange::b64::decode(s).is_some() =>
        {
            Some(s.to_string())
        }
        _ => {
            cx.report(
                path,
                format!("doit être {what} ({bytes} octets en base64url)"),
            );
            None
        }
    }
}

/// An Ed25519 public key.
pub(super) fn public_key(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    base64url(cx, v, p, 32, "une clé publique")
}
/// An Ed25519 signature.
pub(super) fn signature_value(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    base64url(cx, v, p, 64, "une signature")
}
pub(super) fn key_list(cx: &mut Cx, v: &Value, p: Path) -> Option<Vec<String>> {
    list(cx, v, p, public_key)
}

//! Finds the outline of a catalogue file — its top-level fields, and the byte span of each entry
//! of its three lists — without building anything, a slice at a time. The door then reads the
//! entries one by one, so a national catalogue never blocks the page in one long step.
//!
//! The scanner checks only the structure it walks (brackets, strings, commas, colons). Whatever
//! it cannot walk is handed back as `Err(())`: the door then reads the whole file the plain way,
//! which produces the precise message (line, column) for a broken file.

use std::ops::Range;

/// Lists whose entries are read one by one.
pub(super) const LISTS: [&str; 3] = ["centres", "prototypes", "evaluations"];

/// Deeper nesting than this is left to the plain reader (and its recursion limit).
const MAX_DEPTH: usize = 120;

/// A top-level field: its key, and its value's span, or its entries' spans for one of [`LISTS`].
pub(super) enum Field {
    Value(Range<usize>),
    List(Vec<Range<usize>>),
}

#[derive(Default)]
pub(super) struct Scanner {
    pos: usize,
    stage: Stage,
    pub fields: Vec<(String, Field)>,
}

#[derive(Default)]
enum Stage {
    #[default]
    Start,
    /// Expecting a key (right after `{` or a comma).
    Key {
        first: bool,
    },
    /// Inside one of [`LISTS`]: expecting an entry (or `]`).
    List {
        first: bool,
    },
    /// After a value: expecting `,` or `}`.
    AfterValue,
    End,
}

pub(super) type Scan = Result<bool, ()>;

impl Scanner {
    /// Bytes walked so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Walks about `budget` bytes. `Ok(true)`: the outline is complete.
    pub fn step(&mut self, bytes: &[u8], budget: usize) -> Scan {
        let stop = self.pos.saturating_add(budget);
        while self.pos < stop || matches!(self.stage, Stage::End) {
            self.pos = skip_ws(bytes, self.pos);
            let at = self.pos;
            let byte = bytes.get(at).copied();
            match self.stage {
                Stage::Start => {
                    expect(byte, b'{')?;
                    self.pos += 1;
                    self.stage = Stage::Key { first: true };
                }
                Stage::Key { first } => {
                    if first && byte == Some(b'}') {
                        self.pos += 1;
                        self.stage = Stage::End;
                        continue;
                    }
                    expect(byte, b'"')?;
                    let end = skip_string(bytes, at).ok_or(())?;
                    let key: String = serde_json::from_slice(&bytes[at..end]).map_err(|_| ())?;
                    let colon = skip_ws(bytes, end);
                    expect(bytes.get(colon).copied(), b':')?;
                    let value = skip_ws(bytes, colon + 1);
                    if LISTS.contains(&key.as_str()) && bytes.get(value) == Some(&b'[') {
                        self.fields.push((key, Field::List(Vec::new())));
                        self.pos = value + 1;
                        self.stage = Stage::List { first: true };
                    } else {
                        let end = skip_value(bytes, value).ok_or(())?;
                        self.fields.push((key, Field::Value(value..end)));
                        self.pos = end;
                        self.stage = Stage::AfterValue;
                    }
                }
                Stage::List { first } => {
                    if first && byte == Some(b']') {
                        self.pos += 1;
                        self.stage = Stage::AfterValue;
                        continue;
                    }
                    let end = skip_value(bytes, at).ok_or(())?;
                    if let Some((_, Field::List(entries))) = self.fields.last_mut() {
                        entries.push(at..end);
                    }
                    let next = skip_ws(bytes, end);
                    match bytes.get(next) {
                        Some(b',') => self.stage = Stage::List { first: false },
                        Some(b']') => self.stage = Stage::AfterValue,
                        _ => return Err(()),
                    }
                    self.pos = next + 1;
                }
                Stage::AfterValue => {
                    match byte {
                        Some(b',') => self.stage = Stage::Key { first: false },
                        Some(b'}') => self.stage = Stage::End,
                        _ => return Err(()),
                    }
                    self.pos += 1;
                }
                Stage::End => return if at == bytes.len() { Ok(true) } else { Err(()) },
            }
        }
        Ok(false)
    }
}

fn expect(byte: Option<u8>, wanted: u8) -> Result<(), ()> {
    if byte == Some(wanted) {
        Ok(())
    } else {
        Err(())
    }
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// `pos` is on the opening quote; returns the position after the closing one.
fn skip_string(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    loop {
        i += bytes
            .get(i..)?
            .iter()
            .position(|&b| b == b'"' || b == b'\\')?;
        if bytes[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

/// Returns the end of the value starting at `pos`. Brackets are only counted, not matched: the
/// JSON parser that reads the span afterwards refuses a mismatched one.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'"' => skip_string(bytes, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = pos;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = skip_string(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return None;
                        }
                    }
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let end = bytes[pos..]
                .iter()
                .position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t'))
                .map_or(bytes.len(), |n| pos + n);
            (end > pos).then_some(end)
        }
    }
}

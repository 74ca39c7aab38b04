//! How the door reads an object: field by field, by key, each key taken counting as read, so that
//! what is left over are exactly the fields this version does not know, kept for the next export
//! (a key is never both read and kept) within the format's bounds on them. Also where a value
//! stands in the file ([`Path`]) and where problems go ([`Cx`]).

use super::invisible;
use crate::exchange::json::{Map, Value};
use crate::exchange::Problems;
use crate::model::{Extra, Unknown};
use std::fmt;

/// Unknown fields may nest lists and objects at most this deep (a list of objects is 2).
pub(super) const UNKNOWN_MAX_DEPTH: usize = 8;
/// Most items in a list or object inside an unknown field.
pub(super) const UNKNOWN_MAX_ITEMS: usize = 1_000;
/// Most bytes of unknown fields (names and values, as compact JSON) in one version of a record
/// (every level of it: livret, steps…), or in a file's header.
pub(super) const UNKNOWN_MAX_BYTES: usize = 16 * 1024;

/// Where a value stands in the file, built without allocating until a problem is reported.
#[derive(Clone, Copy)]
pub(super) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

impl<'a> Path<'a> {
    /// The key this path ends with ("" for a list item or the root).
    pub fn key(self) -> &'a str {
        match self {
            Path::Key(_, key) => key,
            _ => "",
        }
    }
}

/// The reading context: where the problems found go.
pub(super) struct Cx<'p> {
    pub problems: &'p mut Problems,
    /// Bytes of unknown fields kept so far (see [`UNKNOWN_MAX_BYTES`]).
    pub unknown_bytes: usize,
}

impl<'p> Cx<'p> {
    pub fn new(problems: &'p mut Problems) -> Self {
        Cx {
            problems,
            unknown_bytes: 0,
        }
    }

    /// Reports at `at` when the unknown fields kept since `since` (a value of `unknown_bytes`)
    /// are more than a version (`of`: "de cette version") may hold; `false` then.
    pub fn unknown_within_bounds(&mut self, since: usize, at: Path<'_>, of: &str) -> bool {
        let kept = self.unknown_bytes - since;
        if kept <= UNKNOWN_MAX_BYTES {
            return true;
        }
        self.report(
            at,
            format!(
                "les champs inconnus {of} sont trop volumineux ({} Kio ; au plus {} Kio)",
                kept.div_ceil(1024),
                UNKNOWN_MAX_BYTES / 1024
            ),
        );
        false
    }

    pub fn report(&mut self, path: Path<'_>, message: impl Into<String>) {
        self.problems.push(path.to_string(), message.into());
    }
}

/// Reads one value found at a path; reports what is wrong with it and returns `None` then.
pub(super) type Reader<T> = fn(&mut Cx, &Value, Path) -> Option<T>;

/// What a field is called in messages ("le titre est vide").
pub(super) fn field_name(key: &str) -> &'static str {
    match key {
        "id" => "l'identifiant",
        "titre" => "le titre",
        "resume" => "le résumé",
        "nom" => "le nom",
        "territoire" => "le territoire",
        "commune" => "la commune",
        "tiers_lieu" => "le tiers-lieu",
        "public" => "le public",
        "scenario" => "le scénario d'usage",
        "licence" => "la licence",
        "description" => "la description",
        "duree" => "la durée",
        "taille_groupe" => "la taille du groupe",
        "cout" => "le coût",
        "url" => "l'adresse",
        "commentaire" => "le commentaire",
        "centre" => "le centre",
        "prototype" => "le prototype",
        "modifie_par" => "l'auteur de la modification",
        "modifie_le" => "la date de modification",
        "cree_le" => "la date de création",
        "date" => "la date",
        "cle" => "la clé",
        "valeur" => "la valeur",
        _ => "ce champ",
    }
}

/// An object being read. Its readers take fields by key; [`Fields::unknown`] then gives the
/// fields no reader took, so what counts as known is what the code reads, not a list kept beside
/// it. Taking marks the field's place (a bit for each of the first 64): reading an object of up
/// to 64 fields allocates nothing, and telling its unknown fields apart compares no keys again.
pub(super) struct Fields<'v> {
    map: &'v Map<'v>,
    at: Path<'v>,
    /// Bit `i`: field `i` was taken.
    taken: u64,
    /// Fields past the 64th that were taken; only an object that long (Prototèque writes about
    /// twenty fields, so it holds dozens of unknown ones) fills it.
    taken_past: Vec<usize>,
}

impl<'v> Fields<'v> {
    pub fn new(map: &'v Map<'v>, at: Path<'v>) -> Self {
        Fields {
            map,
            at,
            taken: 0,
            taken_past: Vec::new(),
        }
    }

    /// The object `value` is, or `None` (reported) when it is not an object.
    pub fn of(cx: &mut Cx, value: &'v Value<'v>, at: Path<'v>) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Fields::new(map, at)),
            _ => {
                cx.report(at, "doit être un objet JSON ({ … })");
                None
            }
        }
    }

    /// Whether the object has `key`; asking does not take it.
    pub fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some()
    }

    /// The value of `key` (the last one if the key is repeated); from now on `key` is known.
    pub fn take(&mut self, key: &'static str) -> Option<&'v Value<'v>> {
        let (i, value) = self.map.find(key)?;
        if i < 64 {
            self.taken |= 1 << i;
        } else {
            self.taken_past.push(i);
        }
        Some(value)
    }

    fn was_taken(&self, i: usize) -> bool {
        if i < 64 {
            self.taken & (1 << i) != 0
        } else {
            self.taken_past.contains(&i)
        }
    }

    /// Whether the object has a field no reader took.
    pub fn has_untaken(&self) -> bool {
        (0..self.map.fields().count()).any(|i| !self.was_taken(i))
    }

    /// Counts `keys` as known without reading them: they are dropped, not kept as unknown.
    pub fn drop_keys(&mut self, keys: &[&'static str]) {
        for key in keys {
            self.take(key);
        }
    }

    /// Reads a required field; reports it when absent.
    pub fn required<T>(&mut self, cx: &mut Cx, key: &'static str, read: Reader<T>) -> Option<T> {
        let value = self.take(key);
        let path = Path::Key(&self.at, key);
        match value {
            Some(value) => read(cx, value, path),
            None => {
                cx.report(path, format!("{} est obligatoire", field_name(key)));
                None
            }
        }
    }

    /// Reads an optional field (`null` counts as absent): `None` when absent or not valid.
    pub fn optional<T>(&mut self, cx: &mut Cx, key: &'static str, read: Reader<T>) -> Option<T> {
        self.or_empty(cx, key, |cx, value, path| Some(read(cx, value, path)))
            .flatten()
    }

    /// Reads an optional field whose value, when it is not valid, is reported and replaced by its
    /// default (as when absent): the object is still read, with that field empty.
    pub fn or_default<T: Default>(&mut self, cx: &mut Cx, key: &'static str, read: Reader<T>) -> T {
        self.optional(cx, key, read).unwrap_or_default()
    }

    /// Reads an optional field whose absence (or `null`) means empty (a list, a livret…): `None`
    /// only when it is there and not valid, which makes the object not valid.
    pub fn or_empty<T: Default>(
        &mut self,
        cx: &mut Cx,
        key: &'static str,
        read: impl Fn(&mut Cx, &Value, Path) -> Option<T>,
    ) -> Option<T> {
        match self.take(key) {
            None | Some(Value::Null) => Some(T::default()),
            Some(value) => read(cx, value, Path::Key(&self.at, key)),
        }
    }

    /// The fields no reader took, to keep for the next export. A repeated key keeps its last
    /// value. What they hold is checked (texts as known texts are, nesting, items) and measured
    /// (see [`Cx::unknown_within_bounds`]); what is wrong is reported with its path.
    pub fn unknown(&self, cx: &mut Cx) -> Extra {
        // Only the last value of a repeated key is marked: an earlier one is known by its key,
        // found among the few taken (never by comparing every field with every other one).
        let taken_keys = || {
            let first = (0..64).filter(|&i| self.taken & (1 << i) != 0);
            let past = self.taken_past.iter().copied();
            first.chain(past).map(|i| self.map.key_at(i))
        };
        self.map
            .fields()
            .enumerate()
            .filter(|&(i, (key, _))| !self.was_taken(i) && !taken_keys().any(|k| k == key))
            .map(|(_, (key, value))| {
                let kept = keep(cx, value, self.at, key, 1);
                cx.unknown_bytes += compact_len(key) + 1 + compact_len(&kept) + 1;
                (key.to_owned(), kept)
            })
            .collect()
    }
}

/// An unknown field's value `value`, named `key` in the object at `parent`, checked and kept.
fn keep(cx: &mut Cx, value: &Value, parent: Path, key: &str, depth: usize) -> Unknown {
    if let Some(why) = text_problem(key) {
        cx.report(parent, format!("le nom d'un champ inconnu {why}"));
    }
    let path = Path::Key(&parent, key);
    keep_value(cx, value, path, depth)
}

fn keep_value(cx: &mut Cx, value: &Value, path: Path, depth: usize) -> Unknown {
    let container = |cx: &mut Cx, len: usize| {
        if depth > UNKNOWN_MAX_DEPTH {
            cx.report(
                path,
                format!(
                    "champ inconnu imbriqué trop profondément (au plus {UNKNOWN_MAX_DEPTH} niveaux \
                     de listes et d'objets)"
                ),
            );
            false
        } else if len > UNKNOWN_MAX_ITEMS {
            cx.report(
                path,
                format!("champ inconnu trop long ({len} éléments ; au plus {UNKNOWN_MAX_ITEMS})"),
            );
            false
        } else {
            true
        }
    };
    match value {
        Value::String(s) => {
            if let Some(why) = text_problem(s) {
                cx.report(path, format!("le champ inconnu {why}"));
            }
            value.to_unknown()
        }
        Value::Array(items) => {
            if !container(cx, items.len()) {
                return Unknown::Null;
            }
            let items = items.iter().enumerate();
            Unknown::Array(
                items
                    .map(|(i, v)| keep_value(cx, v, Path::Index(&path, i), depth + 1))
                    .collect(),
            )
        }
        Value::Object(map) => {
            if !container(cx, map.fields().count()) {
                return Unknown::Null;
            }
            let mut fields = std::collections::BTreeMap::new();
            for (k, v) in map.fields() {
                fields.insert(k.to_owned(), keep(cx, v, path, k, depth + 1));
            }
            Unknown::Object(fields)
        }
        _ => value.to_unknown(),
    }
}

/// What is wrong with a text inside an unknown field, if anything: the rules of known texts
/// (no C0 or C1 control character but line breaks and tabs, nothing the `invisible` rules
/// refuse).
fn text_problem(s: &str) -> Option<&'static str> {
    let control = s
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'));
    if control {
        return Some("contient des caractères de contrôle invisibles");
    }
    match invisible::check(s) {
        Ok(()) => None,
        Err(invisible::Invisible::Bidi) => {
            Some("contient des caractères invisibles de contrôle de la direction d'écriture")
        }
        Err(invisible::Invisible::Tag) => {
            Some("contient des caractères d'étiquette Unicode invisibles")
        }
        Err(invisible::Invisible::ShowsNothing) => {
            Some("ne contient que des caractères invisibles")
        }
    }
}

/// Bytes of `value` written as compact JSON.
fn compact_len(value: &(impl serde::Serialize + ?Sized)) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).expect("counting cannot fail");
    count.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Value<'_> {
        crate::exchange::json::parse(json.as_bytes()).unwrap()
    }

    #[test]
    fn a_field_taken_is_not_kept_as_unknown_even_when_repeated_or_invalid() {
        let value = object(r#"{"a": 1, "b": "x", "a": 2, "c": null, "d": [true]}"#);
        let mut problems = Problems::default();
        let mut cx = Cx::new(&mut problems);
        let mut obj = Fields::of(&mut cx, &value, Path::Root).unwrap();
        assert_eq!(obj.required(&mut cx, "a", |_, v, _| v.as_u64()), Some(2));
        assert_eq!(obj.optional(&mut cx, "b", |_, v, _| v.as_u64()), None);
        assert!(obj.has("d"));
        obj.drop_keys(&["z"]);
        let unknown = obj.unknown(&mut cx);
        assert_eq!(
            unknown.keys().collect::<Vec<_>>(),
            ["c", "d"],
            "what was taken (a, b) is known; what was only asked about (d) is not"
        );
        assert_eq!(unknown["d"], Unknown::from(serde_json::json!([true])));
    }

    #[test]
    fn fields_past_the_64th_are_told_apart_too() {
        let mut json = String::from("{");
        for i in 0..100 {
            json += &format!(r#""f{i}": {i}, "#);
        }
        json += r#""f3": "again", "titre": "t"}"#;
        let value = object(&json);
        let mut problems = Problems::default();
        let mut cx = Cx::new(&mut problems);
        let mut obj = Fields::of(&mut cx, &value, Path::Root).unwrap();
        obj.drop_keys(&["f3", "f70", "titre"]);
        let unknown = obj.unknown(&mut cx);
        assert_eq!(unknown.len(), 98);
        for taken in ["f3", "f70", "titre"] {
            assert!(!unknown.contains_key(taken), "{taken}");
        }
        assert!(unknown.contains_key("f2") && unknown.contains_key("f99"));
    }

    #[test]
    fn paths_name_keys_and_items() {
        let list = Path::Key(&Path::Root, "prototypes");
        let item = Path::Index(&list, 3);
        let field = Path::Key(&item, "titre");
        assert_eq!(field.to_string(), "prototypes[3].titre");
        assert_eq!(field.key(), "titre");
        assert_eq!(item.key(), "");
    }
}

//! IndexedDB, through indexed_db_futures. The only module that touches browser storage; `ui`
//! calls the async functions below with plain `model`/`exchange` values and never sees an
//! IndexedDB type.
//!
//! Each record is kept as the compact JSON of its file form (`exchange::record_json`), next to
//! the few fields the indexes need. That text is stored as UTF-8 bytes (a `Uint8Array`): writing
//! 20,000 prototypes takes about a tenth less time than as strings (`scripts/bench-store.sh`);
//! rows written as strings by earlier versions are still read. Reading back assembles those JSON
//! texts into a document and sends it through `exchange::read_document`, the same door as any
//! file, so data written by an older version is checked and migrated in one place.

mod channel;

use channel::notify;
pub use channel::{on_change, ChangeListener, Heard};

use crate::exchange::{
    merge_records, outcome, read_centre_record, read_prototype_record, read_rating_record,
    record_json, Assembly, Limits, Preview, PreviewItem, Problems, Reading,
};
use crate::model::{Catalogue, Centre, Prototype, Rating, Record};
use indexed_db_futures::database::Database;
use indexed_db_futures::error::{Error as IdbError, OpenDbError};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use indexed_db_futures::KeyRange;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// Name of the app's database.
pub const DB_NAME: &str = "prototheque";
/// Current schema version. History: 1 = settings only; 2 = catalogue stores, import log, undo.
pub const SCHEMA_VERSION: u32 = 2;

const SETTINGS: &str = "settings";
const CENTRES: &str = "centres";
const PROTOTYPES: &str = "prototypes";
const RATINGS: &str = "ratings";
const IMPORTS: &str = "imports";
const UNDO: &str = "undo";
const CATALOGUE_STORES: [&str; 3] = [CENTRES, PROTOTYPES, RATINGS];
const WRITE_STORES: [&str; 5] = [CENTRES, PROTOTYPES, RATINGS, IMPORTS, UNDO];
/// Key of the only entry of the `undo` store.
const LAST_IMPORT: &str = "dernier-import";

/// A storage failure, with the message shown to people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    pub message: String,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StoreError {
    fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
        }
    }

    /// A stored value that could not be read back (not in the form this version writes: a
    /// damaged row, or one written by a newer version open in another tab).
    fn from_read(e: IdbError) -> Self {
        if !matches!(e, IdbError::Serialisation(_)) {
            return StoreError::from_idb(e);
        }
        warn("lecture", &e.to_string().into());
        StoreError::new(
            "Les données enregistrées dans ce navigateur n'ont pas pu être relues ; rien n'a été \
             modifié. Rechargez la page : si une version plus récente de Prototèque est ouverte \
             dans un autre onglet, le rechargement l'installe aussi ici.",
        )
    }

    /// Turns an IndexedDB failure into the French message shown to people; the browser's own
    /// error goes to the console for whoever helps them. A full storage is told by the
    /// exception's name, never by formatting the error (release builds format no `Debug`).
    fn from_idb(e: IdbError) -> Self {
        let exception = match &e {
            IdbError::DomException(d) => Some(AsRef::<JsValue>::as_ref(d)),
            _ => None,
        };
        match exception {
            Some(exception) => warn("stockage", exception),
            None => warn("stockage", &e.to_string().into()),
        }
        let full = exception.is_some_and(|x| {
            x.unchecked_ref::<web_sys::DomException>().name() == "QuotaExceededError"
        });
        if full {
            StoreError::full()
        } else {
            StoreError::refused()
        }
    }

    fn from_open(e: OpenDbError) -> Self {
        match e {
            OpenDbError::Base(e) => StoreError::from_idb(e),
            other => {
                warn("stockage", &other.to_string().into());
                StoreError::refused()
            }
        }
    }

    fn full() -> Self {
        StoreError::new(
            "L'espace de stockage du navigateur est plein : rien n'a été enregistré. \
             Libérez de la place (exportez puis supprimez d'anciennes données) et réessayez.",
        )
    }

    fn refused() -> Self {
        StoreError::new(
            "Le navigateur a refusé d'enregistrer les données : rien n'a été enregistré. \
             Réessayez ; si le problème continue, exportez votre catalogue pour le garder.",
        )
    }
}

/// The technical detail of a failure, in the console.
fn warn(what: &str, detail: &JsValue) {
    web_sys::console::warn_2(&format!("Prototèque, {what} :").into(), detail);
}

type Result<T> = std::result::Result<T, StoreError>;

/// Commits `tx`. When the browser aborts it, tells a full storage apart from other failures:
/// the transaction's own `QuotaExceededError` is not reachable through indexed_db_futures, so the
/// storage estimate is asked whether `attempted` more bytes could have fitted.
async fn commit(tx: Transaction<'_>, attempted: usize) -> Result<()> {
    let Err(e) = tx.commit().await else {
        return Ok(());
    };
    if storage_is_full(attempted).await {
        warn("stockage", &e.to_string().into());
        Err(StoreError::full())
    } else {
        Err(StoreError::from_idb(e))
    }
}

async fn storage_is_full(attempted: usize) -> bool {
    async fn estimate() -> Option<(f64, f64)> {
        let storage = web_sys::window()?.navigator().storage();
        let estimate = wasm_bindgen_futures::JsFuture::from(storage.estimate().ok()?)
            .await
            .ok()?;
        let get = |key: &str| js_sys::Reflect::get(&estimate, &key.into()).ok()?.as_f64();
        Some((get("usage")?, get("quota")?))
    }
    // A margin for what IndexedDB adds around the data itself.
    estimate()
        .await
        .is_some_and(|(usage, quota)| quota - usage < 2.0 * attempted as f64 + 65_536.0)
}

/// One stored record: its file form, plus what the indexes look up. Written to IndexedDB as
/// [`Row::stored`]; `Serialize` gives the form kept in undo snapshots (JSON text).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Row {
    #[serde(deserialize_with = "text_or_utf8")]
    json: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    centre: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prototype: Option<String>,
}

/// A row as IndexedDB keeps it: the same fields, the record's text as bytes.
#[derive(Serialize)]
struct StoredRow<'a> {
    json: Utf8<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theme: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    centre: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prototype: Option<&'a str>,
}

/// Text serialised as its UTF-8 bytes (a `Uint8Array` in IndexedDB).
struct Utf8<'a>(&'a str);

impl Serialize for Utf8<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0.as_bytes())
    }
}

/// A row's text, stored as UTF-8 bytes, or as a string by versions before bytes (and in undo
/// snapshots).
fn text_or_utf8<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("the text of a record, as a string or UTF-8 bytes")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> std::result::Result<String, E> {
            Ok(v)
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> std::result::Result<String, E> {
            self.visit_byte_buf(v.to_vec())
        }
        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> std::result::Result<String, E> {
            String::from_utf8(v)
                .map_err(|e| E::invalid_value(serde::de::Unexpected::Bytes(e.as_bytes()), &self))
        }
    }
    d.deserialize_any(Text)
}

impl Row {
    fn stored(&self) -> StoredRow<'_> {
        StoredRow {
            json: Utf8(&self.json),
            theme: self.theme.as_deref(),
            centre: self.centre.as_deref(),
            parent: self.parent.as_deref(),
            prototype: self.prototype.as_deref(),
        }
    }

    /// A 64-bit hash of every field, to recognise this exact row later. Eight bytes a step
    /// (FxHash's mix): rows of a national import add up to tens of megabytes.
    fn fingerprint(&self) -> String {
        fn mix(hash: u64, word: u64) -> u64 {
            (hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
        }
        let mut hash = 0u64;
        let fields = [&self.theme, &self.centre, &self.parent, &self.prototype];
        let parts =
            std::iter::once(Some(self.json.as_str())).chain(fields.iter().map(|f| f.as_deref()));
        for part in parts {
            // Each field's length (or absence) goes in too, so bytes cannot move between fields.
            let Some(part) = part else {
                hash = mix(hash, u64::MAX);
                continue;
            };
            hash = mix(hash, part.len() as u64);
            let mut chunks = part.as_bytes().chunks_exact(8);
            for chunk in &mut chunks {
                hash = mix(hash, u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
            }
            let mut last = [0u8; 8];
            last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
            hash = mix(hash, u64::from_le_bytes(last));
        }
        format!("{hash:016x}")
    }
}

/// One entry of the import log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportEntry {
    pub at: String,
    pub source: String,
    pub added: u32,
    pub updated: u32,
    pub conflicts: u32,
    pub unchanged: u32,
    pub ignored: u32,
    pub undone: bool,
}

/// A record touched by the last import: what it was before (None: absent), and a fingerprint
/// of what the import wrote, enough to tell whether it changed since. (Snapshots written before
/// fingerprints held the whole row in `after`; they are still read.)
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Touched {
    store: String,
    id: String,
    before: Option<Row>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<Row>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    written: Option<String>,
}

impl Touched {
    /// True when `now` is still what the import wrote.
    fn unchanged(&self, now: Option<&Row>) -> bool {
        match (&self.after, &self.written, now) {
            (Some(after), _, Some(now)) => after == now,
            (None, Some(written), Some(now)) => *written == now.fingerprint(),
            _ => false,
        }
    }
}

/// What is needed to undo the last import exactly (written by [`undo_text`]).
#[derive(Clone, Debug, Deserialize)]
struct UndoSnapshot {
    log_key: u32,
    touched: Vec<Touched>,
}

/// The undo snapshot as the JSON text [`UndoSnapshot`] is read from, written a slice at a time,
/// calling `pause` in between: a national import's snapshot in one go froze a phone-class page
/// for 100 ms.
async fn undo_text<F, Fut>(log_key: u32, touched: &[Touched], mut pause: F) -> Result<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let mut out = format!("{{\"log_key\":{log_key},\"touched\":[").into_bytes();
    let mut slices = Slices::new();
    for (i, t) in touched.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, t).expect("serialising in-memory data cannot fail");
        if slices.due() {
            pause().await?;
            slices.restart();
        }
    }
    out.extend_from_slice(b"]}");
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// How the undo snapshot is kept: as one JSON text (a national import touches tens of thousands
/// of records; one string is stored at once, where as many JavaScript objects would block the
/// page for a long moment). Snapshots written before were objects; they are still read.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredUndo {
    Text(String),
    Object(UndoSnapshot),
}

impl StoredUndo {
    fn snapshot(self) -> Result<UndoSnapshot> {
        match self {
            StoredUndo::Object(snapshot) => Ok(snapshot),
            StoredUndo::Text(text) => serde_json::from_slice(text.as_bytes()).map_err(|_| {
                StoreError::new(
                    "Ce qu'il faut pour annuler le dernier import est illisible : il ne peut pas \
                     être annulé. Rien n'a été modifié.",
                )
            }),
        }
    }
}

/// What an import did.
#[derive(Clone, Debug)]
pub struct ImportReport {
    pub preview: Preview,
    pub catalogue: Catalogue,
}

/// Opens (creating or upgrading) the database named `name`. Migrations run in
/// `onupgradeneeded`, from any earlier version, each step only adding what it introduces.
pub async fn open(name: &str) -> Result<Database> {
    Database::open(name)
        .with_version(SCHEMA_VERSION)
        .with_on_upgrade_needed(|event, db| {
            let old = event.old_version() as u64;
            if old < 1 {
                db.create_object_store(SETTINGS).build()?;
            }
            if old < 2 {
                db.create_object_store(CENTRES).build()?;
                let prototypes = db.create_object_store(PROTOTYPES).build()?;
                prototypes
                    .create_index("par_theme", "theme".into())
                    .build()?;
                prototypes
                    .create_index("par_centre", "centre".into())
                    .build()?;
                prototypes
                    .create_index("par_parent", "parent".into())
                    .build()?;
                let ratings = db.create_object_store(RATINGS).build()?;
                ratings
                    .create_index("par_prototype", "prototype".into())
                    .build()?;
                db.create_object_store(IMPORTS)
                    .with_auto_increment(true)
                    .build()?;
                db.create_object_store(UNDO).build()?;
            }
            Ok(())
        })
        .await
        .map_err(StoreError::from_open)
}

/// Saves one setting.
pub async fn put_setting(db: &Database, key: &str, value: &str) -> Result<()> {
    let e = StoreError::from_idb;
    let tx = db
        .transaction(SETTINGS)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(e)?;
    let store = tx.object_store(SETTINGS).map_err(e)?;
    store
        .put(value.to_owned())
        .with_key(key.to_owned())
        .primitive()
        .map_err(e)?
        .await
        .map_err(e)?;
    commit(tx, key.len() + value.len()).await?;
    notify(&Heard::Settings);
    Ok(())
}

/// Reads one setting.
pub async fn get_setting(db: &Database, key: &str) -> Result<Option<String>> {
    let e = StoreError::from_idb;
    let tx = db.transaction(SETTINGS).build().map_err(e)?;
    let store = tx.object_store(SETTINGS).map_err(e)?;
    store
        .get(key.to_owned())
        .primitive()
        .map_err(e)?
        .await
        .map_err(e)
}

fn row_for<T: Serialize>(id: &str, record: &Record<T>, fields: fn(&T, &mut Row)) -> Row {
    let mut row = Row {
        json: record_json(id, record),
        ..Row::default()
    };
    if let Some(body) = record.current() {
        fields(body, &mut row);
    }
    row
}

/// Rows read per request: each batch becomes Rust values in its own turn of the page.
const BATCH: usize = 1000;
/// Batches asked for ahead of the one being read: the browser reads them meanwhile, and no more
/// than these wait in memory.
const AHEAD: usize = 4;

/// Every key of `store`, in key order.
async fn keys(tx: &Transaction<'_>, store: &str) -> Result<Vec<String>> {
    let e = StoreError::from_idb;
    tx.object_store(store)
        .map_err(e)?
        .get_all_keys()
        .primitive()
        .map_err(e)?
        .await
        .map_err(e)?
        .collect::<std::result::Result<_, _>>()
        .map_err(e)
}

/// Every row of `store`, keyed by id, read inside `tx` a batch at a time: given all its `keys`
/// (from [`keys`]), each batch's range is asked for a few batches ahead of the one becoming Rust
/// values. `read` hears how many rows each batch brought.
async fn rows(
    tx: &Transaction<'_>,
    store: &str,
    keys: &[String],
    read: &dyn Fn(usize),
) -> Result<BTreeMap<String, Row>> {
    let e = StoreError::from_idb;
    let store = tx.object_store(store).map_err(e)?;
    let ask = |batch: &[String]| {
        let range = KeyRange::Bound(
            batch[0].clone(),
            false,
            batch[batch.len() - 1].clone(),
            false,
        );
        store
            .get_all()
            .with_query::<String, _>(range)
            .serde()
            .map_err(e)
    };
    let mut batches = keys.chunks(BATCH);
    let mut asked = std::collections::VecDeque::new();
    let mut rows = BTreeMap::new();
    loop {
        while asked.len() < AHEAD {
            let Some(batch) = batches.next() else { break };
            asked.push_back((batch, ask(batch)?));
        }
        let Some((batch, request)) = asked.pop_front() else {
            return Ok(rows);
        };
        let values: Vec<Row> = request
            .await
            .map_err(StoreError::from_read)?
            .collect::<std::result::Result<_, _>>()
            .map_err(StoreError::from_read)?;
        // One transaction sees one state of the store: each range holds exactly its keys.
        if values.len() != batch.len() {
            return Err(StoreError::new(
                "Les données enregistrées ont changé pendant leur lecture : rechargez la page.",
            ));
        }
        rows.extend(batch.iter().cloned().zip(values));
        read(batch.len());
    }
}

/// Lets the page handle input and paint, and comes back at once: a message to itself, which,
/// unlike a zero-delay timer, is not held back to 4 ms after a few turns.
pub async fn page_turn() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return gloo::timers::future::TimeoutFuture::new(0).await;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        channel.port1().set_onmessage(Some(&resolve));
    });
    if channel
        .port2()
        .post_message(&wasm_bindgen::JsValue::NULL)
        .is_ok()
    {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    // `channel` lives until here, so its ports cannot be collected before the message arrives.
    channel.port1().set_onmessage(None);
}

struct Snapshot {
    centres: BTreeMap<String, Row>,
    prototypes: BTreeMap<String, Row>,
    ratings: BTreeMap<String, Row>,
}

impl Snapshot {
    /// All stored records; `progress` hears the share of them read so far.
    async fn read(tx: &Transaction<'_>, progress: &dyn Fn(f64)) -> Result<Self> {
        let keys = [
            keys(tx, CENTRES).await?,
            keys(tx, PROTOTYPES).await?,
            keys(tx, RATINGS).await?,
        ];
        let total = keys.iter().map(Vec::len).sum::<usize>().max(1);
        let done = std::cell::Cell::new(0);
        let read = |n: usize| {
            done.set(done.get() + n);
            progress(done.get() as f64 / total as f64);
        };
        let [centres, prototypes, ratings] = &keys;
        Ok(Snapshot {
            centres: rows(tx, CENTRES, centres, &read).await?,
            prototypes: rows(tx, PROTOTYPES, prototypes, &read).await?,
            ratings: rows(tx, RATINGS, ratings, &read).await?,
        })
    }

    /// The stored records read back through the door, a slice at a time, calling `pause`
    /// between slices (inside a transaction, a small request that keeps it open; outside, a
    /// turn of the page).
    /// `progress` hears the share of the door's reading done.
    async fn catalogue_in_slices<F, Fut>(
        &self,
        mut pause: F,
        progress: &dyn Fn(f64),
    ) -> Result<Catalogue>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let lists = [&self.centres, &self.prototypes, &self.ratings];
        let bytes = lists
            .iter()
            .flat_map(|rows| rows.values())
            .map(|r| r.json.len() + 1)
            .sum();
        let mut doc = Assembly::new(bytes);
        let mut slices = Slices::new();
        for rows in lists {
            doc.next_list();
            for row in rows.values() {
                doc.push(&row.json);
                if slices.due() {
                    pause().await?;
                    slices.restart();
                }
            }
        }
        let doc = doc.finish();
        pause().await?;
        let mut reading = Reading::new(doc.as_bytes(), Limits::default());
        slices.restart();
        while let Some(done) = reading.step(32 * 1024) {
            if slices.due() {
                progress(done);
                pause().await?;
                slices.restart();
            }
        }
        reading.finish().map(|d| d.catalogue).map_err(unreadable)
    }
}

/// One stored record that the door refuses.
fn unreadable_record(problems: Problems) -> StoreError {
    StoreError::new(format!(
        "Un enregistrement de ce navigateur est illisible : {}",
        problems.summary()
    ))
}

/// The stored catalogue as a whole, refused by the door.
fn unreadable(problems: Problems) -> StoreError {
    StoreError::new(format!(
        "Les données enregistrées dans ce navigateur sont illisibles ({} problème(s), par \
         exemple : {}). Rien n'a été modifié.",
        problems.len(),
        problems
            .list
            .first()
            .map(|p| p.to_string())
            .unwrap_or_default()
    ))
}

/// The whole catalogue, read in one transaction (a consistent snapshot, also what export uses).
pub async fn load(db: &Database) -> Result<Catalogue> {
    load_with_progress(db, &|_| {}).await
}

/// [`load`], telling `progress` the share done: reading the rows is the first [`ROWS_SHARE`],
/// reading them through the door the rest.
pub async fn load_with_progress(db: &Database, progress: &dyn Fn(f64)) -> Result<Catalogue> {
    let tx = db
        .transaction(CATALOGUE_STORES)
        .build()
        .map_err(StoreError::from_idb)?;
    let snapshot = Snapshot::read(&tx, &|done| progress(ROWS_SHARE * done)).await?;
    // The rows are a consistent snapshot; reading them back needs no transaction.
    drop(tx);
    snapshot
        .catalogue_in_slices(
            || async {
                page_turn().await;
                Ok(())
            },
            &|done| progress(ROWS_SHARE + (1.0 - ROWS_SHARE) * done),
        )
        .await
}

/// About the share of loading spent reading rows (the rest goes to the door), as measured at
/// 20,000 prototypes: it keeps a progress bar moving at an even pace.
const ROWS_SHARE: f64 = 0.45;

fn centre_fields(_: &Centre, _: &mut Row) {}

fn prototype_fields(p: &Prototype, row: &mut Row) {
    row.theme = Some(p.theme.slug().to_owned());
    row.centre = Some(p.centre.clone());
    row.parent = p.forked_from.as_ref().map(|f| f.prototype.clone());
}

fn rating_fields(r: &Rating, row: &mut Row) {
    row.prototype = Some(r.prototype.clone());
    row.centre = Some(r.centre.clone());
}

/// A local change: the new state of one record (usually `exchange::with_edit` of the current one).
#[derive(Clone, Debug)]
pub enum Change {
    Centre(String, Record<Centre>),
    Prototype(String, Record<Prototype>),
    Rating(String, Record<Rating>),
}

async fn save_one<T: Serialize + Clone>(
    tx: &Transaction<'_>,
    store_name: &str,
    id: &str,
    record: &Record<T>,
    read: fn(&str) -> std::result::Result<(String, Record<T>), Problems>,
    fields: fn(&T, &mut Row),
) -> Result<Record<T>> {
    let e = StoreError::from_idb;
    let store = tx.object_store(store_name).map_err(e)?;
    let existing: Option<Row> = store
        .get(id.to_owned())
        .serde()
        .map_err(e)?
        .await
        .map_err(StoreError::from_read)?;
    // Another tab may have written meanwhile: merge rather than overwrite, so nothing is lost.
    let merged = match existing {
        Some(row) => {
            let (_, stored) = read(&row.json).map_err(unreadable_record)?;
            merge_records(&stored, record)
        }
        None => record.clone(),
    };
    let row = row_for(id, &merged, fields);
    store
        .put(&row.stored())
        .with_key(id.to_owned())
        .serde()
        .map_err(e)?
        .await
        .map_err(e)?;
    Ok(merged)
}

/// Saves local changes in one transaction and returns the records as stored (merged with any
/// concurrent change another tab made).
pub async fn save(db: &Database, changes: Vec<Change>) -> Result<Vec<Change>> {
    let e = StoreError::from_idb;
    let tx = db
        .transaction(CATALOGUE_STORES)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(e)?;
    let mut saved = Vec::with_capacity(changes.len());
    let mut attempted = 0;
    for change in changes {
        saved.push(match change {
            Change::Centre(id, r) => {
                attempted += record_json(&id, &r).len();
                let m = save_one(&tx, CENTRES, &id, &r, read_centre_record, centre_fields).await?;
                Change::Centre(id, m)
            }
            Change::Prototype(id, r) => {
                attempted += record_json(&id, &r).len();
                let m = save_one(
                    &tx,
                    PROTOTYPES,
                    &id,
                    &r,
                    read_prototype_record,
                    prototype_fields,
                )
                .await?;
                Change::Prototype(id, m)
            }
            Change::Rating(id, r) => {
                attempted += record_json(&id, &r).len();
                let m = save_one(&tx, RATINGS, &id, &r, read_rating_record, rating_fields).await?;
                Change::Rating(id, m)
            }
        });
    }
    commit(tx, attempted).await?;
    notify(&Heard::Records(
        saved
            .iter()
            .map(|c| {
                let (store, id) = match c {
                    Change::Centre(id, _) => (CENTRES, id),
                    Change::Prototype(id, _) => (PROTOTYPES, id),
                    Change::Rating(id, _) => (RATINGS, id),
                };
                (store.to_owned(), id.clone())
            })
            .collect(),
    ));
    Ok(saved)
}

/// Reads records another tab announced (see [`Heard::Records`]) as they are now stored, through
/// the door. `None` if one of them is not there any more, or the names are not understood:
/// then the whole catalogue should be read again.
pub async fn read_announced(
    db: &Database,
    records: &[(String, String)],
) -> Result<Option<Vec<Change>>> {
    let e = StoreError::from_idb;
    let tx = db.transaction(CATALOGUE_STORES).build().map_err(e)?;
    let mut changes = Vec::with_capacity(records.len());
    for (store_name, id) in records {
        if !CATALOGUE_STORES.contains(&store_name.as_str()) {
            return Ok(None);
        }
        let row: Option<Row> = tx
            .object_store(store_name)
            .map_err(e)?
            .get(id.clone())
            .serde()
            .map_err(e)?
            .await
            .map_err(StoreError::from_read)?;
        let Some(row) = row else {
            return Ok(None);
        };
        changes.push(match store_name.as_str() {
            CENTRES => {
                let (id, r) = read_centre_record(&row.json).map_err(unreadable_record)?;
                Change::Centre(id, r)
            }
            PROTOTYPES => {
                let (id, r) = read_prototype_record(&row.json).map_err(unreadable_record)?;
                Change::Prototype(id, r)
            }
            _ => {
                let (id, r) = read_rating_record(&row.json).map_err(unreadable_record)?;
                Change::Rating(id, r)
            }
        });
    }
    Ok(Some(changes))
}

/// Applies saved changes to an in-memory catalogue.
pub fn apply(catalogue: &mut Catalogue, changes: Vec<Change>) {
    for change in changes {
        match change {
            Change::Centre(id, r) => {
                catalogue.centres.insert(id, r);
            }
            Change::Prototype(id, r) => {
                catalogue.prototypes.insert(id, r);
            }
            Change::Rating(id, r) => {
                catalogue.ratings.insert(id, r);
            }
        }
    }
}

/// Merges `incoming` into the stored catalogue in **one transaction**: the whole import is written
/// or none of it. What is needed to undo it exactly is written in the same transaction. With
/// `log == false` (seeding the catalogue shipped with the app) no log entry or undo is kept.
///
/// The work is done in slices of about [`SLICE_MS`]: between two slices the page handles input
/// and paints, while a pending request keeps the transaction open. `progress` hears the share
/// done (0 to 1) after each slice.
pub async fn import(
    db: &Database,
    incoming: Catalogue,
    source: &str,
    at: &str,
    progress: &dyn Fn(f64),
) -> Result<ImportReport> {
    import_inner(db, incoming, source, at, true, None, progress).await
}

/// Seeds or refreshes from the catalogue shipped with the app, through the same merge as a file.
pub async fn import_seed(db: &Database, seed: Catalogue, at: &str) -> Result<ImportReport> {
    import_inner(
        db,
        seed,
        "catalogue fourni avec Prototèque",
        at,
        false,
        None,
        &|_| {},
    )
    .await
}

/// For tests: an import that fails after `n` records were written, to prove atomicity.
#[doc(hidden)]
pub async fn import_failing_after(
    db: &Database,
    incoming: Catalogue,
    n: usize,
) -> Result<ImportReport> {
    import_inner(
        db,
        incoming,
        "test",
        "2026-01-01T00:00:00Z",
        true,
        Some(n),
        &|_| {},
    )
    .await
}

/// Longest stretch of work, in milliseconds, before the page gets a turn.
pub const SLICE_MS: f64 = 25.0;

/// The clock of work done in slices: `due` says when the current slice has lasted
/// [`SLICE_MS`]; after the page's turn, `restart` begins the next one (the turn itself does not
/// count against it).
pub struct Slices {
    start: f64,
}

impl Slices {
    pub fn new() -> Self {
        Slices {
            start: js_sys::Date::now(),
        }
    }

    pub fn due(&self) -> bool {
        js_sys::Date::now() - self.start > SLICE_MS
    }

    pub fn restart(&mut self) {
        self.start = js_sys::Date::now();
    }
}

impl Default for Slices {
    fn default() -> Self {
        Slices::new()
    }
}

/// Gives the page a turn in the middle of a transaction: waiting on a small request lets the
/// browser handle input and paint, and the transaction stays open since a request is pending.
async fn breathe(tx: &Transaction<'_>) -> Result<()> {
    let e = StoreError::from_idb;
    let _: u32 = tx
        .object_store(CENTRES)
        .map_err(e)?
        .count()
        .primitive()
        .map_err(e)?
        .await
        .map_err(e)?;
    Ok(())
}

/// An import's progress through the records of a file.
struct Writing<'p> {
    total: usize,
    done: usize,
    items: Vec<PreviewItem>,
    touched: Vec<Touched>,
    attempted: usize,
    slices: Slices,
    fail_after: Option<usize>,
    progress: &'p dyn Fn(f64),
}

impl Writing<'_> {
    /// Merges, previews and writes the records of one store, giving the page a turn every
    /// [`SLICE_MS`]. `current` becomes the merged records.
    #[allow(clippy::too_many_arguments)]
    async fn records<T: Serialize + Clone + PartialEq>(
        &mut self,
        tx: &Transaction<'_>,
        store_name: &str,
        kind: crate::exchange::EntityKind,
        current: &mut BTreeMap<String, Record<T>>,
        incoming: BTreeMap<String, Record<T>>,
        before: &BTreeMap<String, Row>,
        fields: fn(&T, &mut Row),
    ) -> Result<()> {
        let e = StoreError::from_idb;
        let store = tx.object_store(store_name).map_err(e)?;
        // The last write of the previous slice. Requests are answered in order, so waiting for
        // the newest one would wait for the browser to finish every write so far; waiting for
        // this one instead lets it write the current slice while the next one is prepared.
        let mut marker: Option<indexed_db_futures::future::BasicRequest<String>> = None;
        for (id, record) in incoming {
            if self.slices.due() {
                match marker.take() {
                    Some(previous) => drop(previous.await.map_err(e)?),
                    None => breathe(tx).await?,
                }
                self.turn();
            }
            self.done += 1;
            let existing = current.get(&id);
            self.items.push(PreviewItem {
                kind,
                id: id.clone(),
                outcome: outcome(existing, &record),
            });
            let merged = match existing {
                // The very record already stored: nothing to merge or write.
                Some(existing) if *existing == record => continue,
                Some(existing) => merge_records(existing, &record),
                None => record,
            };
            let row = row_for(&id, &merged, fields);
            let previous = before.get(&id);
            if previous != Some(&row) {
                if self.fail_after.is_some_and(|n| self.touched.len() >= n) {
                    // Returning drops the transaction, which aborts it: nothing written above
                    // survives.
                    return Err(StoreError::new(
                        "Import interrompu (test) : rien n'a été enregistré.",
                    ));
                }
                // Requests go out when built; a failed one aborts the transaction, which the
                // commit reports. Only one request a slice is waited for.
                let request = store
                    .put(&row.stored())
                    .with_key(id.clone())
                    .serde()
                    .map_err(e)?;
                self.attempted += row.json.len();
                self.touched.push(Touched {
                    store: store_name.to_owned(),
                    id: id.clone(),
                    before: previous.cloned(),
                    after: None,
                    written: Some(row.fingerprint()),
                });
                if self.slices.due() {
                    match marker.replace(request) {
                        Some(previous) => drop(previous.await.map_err(e)?),
                        None => breathe(tx).await?,
                    }
                    self.turn();
                }
            }
            current.insert(id, merged);
        }
        Ok(())
    }

    /// After the page had its turn: say how far the import is, start a new slice.
    fn turn(&mut self) {
        (self.progress)(self.done as f64 / self.total.max(1) as f64);
        self.slices.restart();
    }
}

async fn import_inner(
    db: &Database,
    incoming: Catalogue,
    source: &str,
    at: &str,
    log: bool,
    fail_after: Option<usize>,
    progress: &dyn Fn(f64),
) -> Result<ImportReport> {
    let e = StoreError::from_idb;
    let tx = db
        .transaction(WRITE_STORES)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(e)?;
    let snapshot = Snapshot::read(&tx, &|_| {}).await?;
    let mut merged = snapshot
        .catalogue_in_slices(|| breathe(&tx), &|_| {})
        .await?;

    // Only records the file carries can change: the others are not even looked at. Each is
    // merged with the stored one, previewed, and written if its row changed.
    let mut w = Writing {
        total: incoming.centres.len() + incoming.prototypes.len() + incoming.ratings.len(),
        done: 0,
        items: Vec::new(),
        touched: Vec::new(),
        attempted: 0,
        slices: Slices::new(),
        fail_after,
        progress,
    };
    use crate::exchange::EntityKind;
    w.records(
        &tx,
        CENTRES,
        EntityKind::Centre,
        &mut merged.centres,
        incoming.centres,
        &snapshot.centres,
        centre_fields,
    )
    .await?;
    w.records(
        &tx,
        PROTOTYPES,
        EntityKind::Prototype,
        &mut merged.prototypes,
        incoming.prototypes,
        &snapshot.prototypes,
        prototype_fields,
    )
    .await?;
    w.records(
        &tx,
        RATINGS,
        EntityKind::Rating,
        &mut merged.ratings,
        incoming.ratings,
        &snapshot.ratings,
        rating_fields,
    )
    .await?;
    let Writing {
        items,
        touched,
        attempted,
        ..
    } = w;
    let preview = Preview { items };
    if log {
        let count = |o| preview.count(o) as u32;
        use crate::exchange::Outcome::*;
        let entry = ImportEntry {
            at: at.to_owned(),
            source: source.to_owned(),
            added: count(Added),
            updated: count(Updated),
            conflicts: count(Conflict),
            unchanged: count(Unchanged),
            ignored: count(IgnoredOlder),
            undone: false,
        };
        let log_key: u32 = tx
            .object_store(IMPORTS)
            .map_err(e)?
            .add(&entry)
            .with_key_type::<u32>()
            .serde()
            .map_err(e)?
            .await
            .map_err(e)?;
        let undo = undo_text(log_key, &touched, || breathe(&tx)).await?;
        // Letting go of tens of thousands of records takes a while: in a turn of its own.
        drop(touched);
        breathe(&tx).await?;
        tx.object_store(UNDO)
            .map_err(e)?
            .put(undo)
            .with_key(LAST_IMPORT.to_owned())
            .primitive()
            .map_err(e)?
            .await
            .map_err(e)?;
    }
    progress(1.0);
    commit(tx, attempted + attempted / 4).await?;
    notify(&Heard::Everything);
    Ok(ImportReport {
        preview,
        catalogue: merged,
    })
}

/// Undoes the last import exactly, in one transaction. Refuses (changing nothing) when there is
/// none, or when a record it wrote was changed since: undoing would then lose that change.
pub async fn undo_last_import(db: &Database) -> Result<Catalogue> {
    let e = StoreError::from_idb;
    let tx = db
        .transaction(WRITE_STORES)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(e)?;
    let undo_store = tx.object_store(UNDO).map_err(e)?;
    let undo: Option<StoredUndo> = undo_store
        .get(LAST_IMPORT.to_owned())
        .serde()
        .map_err(e)?
        .await
        .map_err(StoreError::from_read)?;
    let Some(undo) = undo else {
        return Err(StoreError::new("Il n'y a pas d'import à annuler."));
    };
    let undo = undo.snapshot()?;
    for t in &undo.touched {
        let store = tx.object_store(&t.store).map_err(e)?;
        let now: Option<Row> = store
            .get(t.id.clone())
            .serde()
            .map_err(e)?
            .await
            .map_err(StoreError::from_read)?;
        if !t.unchanged(now.as_ref()) {
            return Err(StoreError::new(
                "Des modifications ont été faites depuis cet import : il ne peut plus être annulé \
                 sans les perdre. Rien n'a été modifié.",
            ));
        }
    }
    for t in &undo.touched {
        let store = tx.object_store(&t.store).map_err(e)?;
        match &t.before {
            Some(row) => {
                store
                    .put(&row.stored())
                    .with_key(t.id.clone())
                    .serde()
                    .map_err(e)?
                    .await
                    .map_err(e)?;
            }
            None => store
                .delete(t.id.clone())
                .primitive()
                .map_err(e)?
                .await
                .map_err(e)?,
        }
    }
    let imports = tx.object_store(IMPORTS).map_err(e)?;
    let entry: Option<ImportEntry> = imports
        .get(undo.log_key)
        .serde()
        .map_err(e)?
        .await
        .map_err(StoreError::from_read)?;
    if let Some(mut entry) = entry {
        entry.undone = true;
        imports
            .put(&entry)
            .with_key(undo.log_key)
            .serde()
            .map_err(e)?
            .await
            .map_err(e)?;
    }
    undo_store
        .delete(LAST_IMPORT.to_owned())
        .primitive()
        .map_err(e)?
        .await
        .map_err(e)?;
    let catalogue = Snapshot::read(&tx, &|_| {})
        .await?
        .catalogue_in_slices(|| breathe(&tx), &|_| {})
        .await?;
    let attempted = undo
        .touched
        .iter()
        .filter_map(|t| t.before.as_ref())
        .map(|r| r.json.len())
        .sum();
    commit(tx, attempted).await?;
    notify(&Heard::Everything);
    Ok(catalogue)
}

/// True when there is an import that [`undo_last_import`] can try to undo.
pub async fn can_undo(db: &Database) -> Result<bool> {
    let e = StoreError::from_idb;
    let tx = db.transaction(UNDO).build().map_err(e)?;
    let store = tx.object_store(UNDO).map_err(e)?;
    let n: u32 = store.count().primitive().map_err(e)?.await.map_err(e)?;
    Ok(n > 0)
}

/// The import log, oldest first.
pub async fn import_log(db: &Database) -> Result<Vec<ImportEntry>> {
    let e = StoreError::from_idb;
    let tx = db.transaction(IMPORTS).build().map_err(e)?;
    let store = tx.object_store(IMPORTS).map_err(e)?;
    store
        .get_all()
        .serde()
        .map_err(e)?
        .await
        .map_err(StoreError::from_read)?
        .collect::<std::result::Result<_, _>>()
        .map_err(StoreError::from_read)
}

/// Asks the browser to keep this site's data even under storage pressure. `Some(granted)`, or
/// `None` where the browser has no such API.
pub async fn request_persistence() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let promise = storage.persist().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .as_bool()
}

//! Undoing the last import exactly. The import keeps, in its own transaction, each touched
//! record's previous row and a fingerprint of the row it wrote ([`Touched`]), as one JSON text
//! written in slices ([`keep`]: tens of thousands of JavaScript objects would block the page;
//! snapshots kept as objects by earlier versions are still read). [`undo_last_import`] puts the
//! previous rows back, and refuses, changing nothing, if a record changed since.

use super::aside::Loaded;
use super::channel::{notify, Heard};
use super::error::{Result, StoreError};
use super::import::ImportEntry;
use super::load::Snapshot;
use super::row::Row;
use super::schema::{IMPORTS, UNDO, WRITE_STORES};
use super::tx::{answer, read_back, Tx};
use crate::slicing::Slices;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use serde::{Deserialize, Serialize};

/// Key of the only entry of the `undo` store.
const LAST_IMPORT: &str = "dernier-import";

/// A record touched by the last import: what it was before (None: absent), and a fingerprint
/// of what the import wrote, enough to tell whether it changed since. (Snapshots written before
/// fingerprints held the whole row in `after`; they are still read.)
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Touched {
    store: String,
    id: String,
    before: Option<Row>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<Row>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    written: Option<String>,
}

impl Touched {
    /// Record `id` of `store`, which was `before` and that the import now writes as `row`.
    pub(super) fn new(store: &str, id: &str, before: Option<&Row>, row: &Row) -> Self {
        Touched {
            store: store.to_owned(),
            id: id.to_owned(),
            before: before.cloned(),
            after: None,
            written: Some(row.fingerprint()),
        }
    }

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

/// Writes, inside the import's transaction `tx`, what undoing the import logged as `log_key`
/// needs: the records it `touched`.
pub(super) async fn keep(tx: &Tx<'_>, log_key: u32, touched: Vec<Touched>) -> Result<()> {
    let undo = undo_text(log_key, &touched, || tx.breathe()).await?;
    // Letting go of tens of thousands of records takes a while: in a turn of its own.
    drop(touched);
    tx.breathe().await?;
    answer(
        tx.store(UNDO)?
            .put(undo)
            .with_key(LAST_IMPORT.to_owned())
            .primitive(),
    )
    .await?;
    Ok(())
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
            StoredUndo::Text(text) => {
                serde_json::from_slice(text.as_bytes()).map_err(|_| StoreError::undo_unreadable())
            }
        }
    }
}

/// Undoes the last import exactly, in one transaction. Refuses (changing nothing) when there is
/// none, or when a record it wrote was changed since: undoing would then lose that change.
/// It gives the catalogue as [`load`](super::load) would read it now, with the rows set aside.
pub async fn undo_last_import(db: &Database) -> Result<Loaded> {
    let vouched = super::settings::vouches(db).await?.0.into_keys().collect();
    let tx = Tx::writing(db, WRITE_STORES)?;
    let undo_store = tx.store(UNDO)?;
    let undo: Option<StoredUndo> =
        read_back(undo_store.get(LAST_IMPORT.to_owned()).serde()).await?;
    let Some(undo) = undo else {
        return Err(StoreError::nothing_to_undo());
    };
    let undo = undo.snapshot()?;
    for t in &undo.touched {
        let now: Option<Row> = read_back(tx.store(&t.store)?.get(t.id.clone()).serde()).await?;
        if !t.unchanged(now.as_ref()) {
            return Err(StoreError::changed_since_import());
        }
    }
    for t in &undo.touched {
        let store = tx.store(&t.store)?;
        match &t.before {
            Some(row) => {
                answer(store.put(&row.stored()).with_key(t.id.clone()).serde()).await?;
            }
            None => answer(store.delete(t.id.clone()).primitive()).await?,
        }
    }
    let imports = tx.store(IMPORTS)?;
    let entry: Option<ImportEntry> = read_back(imports.get(undo.log_key).serde()).await?;
    if let Some(mut entry) = entry {
        entry.undone = true;
        answer(imports.put(&entry).with_key(undo.log_key).serde()).await?;
    }
    answer(undo_store.delete(LAST_IMPORT.to_owned()).primitive()).await?;
    let mut loaded = Snapshot::read(&tx, &|_| {})
        .await?
        .catalogue_within(&tx)
        .await?;
    loaded.catalogue.vouched = vouched;
    let attempted = undo
        .touched
        .iter()
        .filter_map(|t| t.before.as_ref())
        .map(|r| r.json.len())
        .sum();
    tx.commit(attempted).await?;
    notify(&Heard::Everything);
    Ok(loaded)
}

/// True when there is an import that [`undo_last_import`] can try to undo.
pub async fn can_undo(db: &Database) -> Result<bool> {
    let tx = Tx::reading(db, UNDO)?;
    let n: u32 = answer(tx.store(UNDO)?.count().primitive()).await?;
    Ok(n > 0)
}

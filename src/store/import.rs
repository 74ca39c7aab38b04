//! Importing a catalogue (a file, or the one shipped with the app): its records are merged
//! with what is stored and previewed, the merged catalogue is checked against the rules a stored
//! catalogue must meet (`exchange::check_merged`: what import writes, the app reads back), and
//! only then written, in **one readwrite transaction** (an error drops the transaction, which
//! aborts it); the import is logged ([`ImportEntry`]) with what undoing it needs (`undo::keep`)
//! in the same transaction.
//!
//! Requests go out without waiting for each one, and only one request a slice is awaited: the
//! previous slice's last write, so the browser writes while the next slice is prepared.
//!
//! A record whose stored row is set aside (see `aside`) is left as it is: the file's version of
//! it is not written, since merging with an unreadable row is impossible and writing over it
//! would lose it. [`ImportReport::held_aside`] counts them.

use super::aside::{Aside, Loaded};
use super::channel::{notify, Heard};
use super::error::{Result, StoreError};
use super::load::Snapshot;
use super::row::{centre_fields, prototype_fields, rating_fields, Fields, Row};
use super::schema::{CENTRES, IMPORTS, PROTOTYPES, RATINGS, WRITE_STORES};
use super::tx::{answer, read_back, Tx};
use super::undo::{self, Touched};
use crate::exchange::{
    check_merged, merge_records, outcome, Admission, Admitted, EntityKind, Limits, NetworkKeys,
    Outcome, Preview, PreviewItem,
};
use crate::model::{Catalogue, Record};
use crate::slicing::Slices;
use indexed_db_futures::database::Database;
use indexed_db_futures::future::BasicRequest;
use indexed_db_futures::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// What an import did.
#[derive(Clone, Debug)]
pub struct ImportReport {
    /// What happened to each record of the file, but those [`held_aside`](Self::held_aside).
    pub preview: Preview,
    /// The catalogue as stored after the import, as [`load`](super::load) would read it.
    pub catalogue: Catalogue,
    /// The rows set aside to read it.
    pub aside: Aside,
    /// Records of the file left unwritten because the stored row of their id is set aside.
    pub held_aside: usize,
    /// What the ownership and key rules let in and kept out (`exchange::admit`), applied to what
    /// was stored when the import was written.
    pub admission: Admission,
}

/// Merges `incoming` into the stored catalogue in **one transaction**: the whole import is written
/// or none of it. What is needed to undo it exactly is written in the same transaction. With
/// `log == false` (seeding the catalogue shipped with the app) no log entry or undo is kept.
///
/// The work is done in slices of about [`SLICE_MS`](crate::slicing::SLICE_MS): between two
/// slices the page handles input and paints, while a pending request keeps the transaction
/// open. `progress` hears the share done (0 to 1) after each slice.
///
/// `incoming` went through `exchange::admit` (its signatures checked) against the catalogue the
/// preview showed; the rules are applied again inside the transaction, to what is stored then.
pub async fn import(
    db: &Database,
    incoming: Admitted,
    network: &NetworkKeys,
    source: &str,
    at: &str,
    progress: &dyn Fn(f64),
) -> Result<ImportReport> {
    import_inner(db, incoming, network, source, at, true, None, progress).await
}

/// Seeds or refreshes from the catalogue shipped with the app, through the same rules and merge
/// as a file.
pub async fn import_seed(
    db: &Database,
    seed: Admitted,
    network: &NetworkKeys,
    at: &str,
) -> Result<ImportReport> {
    import_inner(
        db,
        seed,
        network,
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
    incoming: Admitted,
    n: usize,
) -> Result<ImportReport> {
    import_inner(
        db,
        incoming,
        &NetworkKeys::default(),
        "test",
        "2026-01-01T00:00:00Z",
        true,
        Some(n),
        &|_| {},
    )
    .await
}

/// The import log, oldest first.
pub async fn import_log(db: &Database) -> Result<Vec<ImportEntry>> {
    let tx = Tx::reading(db, IMPORTS)?;
    read_back(tx.store(IMPORTS)?.get_all().serde())
        .await?
        .collect::<std::result::Result<_, _>>()
        .map_err(StoreError::from_read)
}

/// A row to write once the merged catalogue has passed the check.
struct Pending {
    store: &'static str,
    id: String,
    row: Row,
}

/// An import's progress through the records of a file.
struct Writing<'p> {
    total: usize,
    done: usize,
    items: Vec<PreviewItem>,
    pending: Vec<Pending>,
    /// The merged catalogue's records' compact forms, added up (for the size rule).
    bytes: i128,
    touched: Vec<Touched>,
    attempted: usize,
    slices: Slices,
    fail_after: Option<usize>,
    progress: &'p dyn Fn(f64),
    /// The records the file replaces rather than merges with.
    replaces: std::collections::BTreeSet<(EntityKind, String)>,
}

impl Writing<'_> {
    /// Merges and previews the records of one store, giving the page a turn every
    /// [`SLICE_MS`](crate::slicing::SLICE_MS): `current` becomes the merged records, and the rows
    /// that changed wait in `pending` until the whole merged catalogue has been checked.
    #[allow(clippy::too_many_arguments)]
    async fn merge<T: Serialize + Clone + PartialEq>(
        &mut self,
        tx: &Tx<'_>,
        store_name: &'static str,
        kind: EntityKind,
        current: &mut BTreeMap<String, Record<T>>,
        incoming: &BTreeMap<String, Record<T>>,
        before: &BTreeMap<String, Row>,
        fields: Fields<T>,
    ) -> Result<()> {
        for (id, record) in incoming {
            if self.slices.due() {
                let share = 0.5 * self.done as f64 / self.total.max(1) as f64;
                self.turn(tx, None, share).await?;
            }
            self.done += 1;
            // A record the file replaces is merged with nothing (`exchange::Admitted::replaces`):
            // its owner's signed work takes the place of what was stored.
            let replaced = self.replaces.contains(&(kind, id.clone()));
            let existing = current.get(id).filter(|_| !replaced);
            self.items.push(PreviewItem {
                kind,
                id: id.clone(),
                outcome: if replaced {
                    Outcome::Updated
                } else {
                    outcome(existing, record)
                },
            });
            let merged = match existing {
                // The very record already stored: nothing to merge or write.
                Some(existing) if existing == record => continue,
                Some(existing) => merge_records(existing, record),
                None => record.clone(),
            };
            let row = Row::of(id, &merged, fields);
            let previous = before.get(id);
            if previous != Some(&row) {
                self.bytes += row.json.len() as i128;
                self.bytes -= previous.map_or(0, |p| p.json.len() as i128);
                self.pending.push(Pending {
                    store: store_name,
                    id: id.clone(),
                    row,
                });
            }
            current.insert(id.clone(), merged);
        }
        Ok(())
    }

    /// Writes the pending rows, giving the page a turn every
    /// [`SLICE_MS`](crate::slicing::SLICE_MS).
    async fn write(&mut self, tx: &Tx<'_>, snapshot: &Snapshot) -> Result<()> {
        // The last write of the previous slice. Requests are answered in order, so waiting for
        // the newest one would wait for the browser to finish every write so far; waiting for
        // this one instead lets it write the current slice while the next one is prepared.
        let mut marker: Option<BasicRequest<String>> = None;
        let pending = std::mem::take(&mut self.pending);
        let total = pending.len().max(1);
        for (done, Pending { store, id, row }) in pending.into_iter().enumerate() {
            if self.fail_after.is_some_and(|n| self.touched.len() >= n) {
                // Returning drops the transaction, which aborts it: nothing written above
                // survives.
                return Err(StoreError::import_interrupted());
            }
            let before = match store {
                CENTRES => &snapshot.centres,
                PROTOTYPES => &snapshot.prototypes,
                _ => &snapshot.ratings,
            };
            // Requests go out when built; a failed one aborts the transaction, which the commit
            // reports. Only one request a slice is waited for.
            let request = tx
                .store(store)?
                .put(&row.stored())
                .with_key(id.clone())
                .serde()
                .map_err(StoreError::from_idb)?;
            self.attempted += row.json.len();
            self.touched
                .push(Touched::new(store, &id, before.get(&id), &row));
            if self.slices.due() {
                let share = 0.5 + 0.5 * done as f64 / total as f64;
                self.turn(tx, marker.replace(request), share).await?;
            }
        }
        Ok(())
    }

    /// Gives the page its turn, waiting for the previous slice's last write (`marker`), or, when
    /// there is none, for a small request; then says how far the import is (`share`: merging is
    /// the first half, writing the second) and starts a new slice.
    async fn turn(
        &mut self,
        tx: &Tx<'_>,
        marker: Option<BasicRequest<String>>,
        share: f64,
    ) -> Result<()> {
        match marker {
            Some(previous) => drop(previous.await.map_err(StoreError::from_idb)?),
            None => tx.breathe().await?,
        }
        (self.progress)(share);
        self.slices.restart();
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
async fn import_inner(
    db: &Database,
    incoming: Admitted,
    network: &NetworkKeys,
    source: &str,
    at: &str,
    log: bool,
    fail_after: Option<usize>,
    progress: &dyn Fn(f64),
) -> Result<ImportReport> {
    let vouched = super::settings::vouches(db).await?.0.into_keys().collect();
    let tx = Tx::writing(db, WRITE_STORES)?;
    let snapshot = Snapshot::read(&tx, &|_| {}).await?;
    let Loaded {
        catalogue: mut merged,
        aside,
    } = snapshot.catalogue_within(&tx).await?;
    merged.vouched = vouched;
    // The ownership and key rules, against what is stored now.
    let admitted = incoming.again(&merged, network);
    let admission = admitted.admission.clone();
    let replaces = admitted.replaced();
    let mut incoming = admitted.into_catalogue();
    // The file's records whose stored row is set aside are left out, before anything else.
    let before = incoming.centres.len() + incoming.prototypes.len() + incoming.ratings.len();
    if !aside.is_empty() {
        incoming.centres.retain(|id, _| !aside.holds(CENTRES, id));
        incoming
            .prototypes
            .retain(|id, _| !aside.holds(PROTOTYPES, id));
        incoming.ratings.retain(|id, _| !aside.holds(RATINGS, id));
    }
    let total = incoming.centres.len() + incoming.prototypes.len() + incoming.ratings.len();
    let held_aside = before - total;

    // Only records the file carries can change: the others are not even looked at. Each is
    // merged with the stored one and previewed; the rows that changed are written only once the
    // merged catalogue has passed the rules a stored catalogue must meet
    // (`exchange::check_merged`, the same as `exchange::merge_checked`, the law model).
    let mut w = Writing {
        total,
        done: 0,
        items: Vec::new(),
        pending: Vec::new(),
        bytes: snapshot.record_bytes() as i128,
        touched: Vec::new(),
        attempted: 0,
        slices: Slices::new(),
        fail_after,
        progress,
        replaces,
    };
    w.merge(
        &tx,
        CENTRES,
        EntityKind::Centre,
        &mut merged.centres,
        &incoming.centres,
        &snapshot.centres,
        centre_fields,
    )
    .await?;
    w.merge(
        &tx,
        PROTOTYPES,
        EntityKind::Prototype,
        &mut merged.prototypes,
        &incoming.prototypes,
        &snapshot.prototypes,
        prototype_fields,
    )
    .await?;
    w.merge(
        &tx,
        RATINGS,
        EntityKind::Rating,
        &mut merged.ratings,
        &incoming.ratings,
        &snapshot.ratings,
        rating_fields,
    )
    .await?;
    // Refused: returning drops the transaction, which aborts it; nothing was written.
    check_merged(
        &merged,
        &incoming,
        w.bytes.max(0) as usize,
        &Limits::default(),
    )
    .map_err(|problems| StoreError::refused_import(&problems))?;
    w.write(&tx, &snapshot).await?;
    let Writing {
        items,
        touched,
        attempted,
        ..
    } = w;
    let preview = Preview { items };
    if log {
        let count = |o| preview.count(o) as u32;
        use Outcome::*;
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
        let log_key: u32 = answer(
            tx.store(IMPORTS)?
                .add(&entry)
                .with_key_type::<u32>()
                .serde(),
        )
        .await?;
        undo::keep(&tx, log_key, touched).await?;
    }
    let loaded = if aside.is_empty() {
        Loaded {
            catalogue: merged,
            aside,
        }
    } else {
        // With rows set aside, the catalogue is given as the next load will read it (rare
        // enough to be read again).
        let vouched = std::mem::take(&mut merged.vouched);
        drop(merged);
        let mut loaded = Snapshot::read(&tx, &|_| {})
            .await?
            .catalogue_within(&tx)
            .await?;
        loaded.catalogue.vouched = vouched;
        loaded
    };
    progress(1.0);
    tx.commit(attempted + attempted / 4).await?;
    notify(&Heard::Everything);
    Ok(ImportReport {
        preview,
        catalogue: loaded.catalogue,
        aside: loaded.aside,
        held_aside,
        admission,
    })
}

//! Reading the stored catalogue back: every key of each store first, then its rows in batches of
//! [`BATCH`], asked for a few batches ahead ([`AHEAD`]) so that the browser reads while Rust
//! turns the previous batch into values; then the rows are put back into one document a slice at
//! a time (`exchange::Assembly`) and sent through the door (`exchange::Reading`), like any file.
//! [`Snapshot`] is also how an import or an undo sees what is stored, inside its transaction.

use super::error::{Result, StoreError};
use super::row::Row;
use super::schema::{CATALOGUE_STORES, CENTRES, PROTOTYPES, RATINGS};
use super::tx::{answer, Tx};
use crate::exchange::{Assembly, Limits, Reading};
use crate::model::Catalogue;
use crate::slicing::{page_turn, Slices};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyRange;
use std::collections::BTreeMap;

/// Rows read per request: each batch becomes Rust values in its own turn of the page.
const BATCH: usize = 1000;
/// Batches asked for ahead of the one being read: the browser reads them meanwhile, and no more
/// than these wait in memory.
const AHEAD: usize = 4;

/// About the share of loading spent reading rows (the rest goes to the door), as measured at
/// 20,000 prototypes: it keeps a progress bar moving at an even pace.
const ROWS_SHARE: f64 = 0.45;

/// The whole catalogue, read in one transaction (a consistent snapshot, also what export uses).
pub async fn load(db: &Database) -> Result<Catalogue> {
    load_with_progress(db, &|_| {}).await
}

/// [`load`], telling `progress` the share done: reading the rows is the first [`ROWS_SHARE`],
/// reading them through the door the rest.
pub async fn load_with_progress(db: &Database, progress: &dyn Fn(f64)) -> Result<Catalogue> {
    let tx = Tx::reading(db, CATALOGUE_STORES)?;
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

/// Every key of `store`, in key order.
async fn keys(tx: &Tx<'_>, store: &str) -> Result<Vec<String>> {
    answer(tx.store(store)?.get_all_keys().primitive())
        .await?
        .collect::<std::result::Result<_, _>>()
        .map_err(StoreError::from_idb)
}

/// Every row of `store`, keyed by id, read inside `tx` a batch at a time: given all its `keys`
/// (from [`keys`]), each batch's range is asked for a few batches ahead of the one becoming Rust
/// values. `read` hears how many rows each batch brought.
async fn rows(
    tx: &Tx<'_>,
    store: &str,
    keys: &[String],
    read: &dyn Fn(usize),
) -> Result<BTreeMap<String, Row>> {
    let store = tx.store(store)?;
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
            .map_err(StoreError::from_idb)
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
            return Err(StoreError::changed_while_read());
        }
        rows.extend(batch.iter().cloned().zip(values));
        read(batch.len());
    }
}

/// The rows of the catalogue's stores, as one transaction saw them.
pub(super) struct Snapshot {
    pub(super) centres: BTreeMap<String, Row>,
    pub(super) prototypes: BTreeMap<String, Row>,
    pub(super) ratings: BTreeMap<String, Row>,
}

impl Snapshot {
    /// All stored records; `progress` hears the share of them read so far.
    pub(super) async fn read(tx: &Tx<'_>, progress: &dyn Fn(f64)) -> Result<Self> {
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

    /// The stored records' compact forms, added up (what `exchange::check_merged` counts).
    pub(super) fn record_bytes(&self) -> usize {
        [&self.centres, &self.prototypes, &self.ratings]
            .iter()
            .flat_map(|rows| rows.values())
            .map(|r| r.json.len())
            .sum()
    }

    /// The stored records read back through the door inside `tx`, which stays open between
    /// slices.
    pub(super) async fn catalogue_within(&self, tx: &Tx<'_>) -> Result<Catalogue> {
        self.catalogue_in_slices(|| tx.breathe(), &|_| {}).await
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
        reading
            .finish()
            .map(|d| d.catalogue)
            .map_err(StoreError::unreadable)
    }
}

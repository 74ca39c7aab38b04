//! Reading the stored catalogue back: every key of each store first, then its rows in batches of
//! [`BATCH`], asked for a few batches ahead ([`AHEAD`]) so that the browser reads while Rust
//! turns the previous batch into values; then the rows are put back into one document a slice at
//! a time (`exchange::Assembly`) and sent through the door (`exchange::Reading`), like any file.
//! [`Snapshot`] is also how an import or an undo sees what is stored, inside its transaction.
//!
//! Start-up never fails as a whole because of what is stored: rows that cannot be read back are
//! set aside (`aside`) and the rest is read again. A row not even in the form of a row is set
//! aside as it is read; when the door refuses the document, each row is first read on its own
//! (one that is not one record, or not the record its key names, would shift the entries after
//! it, and the paths of the door's problems with them), then the rows the door's problems point
//! at are set aside, round after round: a report on a prototype set aside is refused in turn.
//! Each round sets aside at least one row, or ends with the door's message. Those rounds
//! (`set_aside`) are rare, and in release builds a chunk of their own (see [`set_aside_rows`]).

use super::aside::{entry_of, Aside, Loaded};
use super::error::{reason, Result, StoreError};
use super::row::Row;
use super::schema::{CATALOGUE_STORES, CENTRES, PROTOTYPES, RATINGS};
use super::tx::{answer, Tx};
use crate::exchange::{
    read_centre_record, read_prototype_record, read_rating_record, Assembly, Limits, Problem,
    Problems, Reading,
};
use crate::model::Catalogue;
use crate::slicing::{page_turn, Slices};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::{DeserialiseFromJs, KeyRange};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsValue;

/// Rows read per request: each batch becomes Rust values in its own turn of the page.
const BATCH: usize = 1000;
/// Batches asked for ahead of the one being read: the browser reads them meanwhile, and no more
/// than these wait in memory.
const AHEAD: usize = 4;

/// About the share of loading spent reading rows (the rest goes to the door), as measured at
/// 20,000 prototypes: it keeps a progress bar moving at an even pace.
const ROWS_SHARE: f64 = 0.45;

/// The whole catalogue, read in one transaction (a consistent snapshot, also what export uses),
/// with the rows set aside to read it.
pub async fn load(db: &Database) -> Result<Loaded> {
    load_with_progress(db, &|_| {}).await
}

/// [`load`], telling `progress` the share done: reading the rows is the first [`ROWS_SHARE`],
/// reading them through the door the rest.
pub async fn load_with_progress(db: &Database, progress: &dyn Fn(f64)) -> Result<Loaded> {
    let vouched = super::settings::vouches(db).await?.0.into_keys().collect();
    let mut loaded = read_with_progress(db, progress).await?;
    loaded.catalogue.vouched = vouched;
    Ok(loaded)
}

async fn read_with_progress(db: &Database, progress: &dyn Fn(f64)) -> Result<Loaded> {
    let tx = Tx::reading(db, CATALOGUE_STORES)?;
    let snapshot = Snapshot::read(&tx, &|done| progress(ROWS_SHARE * done)).await?;
    // The rows are a consistent snapshot; reading them back needs no transaction.
    drop(tx);
    let mut pause = || {
        Box::pin(async {
            page_turn().await;
            Ok(())
        }) as Pin<Box<dyn Future<Output = _>>>
    };
    let progress = |done| progress(ROWS_SHARE + (1.0 - ROWS_SHARE) * done);
    if let Some(loaded) = snapshot.read_back(&mut pause, &progress).await? {
        return Ok(loaded);
    }
    let setting_aside = set_aside_rows(&snapshot, &mut pause);
    #[cfg(feature = "split")]
    let setting_aside = setting_aside.await;
    let loaded = setting_aside?.await;
    loaded
}

/// Setting rows aside, once the first reading did not give exactly the rows' records.
type SettingAside<'a> = Pin<Box<dyn Future<Output = Result<Loaded>> + 'a>>;

/// [`set_aside`], outside a transaction. With the `split` feature (release builds) it is a wasm
/// chunk of its own, fetched only when stored rows cannot all be read back (rare): every other
/// start neither downloads nor compiles it. The split point makes this function `async`, and a
/// failed download its `Err` (`StoreError::set_aside_unavailable`). Inside a transaction
/// ([`Snapshot::catalogue_within`]), which would close while a chunk is downloaded, the import's
/// and undo's own chunks call [`set_aside`] directly.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(set_aside_rows, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn set_aside_rows<'a, 'p>(
    snapshot: &'a Snapshot,
    pause: &'a mut Pause<'p>,
) -> Result<SettingAside<'a>> {
    Ok(Box::pin(set_aside(snapshot, pause)))
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
/// values. `read` hears how many rows each batch brought. A value not in the form of a row is
/// set aside into `aside`, as it is.
async fn rows(
    tx: &Tx<'_>,
    store_name: &'static str,
    keys: &[String],
    read: &dyn Fn(usize),
    aside: &mut Aside,
) -> Result<BTreeMap<String, Row>> {
    let store = tx.store(store_name)?;
    let ask = |batch: &[String]| {
        let range = KeyRange::Bound(
            batch[0].clone(),
            false,
            batch[batch.len() - 1].clone(),
            false,
        );
        store
            .get_all::<JsValue>()
            .with_query::<String, _>(range)
            .primitive()
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
        let values: Vec<JsValue> = request
            .await
            .map_err(StoreError::from_read)?
            .collect::<std::result::Result<_, _>>()
            .map_err(StoreError::from_read)?;
        // One transaction sees one state of the store: each range holds exactly its keys.
        if values.len() != batch.len() {
            return Err(StoreError::changed_while_read());
        }
        for (key, value) in batch.iter().zip(values) {
            match Row::deserialise_from_js(value.clone()) {
                Ok(row) => {
                    rows.insert(key.clone(), row);
                }
                Err(_) => aside.put_raw(store_name, key, &value),
            }
        }
        read(batch.len());
    }
}

/// The rows of the catalogue's stores, as one transaction saw them.
pub(super) struct Snapshot {
    pub(super) centres: BTreeMap<String, Row>,
    pub(super) prototypes: BTreeMap<String, Row>,
    pub(super) ratings: BTreeMap<String, Row>,
    /// The values not in the form of a row (not in the maps above).
    unreadable: Aside,
}

/// The catalogue's stores, in the order of the document's lists.
const LISTS: [&str; 3] = [CENTRES, PROTOTYPES, RATINGS];

/// The id of a record of list `list`, read on its own through the door.
fn read_alone(list: usize, json: &str) -> std::result::Result<String, Problems> {
    match list {
        0 => read_centre_record(json).map(|(id, _)| id),
        1 => read_prototype_record(json).map(|(id, _)| id),
        _ => read_rating_record(json).map(|(id, _)| id),
    }
}

/// The rows of each list still being read, in key order: the door's `prototypes[3]` is
/// `kept[1][3]`.
type Kept<'s> = [Vec<(&'s String, &'s Row)>; 3];

/// What is called between slices: one type for every caller, so that the reading below is
/// compiled once (it weighs on the first download).
type Pause<'p> = dyn FnMut() -> Pin<Box<dyn Future<Output = Result<()>> + 'p>> + 'p;

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
        let mut unreadable = Aside::default();
        Ok(Snapshot {
            centres: rows(tx, CENTRES, centres, &read, &mut unreadable).await?,
            prototypes: rows(tx, PROTOTYPES, prototypes, &read, &mut unreadable).await?,
            ratings: rows(tx, RATINGS, ratings, &read, &mut unreadable).await?,
            unreadable,
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
    pub(super) async fn catalogue_within(&self, tx: &Tx<'_>) -> Result<Loaded> {
        let mut pause = || Box::pin(tx.breathe()) as Pin<Box<dyn Future<Output = _>>>;
        match self.read_back(&mut pause, &|_| {}).await? {
            Some(loaded) => Ok(loaded),
            None => set_aside(self, &mut pause).await,
        }
    }

    /// The stored records read back through the door, a slice at a time, calling `pause`
    /// between slices (inside a transaction, a small request that keeps it open; outside, a
    /// turn of the page); `progress` hears the share done. `None` when the door refuses them, or
    /// when they are not exactly the rows' records: then rows are to be set aside
    /// ([`set_aside`], see the module doc).
    async fn read_back(
        &self,
        pause: &mut Pause<'_>,
        progress: &dyn Fn(f64),
    ) -> Result<Option<Loaded>> {
        let kept = self.kept();
        Ok(match door(&kept, pause, progress).await? {
            Ok(catalogue) if same_records(&catalogue, &kept) => {
                let mut aside = self.unreadable.clone();
                aside.sort();
                Some(Loaded { catalogue, aside })
            }
            _ => None,
        })
    }

    /// Every row, in key order, as the door's lists hold them.
    fn kept(&self) -> Kept<'_> {
        [&self.centres, &self.prototypes, &self.ratings].map(|rows| rows.iter().collect())
    }
}

/// The stored records of `snapshot` read back through the door (calling `pause` between
/// slices), once the first reading did not give exactly the rows' records: each row is read on
/// its own, then the rows the door's problems name are set aside, round after round (see the
/// module doc).
async fn set_aside(snapshot: &Snapshot, pause: &mut Pause<'_>) -> Result<Loaded> {
    let mut aside = snapshot.unreadable.clone();
    let mut kept = snapshot.kept();
    set_aside_alone(&mut kept, &mut aside, pause).await?;
    loop {
        let problems = match door(&kept, pause, &|_| {}).await? {
            Ok(catalogue) => {
                aside.sort();
                return Ok(Loaded { catalogue, aside });
            }
            Err(problems) => problems,
        };
        // Every row left is one record under its own key: the paths name them.
        let mut said: [Vec<Vec<Problem>>; 3] = [0, 1, 2].map(|l| vec![Vec::new(); kept[l].len()]);
        let mut named = false;
        for (list, index, what) in problems.list.iter().filter_map(entry_of) {
            if let Some(said) = said[list].get_mut(index) {
                said.push(what);
                named = true;
            }
        }
        if !named {
            return Err(StoreError::unreadable(problems));
        }
        for (list, said) in said.into_iter().enumerate() {
            let rows = std::mem::take(&mut kept[list]);
            for ((key, row), said) in rows.into_iter().zip(said) {
                if said.is_empty() {
                    kept[list].push((key, row));
                } else {
                    aside.put_row(LISTS[list], key, row, said);
                }
            }
        }
    }
}

/// The `kept` rows put back into one document and read through the door, a slice at a time.
async fn door(
    kept: &Kept<'_>,
    pause: &mut Pause<'_>,
    progress: &dyn Fn(f64),
) -> Result<std::result::Result<Catalogue, Problems>> {
    let bytes = kept.iter().flatten().map(|(_, r)| r.json.len() + 1).sum();
    let mut doc = Assembly::new(bytes);
    let mut slices = Slices::new();
    for rows in kept {
        doc.next_list();
        for (_, row) in rows {
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
    Ok(reading.finish().map(|d| d.catalogue))
}

/// True when `catalogue` holds exactly the records of the `kept` rows, each under its row's key:
/// then no row held something else than its record.
fn same_records(catalogue: &Catalogue, kept: &Kept) -> bool {
    let keys = |list: usize| kept[list].iter().map(|(key, _)| *key);
    catalogue.centres.keys().eq(keys(0))
        && catalogue.prototypes.keys().eq(keys(1))
        && catalogue.ratings.keys().eq(keys(2))
}

/// Reads each `kept` row on its own, setting aside the ones that are not one record, or not the
/// record their key names.
async fn set_aside_alone(
    kept: &mut Kept<'_>,
    aside: &mut Aside,
    pause: &mut Pause<'_>,
) -> Result<()> {
    let mut slices = Slices::new();
    for (list, rows) in kept.iter_mut().enumerate() {
        let mut readable = Vec::with_capacity(rows.len());
        for (key, row) in rows.drain(..) {
            match read_alone(list, &row.json) {
                Ok(id) if id == *key => readable.push((key, row)),
                Ok(id) => aside.put_row(LISTS[list], key, row, vec![reason::not_its_key(&id, key)]),
                Err(problems) => aside.put_row(LISTS[list], key, row, problems.list),
            }
            if slices.due() {
                pause().await?;
                slices.restart();
            }
        }
        *rows = readable;
    }
    Ok(())
}

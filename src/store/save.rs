//! Local edits. A [`Change`] is the new state of one record; [`save`] writes changes in one
//! transaction, each merged with what is stored (another tab may have written meanwhile), so
//! nothing is overwritten blindly, and announces the records it wrote to the other tabs, which
//! read just those back with [`read_announced`].

use super::channel::{notify, Heard};
use super::error::{Result, StoreError};
use super::row::{centre_fields, prototype_fields, rating_fields, Fields, Row};
use super::schema::{CATALOGUE_STORES, CENTRES, PROTOTYPES, RATINGS};
use super::tx::{answer, read_back, Tx};
use crate::exchange::{
    check_stored_record, merge_records, read_centre_record, read_prototype_record,
    read_rating_record, record_json, Problems,
};
use crate::model::{Catalogue, Centre, Prototype, Rating, Record};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use serde::Serialize;

/// A local change: the new state of one record (usually `exchange::with_edit` of the current one).
#[derive(Clone, Debug)]
pub enum Change {
    Centre(String, Record<Centre>),
    Prototype(String, Record<Prototype>),
    Rating(String, Record<Rating>),
}

/// Reads a stored record's text through the door.
type ReadRecord<T> = fn(&str) -> std::result::Result<(String, Record<T>), Problems>;

async fn save_one<T: Serialize + Clone>(
    tx: &Tx<'_>,
    store_name: &str,
    id: &str,
    record: &Record<T>,
    read: ReadRecord<T>,
    fields: Fields<T>,
    noun: &str,
) -> Result<Record<T>> {
    let store = tx.store(store_name)?;
    let existing: Option<Row> = read_back(store.get(id.to_owned()).serde()).await?;
    // Another tab may have written meanwhile: merge rather than overwrite, so nothing is lost.
    let merged = match existing {
        Some(row) => {
            let (_, stored) = read(&row.json).map_err(StoreError::unreadable_record)?;
            merge_records(&stored, record)
        }
        None => record.clone(),
    };
    // What the app writes, it must read back: the record is held to the stored rules first
    // (an error drops the transaction, so nothing of this save is written).
    check_stored_record(id, &merged, noun).map_err(|p| StoreError::refused_edit(&p))?;
    let row = Row::of(id, &merged, fields);
    answer(store.put(&row.stored()).with_key(id.to_owned()).serde()).await?;
    Ok(merged)
}

/// Saves local changes in one transaction and returns the records as stored (merged with any
/// concurrent change another tab made).
pub async fn save(db: &Database, changes: Vec<Change>) -> Result<Vec<Change>> {
    let tx = Tx::writing(db, CATALOGUE_STORES)?;
    let mut saved = Vec::with_capacity(changes.len());
    let mut attempted = 0;
    for change in changes {
        saved.push(match change {
            Change::Centre(id, r) => {
                attempted += record_json(&id, &r).len();
                let m = save_one(
                    &tx,
                    CENTRES,
                    &id,
                    &r,
                    read_centre_record,
                    centre_fields,
                    "le centre",
                )
                .await?;
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
                    "le prototype",
                )
                .await?;
                Change::Prototype(id, m)
            }
            Change::Rating(id, r) => {
                attempted += record_json(&id, &r).len();
                let m = save_one(
                    &tx,
                    RATINGS,
                    &id,
                    &r,
                    read_rating_record,
                    rating_fields,
                    "le rapport",
                )
                .await?;
                Change::Rating(id, m)
            }
        });
    }
    tx.commit(attempted).await?;
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
    let tx = Tx::reading(db, CATALOGUE_STORES)?;
    let mut changes = Vec::with_capacity(records.len());
    for (store_name, id) in records {
        if !CATALOGUE_STORES.contains(&store_name.as_str()) {
            return Ok(None);
        }
        let row: Option<Row> = read_back(tx.store(store_name)?.get(id.clone()).serde()).await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let unreadable = StoreError::unreadable_record;
        changes.push(match store_name.as_str() {
            CENTRES => {
                let (id, r) = read_centre_record(&row.json).map_err(unreadable)?;
                Change::Centre(id, r)
            }
            PROTOTYPES => {
                let (id, r) = read_prototype_record(&row.json).map_err(unreadable)?;
                Change::Prototype(id, r)
            }
            _ => {
                let (id, r) = read_rating_record(&row.json).map_err(unreadable)?;
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

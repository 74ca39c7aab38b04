//! IndexedDB, through indexed_db_futures. The only module that touches browser storage; `ui`
//! calls the async functions below and never sees an IndexedDB type.
//!
//! Schema version 1 (this foundation): a `settings` store of small key → text values. The
//! catalogue stores, migrations and atomic imports build on this (see ARCHITECTURE.md).

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use std::fmt;

/// Name of the app's database.
pub const DB_NAME: &str = "prototheque";
/// Current schema version.
pub const SCHEMA_VERSION: u32 = 1;
const SETTINGS: &str = "settings";

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
    /// Turns any IndexedDB failure into the French message shown to people.
    fn from_idb(e: impl fmt::Debug) -> Self {
        let detail = format!("{e:?}");
        let message = if detail.contains("QuotaExceeded") {
            "L'espace de stockage du navigateur est plein : rien n'a été enregistré. Libérez de la \
             place (exportez puis supprimez d'anciennes données) et réessayez."
                .to_owned()
        } else {
            format!("Le stockage du navigateur a refusé l'opération ; rien n'a été enregistré. ({detail})")
        };
        StoreError { message }
    }
}

/// Opens (creating or upgrading) the database named `name`.
pub async fn open(name: &str) -> Result<Database, StoreError> {
    let db = Database::open(name)
        .with_version(SCHEMA_VERSION)
        .with_on_upgrade_needed(|event, db| {
            let old = event.old_version() as u64;
            if old < 1 {
                db.create_object_store(SETTINGS).build()?;
            }
            Ok(())
        })
        .await
        .map_err(StoreError::from_idb)?;
    Ok(db)
}

/// Saves one setting.
pub async fn put_setting(db: &Database, key: &str, value: &str) -> Result<(), StoreError> {
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
    tx.commit().await.map_err(e)?;
    Ok(())
}

/// Reads one setting.
pub async fn get_setting(db: &Database, key: &str) -> Result<Option<String>, StoreError> {
    let e = StoreError::from_idb;
    let tx = db.transaction(SETTINGS).build().map_err(e)?;
    let store = tx.object_store(SETTINGS).map_err(e)?;
    let value: Option<String> = store
        .get(key.to_owned())
        .primitive()
        .map_err(e)?
        .await
        .map_err(e)?;
    Ok(value)
}

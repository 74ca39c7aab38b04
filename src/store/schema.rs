//! The database's schema: its name, version, object stores and indexes, and the migrations that
//! make them. Migrations run in `onupgradeneeded`, from any earlier version, each step only
//! adding what its version introduced, so any older database upgrades in place.

use super::error::{Result, StoreError};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;

/// Name of the app's database.
pub const DB_NAME: &str = "prototheque";
/// Current schema version. History: 1 = settings only; 2 = catalogue stores, import log, undo;
/// 3 = device keys; 4 = feed subscriptions and the refreshes « Nouveautés » lists.
pub const SCHEMA_VERSION: u32 = 4;

pub(super) const SETTINGS: &str = "settings";
pub(super) const CENTRES: &str = "centres";
pub(super) const PROTOTYPES: &str = "prototypes";
pub(super) const RATINGS: &str = "ratings";
/// The import log.
pub(super) const IMPORTS: &str = "imports";
/// What undoing the last import needs.
pub(super) const UNDO: &str = "undo";
/// This browser's signing keys, one per centre (`keys`).
pub(super) const DEVICE_KEYS: &str = "device_keys";
/// The feeds subscribed to, by address (`feeds`).
pub(super) const SUBSCRIPTIONS: &str = "abonnements";
/// The applied refreshes, oldest first (`feeds`).
pub(super) const REFRESHES: &str = "actualisations";
pub(super) const CATALOGUE_STORES: [&str; 3] = [CENTRES, PROTOTYPES, RATINGS];
/// What an import or an undo writes.
pub(super) const WRITE_STORES: [&str; 5] = [CENTRES, PROTOTYPES, RATINGS, IMPORTS, UNDO];

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
            if old < 3 {
                db.create_object_store(DEVICE_KEYS).build()?;
            }
            if old < 4 {
                db.create_object_store(SUBSCRIPTIONS).build()?;
                db.create_object_store(REFRESHES)
                    .with_auto_increment(true)
                    .build()?;
            }
            Ok(())
        })
        .await
        .map_err(StoreError::from_open)
}

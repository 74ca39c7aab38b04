//! Settings: a few texts kept by key ("Mon centre", which shipped catalogue was merged in), each
//! write announced to the other tabs.

use super::channel::{notify, Heard};
use super::error::Result;
use super::schema::SETTINGS;
use super::tx::{answer, Tx};
use crate::model::Vouches;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;

/// Saves one setting.
pub async fn put_setting(db: &Database, key: &str, value: &str) -> Result<()> {
    let tx = Tx::writing(db, SETTINGS)?;
    answer(
        tx.store(SETTINGS)?
            .put(value.to_owned())
            .with_key(key.to_owned())
            .primitive(),
    )
    .await?;
    tx.commit(key.len() + value.len()).await?;
    notify(&Heard::Settings);
    Ok(())
}

/// Reads one setting.
pub async fn get_setting(db: &Database, key: &str) -> Result<Option<String>> {
    let tx = Tx::reading(db, SETTINGS)?;
    answer(tx.store(SETTINGS)?.get(key.to_owned()).primitive()).await
}

/// The setting that says which centres this browser vouches for (`model::Vouches`).
const VOUCHES: &str = "confiance";
/// The setting holding the network's list as last checked (its text).
pub const NETWORK_LIST: &str = "liste-du-reseau";

/// The centres this browser vouches for.
pub async fn vouches(db: &Database) -> Result<Vouches> {
    Ok(Vouches::parse(
        &get_setting(db, VOUCHES).await?.unwrap_or_default(),
    ))
}

/// Keeps the centres this browser vouches for.
pub async fn put_vouches(db: &Database, vouches: &Vouches) -> Result<()> {
    put_setting(db, VOUCHES, &vouches.text()).await
}

//! The feeds subscribed to and the refreshes « Nouveautés » lists (`crate::subscription`), each
//! kept as its JSON text: a subscription under its address, a refresh under an increasing key.
//! An entry that cannot be read back (written by a newer version, damaged) is skipped, never
//! fatal: the catalogue does not depend on it.

use super::channel::{notify, Heard};
use super::error::{Result, StoreError};
use super::schema::{REFRESHES, SETTINGS, SUBSCRIPTIONS};
use super::tx::{answer, read_back, Tx};
use crate::subscription::{Refresh, Subscription};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;

/// Refreshes kept, at most (the oldest go first).
const REFRESHES_KEPT: usize = 100;

fn text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("in-memory values serialise")
}

/// Every subscription, in the order they were made.
pub async fn subscriptions(db: &Database) -> Result<Vec<Subscription>> {
    let tx = Tx::reading(db, SUBSCRIPTIONS)?;
    let texts = read_back(tx.store(SUBSCRIPTIONS)?.get_all::<String>().primitive()).await?;
    let mut list: Vec<Subscription> = texts
        .filter_map(|t| t.ok())
        .filter_map(|t| serde_json::from_str(&t).ok())
        .collect();
    list.sort_by(|a, b| (&a.subscribed_at, &a.url).cmp(&(&b.subscribed_at, &b.url)));
    Ok(list)
}

/// The setting that says whether anything is subscribed to, written with the subscriptions: at
/// start-up it is read with the other settings, before the refresh code is fetched.
const SUBSCRIBED: &str = "abonne";

/// Whether any feed is subscribed to.
pub async fn has_subscriptions(db: &Database) -> Result<bool> {
    Ok(super::settings::get_setting(db, SUBSCRIBED)
        .await?
        .is_some())
}

/// Writes [`SUBSCRIBED`] inside `tx` (over the subscriptions and the settings), from what the
/// subscriptions hold now.
async fn note_subscribed(tx: &Tx<'_>) -> Result<()> {
    let n: u32 = answer(tx.store(SUBSCRIPTIONS)?.count().primitive()).await?;
    let settings = tx.store(SETTINGS)?;
    if n > 0 {
        answer(
            settings
                .put("oui".to_owned())
                .with_key(SUBSCRIBED.to_owned())
                .primitive(),
        )
        .await
        .map(drop)
    } else {
        answer(settings.delete(SUBSCRIBED.to_owned()).primitive()).await
    }
}

/// Keeps `subscriptions` (each in place of the one with its address), in one transaction.
pub async fn put_subscriptions(db: &Database, subscriptions: &[Subscription]) -> Result<()> {
    let tx = Tx::writing(db, [SUBSCRIPTIONS, SETTINGS])?;
    let store = tx.store(SUBSCRIPTIONS)?;
    let mut bytes = 0;
    for subscription in subscriptions {
        let value = text(subscription);
        bytes += value.len();
        answer(
            store
                .put(value)
                .with_key(subscription.url.clone())
                .primitive(),
        )
        .await?;
    }
    note_subscribed(&tx).await?;
    tx.commit(bytes).await?;
    notify(&Heard::Settings);
    Ok(())
}

/// Forgets the subscription to `url` (what it brought stays in the catalogue).
pub async fn remove_subscription(db: &Database, url: &str) -> Result<()> {
    let tx = Tx::writing(db, [SUBSCRIPTIONS, SETTINGS])?;
    answer(tx.store(SUBSCRIPTIONS)?.delete(url.to_owned()).primitive()).await?;
    note_subscribed(&tx).await?;
    tx.commit(0).await?;
    notify(&Heard::Settings);
    Ok(())
}

/// The refreshes kept, newest first, with their keys.
pub async fn refreshes(db: &Database) -> Result<Vec<(u32, Refresh)>> {
    let tx = Tx::reading(db, REFRESHES)?;
    let store = tx.store(REFRESHES)?;
    let keys = read_back(store.get_all_keys::<u32>().primitive()).await?;
    let texts = read_back(store.get_all::<String>().primitive()).await?;
    let mut list: Vec<(u32, Refresh)> = keys
        .zip(texts)
        .filter_map(|(k, t)| Some((k.ok()?, serde_json::from_str(&t.ok()?).ok()?)))
        .collect();
    list.reverse();
    Ok(list)
}

/// Adds an applied refresh; the oldest beyond [`REFRESHES_KEPT`] are dropped. Gives its key.
pub async fn add_refresh(db: &Database, refresh: &Refresh) -> Result<u32> {
    let tx = Tx::writing(db, REFRESHES)?;
    let store = tx.store(REFRESHES)?;
    let value = text(refresh);
    let bytes = value.len();
    let key: u32 = answer(store.add(value).with_key_type::<u32>().primitive()).await?;
    let keys: Vec<u32> = read_back(store.get_all_keys::<u32>().primitive())
        .await?
        .filter_map(|k| k.ok())
        .collect();
    for old in keys.iter().take(keys.len().saturating_sub(REFRESHES_KEPT)) {
        answer(store.delete(*old).primitive()).await?;
    }
    tx.commit(bytes).await?;
    notify(&Heard::Settings);
    Ok(key)
}

/// Marks the refresh kept under `key` as undone.
pub async fn mark_refresh_undone(db: &Database, key: u32) -> Result<()> {
    let tx = Tx::writing(db, REFRESHES)?;
    let store = tx.store(REFRESHES)?;
    let stored: Option<String> = read_back(store.get(key).primitive()).await?;
    let mut refresh: Refresh = stored
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(StoreError::nothing_to_undo)?;
    refresh.undone = true;
    answer(store.put(text(&refresh)).with_key(key).primitive()).await?;
    tx.commit(0).await?;
    notify(&Heard::Settings);
    Ok(())
}

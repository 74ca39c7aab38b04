//! The transaction helper: opening a transaction, reaching its stores, sending a request and
//! waiting for its answer, each with its failure already turned into a [`StoreError`], so the
//! rooms say what they do and not, at every step, how a browser error becomes a message.
//!
//! A request goes out when it is built (`primitive()`/`serde()`), before [`answer`] or
//! [`read_back`] waits for it: a request built and never waited for is still written (and a
//! failed one aborts the transaction, which the commit reports).

use super::error::{warn, Result, StoreError};
use super::schema::CENTRES;
use indexed_db_futures::database::{Database, ObjectStoreName};
use indexed_db_futures::error::Error as IdbError;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use std::future::Future;

type IdbResult<T> = std::result::Result<T, IdbError>;

/// One IndexedDB transaction. Dropping it without [`Tx::commit`] aborts it: returning an error
/// from the middle of a write undoes everything written in it.
pub(super) struct Tx<'db> {
    tx: Transaction<'db>,
}

impl<'db> Tx<'db> {
    /// A read-only transaction over `stores`.
    pub(super) fn reading(db: &'db Database, stores: impl ObjectStoreName) -> Result<Self> {
        let tx = db.transaction(stores).build();
        Ok(Tx {
            tx: tx.map_err(StoreError::from_idb)?,
        })
    }

    /// A read-write transaction over `stores`.
    pub(super) fn writing(db: &'db Database, stores: impl ObjectStoreName) -> Result<Self> {
        let tx = db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .build();
        Ok(Tx {
            tx: tx.map_err(StoreError::from_idb)?,
        })
    }

    /// One of the stores the transaction was opened over.
    pub(super) fn store(&self, name: &str) -> Result<ObjectStore<'_>> {
        self.tx.object_store(name).map_err(StoreError::from_idb)
    }

    /// Gives the page a turn in the middle of the transaction: waiting on a small request lets
    /// the browser handle input and paint, and the transaction stays open since a request is
    /// pending.
    pub(super) async fn breathe(&self) -> Result<()> {
        let _: u32 = answer(self.store(CENTRES)?.count().primitive()).await?;
        Ok(())
    }

    /// Commits the transaction. When the browser aborts it, tells a full storage apart from
    /// other failures: the transaction's own `QuotaExceededError` is not reachable through
    /// indexed_db_futures, so the storage estimate is asked whether `attempted` more bytes could
    /// have fitted.
    pub(super) async fn commit(self, attempted: usize) -> Result<()> {
        let Err(e) = self.tx.commit().await else {
            return Ok(());
        };
        if storage_is_full(attempted).await {
            warn("stockage", &e.to_string().into());
            Err(StoreError::full())
        } else {
            Err(StoreError::from_idb(e))
        }
    }
}

/// Waits for the answer to a request (as built by `primitive()` or `serde()`): a failure to send
/// it or to carry it out is the browser refusing.
pub(super) async fn answer<T, F>(request: IdbResult<F>) -> Result<T>
where
    F: Future<Output = IdbResult<T>>,
{
    waited(request, StoreError::from_idb).await
}

/// [`answer`] for a request that reads stored values: one that cannot be read back is
/// [`StoreError::from_read`].
pub(super) async fn read_back<T, F>(request: IdbResult<F>) -> Result<T>
where
    F: Future<Output = IdbResult<T>>,
{
    waited(request, StoreError::from_read).await
}

async fn waited<T, F>(request: IdbResult<F>, failed: fn(IdbError) -> StoreError) -> Result<T>
where
    F: Future<Output = IdbResult<T>>,
{
    request.map_err(StoreError::from_idb)?.await.map_err(failed)
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

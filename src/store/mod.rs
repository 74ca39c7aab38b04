//! IndexedDB, through indexed_db_futures. The only module that touches browser storage; `ui`
//! calls the async functions below with plain `model`/`exchange` values and never sees an
//! IndexedDB type (beyond the opaque database handle it holds).
//!
//! Each record is kept as the compact JSON of its file form (`exchange::record_json`), next to
//! the few fields the indexes need. Reading back assembles those JSON texts into a document and
//! sends it through `exchange::read_document`, the same door as any file, so data written by an
//! older version is checked and migrated in one place.
//!
//! The rooms:
//! - `error`: [`StoreError`] and every message the store shows people;
//! - `tx`: the transaction helper (open, reach a store, wait for an answer, give the page a
//!   turn, commit), each step's browser failure already a [`StoreError`];
//! - `schema`: the database's stores and indexes, and the migrations ([`open`]);
//! - `row`: how a record is kept (its text as UTF-8 bytes, the indexed fields);
//! - `settings`: a few texts kept by key;
//! - `feeds`: the feeds subscribed to, and the refreshes « Nouveautés » lists;
//! - `keys`: this browser's signing keys, one per centre (private keys stay non-extractable);
//! - `load`: the whole catalogue read back, in batches then in slices, through the door;
//! - `aside`: the rows that cannot be read back, set aside (kept, never written over) and
//!   offered as a file;
//! - `save`: local edits, merged with what is stored; the records other tabs announced;
//! - `import`: a file merged in one transaction, and the import log;
//! - `undo`: what undoing the last import needs, and the undo itself;
//! - `channel`: what this page's writes announce to the other tabs.
//!
//! Long work is cut into slices by `crate::slicing`, which `ui` uses too.

mod aside;
mod channel;
mod error;
mod feeds;
mod import;
mod keys;
mod load;
mod row;
mod save;
mod schema;
mod settings;
mod tx;
mod undo;

pub use aside::{Aside, Loaded};
pub use channel::{on_change, ChangeListener, Heard};
pub use error::StoreError;
pub use feeds::{
    add_refresh, has_subscriptions, mark_refresh_undone, put_subscriptions, refreshes,
    remove_subscription, subscriptions,
};
pub use import::{
    import, import_failing_after, import_log, import_seed, ImportEntry, ImportReport,
};
pub use keys::{device_key, forget_device_key, keep_device_key};
pub use load::{load, load_with_progress};
pub use save::{apply, read_announced, save, Change};
pub use schema::{open, DB_NAME, SCHEMA_VERSION};
pub use settings::{get_setting, put_setting, put_vouches, vouches, NETWORK_LIST};
pub use undo::{can_undo, undo_last_import};

/// Asks the browser to keep this site's data even under storage pressure. `Some(granted)`, or
/// `None` where the browser has no such API.
pub async fn request_persistence() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let promise = storage.persist().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .as_bool()
}

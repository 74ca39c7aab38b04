//! App-wide state: the catalogue as stored in this browser, kept in signals and provided through
//! context. Writes go through `store`; other tabs' writes arrive through its change channel.

use crate::exchange::{read_document, EntityKind, Limits, Preview};
use crate::model::{prototype_owner, rating_owner, Catalogue, Facts, Keyring, Vouch};
use crate::search::{Changed, Index};
use crate::slicing;
use crate::store::{self, ChangeListener};
use crate::ui::chunk::ChunkUnavailable;
use indexed_db_futures::database::Database;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the shipped catalogue lives, relative to the page's `<base>`.
const SEED_URL: &str = "catalogue.json";
/// Setting holding which shipped catalogue was last merged in.
const SEED_SETTING: &str = "catalogue-fourni";
/// Setting holding "Mon centre".
const MY_CENTRE: &str = "mon-centre";

/// Merging the shipped catalogue into this browser's, once per new version of it.
type SeedImporting =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), store::StoreError>>>>;

/// With the `split` feature (release builds), the import machinery (merge, the stored rules'
/// check, the writes in slices) is a wasm chunk, fetched only when the shipped catalogue is new
/// to this browser (and by the import page): a return visit neither downloads nor compiles it.
/// The setting that names the seed merged (`version`) is written there too, once the merge is:
/// a start that writes nothing carries no code to write. The split point makes this function
/// `async`, and a failed download its `Err`.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(seed_import, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn seed_import(
    db: Database,
    seed: Catalogue,
    version: String,
    at: String,
) -> Result<SeedImporting, ChunkUnavailable> {
    Ok(Box::pin(async move {
        // The network's list first: it says which keys the seed's centres have.
        let network = crate::ui::signatures::refresh_network(&db).await;
        let admitted = crate::ui::signatures::admitted(&Catalogue::default(), seed, &network)
            .await
            .map_err(|message| store::StoreError { message })?;
        store::import_seed(&db, admitted, &network, &at).await?;
        store::put_setting(&db, SEED_SETTING, &version).await
    }))
}

/// Showing the records another tab announced.
type Showing = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// Reads the records another tab announced and shows them (their index entries refreshed in
/// place); reads everything again when one of them is gone or the catalogue is not loaded. With
/// the `split` feature (release builds) this is a wasm chunk of its own, fetched when another
/// tab first saves an edit: a page open alone never needs it. The split point makes this
/// function `async`, and a failed download its `Err`.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(tab_records, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn show_announced(
    state: AppState,
    records: Vec<(String, String)>,
) -> Result<Showing, ChunkUnavailable> {
    Ok(Box::pin(async move {
        let read = state
            .with_db(|db| async move { store::read_announced(&db, &records).await })
            .await;
        let loaded = state.catalogue.with_untracked(|c| matches!(c, Some(Ok(_))));
        match read {
            Some(Ok(Some(changes))) if loaded => state.show_saved(changes),
            _ => state.reload(),
        }
    }))
}

/// A message about an action's outcome, for one area of one page.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub path: String,
    pub area: &'static str,
    pub message: Result<String, String>,
}

#[derive(Clone, Copy)]
pub struct AppState {
    /// `None` while loading; `Err` holds the French message saying why it could not be loaded.
    pub catalogue: RwSignal<Option<Result<Catalogue, String>>>,
    /// The search index of the loaded catalogue: built when the catalogue is loaded, then
    /// updated in place by the changes made here (see [`AppState::save`], [`AppState::imported`]).
    pub index: RwSignal<Option<Index>>,
    /// Share of the catalogue loaded and indexed (0 to 1), while the catalogue is `None`.
    pub loading: RwSignal<f64>,
    /// Outcome of the request for durable storage (`None`: not answered, or no such API).
    pub persistence: RwSignal<Option<bool>>,
    /// The centre the person acts as ("Mon centre"), remembered in this browser.
    pub my_centre: RwSignal<Option<String>>,
    /// The outcome of the last action, shown where it happened (page path, area of the page):
    /// kept here so that it survives the page re-rendering with the changed data.
    pub notice: RwSignal<Option<Notice>>,
    /// How many stored rows could not be read back and were set aside to load the rest (told by
    /// `aside::SetAsideNotice`, which offers them as a file). A `u32`, as the header's count of
    /// pages loading: one copy of the signal's code in the first download.
    pub set_aside: RwSignal<u32>,
    db: StoredValue<Option<Database>, LocalStorage>,
    listener: StoredValue<Option<ChangeListener>, LocalStorage>,
}

/// About the share of start-up spent reading the stored catalogue (the rest indexes it), as
/// measured at 20,000 prototypes.
const LOAD_SHARE: f64 = 0.6;

const NOT_READY: &str = "Le stockage n'est pas encore prêt ; réessayez dans un instant.";

/// What a saved change means for the search index.
fn changed(change: &store::Change) -> Changed {
    match change {
        store::Change::Centre(id, _) => Changed::Centre(id.clone()),
        store::Change::Prototype(id, _) => Changed::Prototype(id.clone()),
        store::Change::Rating(id, record) => Changed::report(id, record),
    }
}

/// What vouching for `centre` changes, for the search index: its prototypes (and those they
/// adapt) and the prototypes it reported on.
fn centre_changes(catalogue: &Catalogue, centre: &str) -> Vec<Changed> {
    let prototypes = catalogue
        .prototypes
        .iter()
        .filter(|(_, r)| prototype_owner(r) == centre)
        .map(|(id, _)| Changed::Prototype(id.clone()));
    let reports = catalogue
        .ratings
        .iter()
        .filter(|(id, _)| rating_owner(id) == centre)
        .map(|(id, r)| Changed::report(id, r));
    std::iter::once(Changed::Centre(centre.to_owned()))
        .chain(prototypes)
        .chain(reports)
        .collect()
}

/// What an import changed, for the search index: every record it wrote. (`merged` is the
/// catalogue after the import.)
fn changes(preview: &Preview, merged: &Catalogue) -> Vec<Changed> {
    preview
        .items
        .iter()
        .filter(|i| i.outcome.changes_catalogue())
        .filter_map(|i| match i.kind {
            EntityKind::Centre => Some(Changed::Centre(i.id.clone())),
            EntityKind::Prototype => Some(Changed::Prototype(i.id.clone())),
            EntityKind::Rating => merged.ratings.get(&i.id).map(|r| Changed::report(&i.id, r)),
        })
        .collect()
}

/// Indexes prototypes `ids` of `catalogue` into `index` (which must not hold them), giving the
/// page a turn every [`slicing::SLICE_MS`]; `progress` hears the share done.
async fn index_in_slices(
    index: &mut Index,
    catalogue: &Catalogue,
    ids: &[String],
    progress: impl Fn(f64),
) {
    // What the caller did before is one step, the facts another: the page gets a turn between.
    slicing::page_turn().await;
    let facts = Facts::of(catalogue);
    // At 20,000 prototypes the facts take a turn on their own (~75 ms on a phone-class CPU).
    slicing::page_turn().await;
    let mut slices = slicing::Slices::new();
    for (n, id) in ids.iter().enumerate() {
        index.insert(catalogue, &facts, id);
        if slices.due() {
            progress(n as f64 / ids.len() as f64);
            slicing::page_turn().await;
            slices.restart();
        }
    }
    progress(1.0);
}

/// Today, `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    now_utc()[..10].to_owned()
}

/// Now, as the UTC instant format of the exchange files.
pub fn now_utc() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    format!("{}Z", &iso[..19.min(iso.len())])
}

async fn fetch_seed() -> Result<(String, Catalogue), String> {
    let response = gloo::net::http::Request::get(SEED_URL)
        .send()
        .await
        .map_err(|_| {
            "Le catalogue fourni n'a pas pu être chargé (réseau indisponible ?).".to_owned()
        })?;
    if !response.ok() {
        return Err(format!(
            "Le catalogue fourni n'a pas pu être chargé (erreur {}).",
            response.status()
        ));
    }
    let bytes = response
        .binary()
        .await
        .map_err(|_| "Le catalogue fourni n'a pas pu être lu.".to_owned())?;
    let doc = read_document(&bytes, &Limits::default())
        .map_err(|problems| format!("Le catalogue fourni est invalide : {}", problems.summary()))?;
    let version = format!(
        "{}/{}",
        doc.exported_at.as_deref().unwrap_or("?"),
        bytes.len()
    );
    Ok((version, doc.catalogue))
}

impl AppState {
    /// Creates the state and starts loading: opens the database, merges the shipped catalogue if
    /// it is new to this browser, reads the catalogue, and listens to other tabs.
    fn new(catalogue: Option<Result<Catalogue, String>>) -> Self {
        let index = RwSignal::new(match &catalogue {
            Some(Ok(c)) => Some(Index::build(c)),
            _ => None,
        });
        AppState {
            catalogue: RwSignal::new(catalogue),
            index,
            loading: RwSignal::new(0.0),
            persistence: RwSignal::new(None),
            my_centre: RwSignal::new(None),
            notice: RwSignal::new(None),
            set_aside: RwSignal::new(0),
            db: StoredValue::new_local(None),
            listener: StoredValue::new_local(None),
        }
    }

    /// State holding `catalogue`, without storage: for components shown on their own (tests).
    pub fn preloaded(catalogue: Catalogue) -> Self {
        AppState::new(Some(Ok(catalogue)))
    }

    pub fn start() -> Self {
        let state = AppState::new(None);
        spawn_local(async move {
            let loaded = state.open_and_seed().await;
            state.set_catalogue(loaded).await;
            state.persistence.set(store::request_persistence().await);
        });
        state
    }

    async fn open_and_seed(self) -> Result<store::Loaded, String> {
        let db = store::open(store::DB_NAME).await.map_err(|e| e.message)?;
        // Held at once: whatever fails below (the shipped catalogue, reading what is stored),
        // the app keeps its way to storage.
        self.db.set_value(Some(db.clone()));
        let seed = fetch_seed().await;
        let known = store::get_setting(&db, SEED_SETTING)
            .await
            .map_err(|e| e.message)?;
        let seed_error = match seed {
            Ok((version, seed)) if known.as_deref() != Some(&version) => {
                let importing = seed_import(db.clone(), seed, version, now_utc());
                #[cfg(feature = "split")]
                let importing = importing.await;
                match importing {
                    Ok(importing) => {
                        importing.await.map_err(|e| e.message)?;
                        None
                    }
                    // Tried again at the next start: the setting still names the old seed.
                    Err(ChunkUnavailable) => Some(
                        "Le catalogue partagé n'a pas pu être ajouté : vérifiez la connexion à \
                         Internet, puis rechargez la page."
                            .to_owned(),
                    ),
                }
            }
            Ok(_) => None,
            Err(message) => Some(message),
        };
        let loaded = store::load_with_progress(&db, &|done| self.loading.set(LOAD_SHARE * done))
            .await
            .map_err(|e| e.message)?;
        let mine = store::get_setting(&db, MY_CENTRE).await.ok().flatten();
        self.my_centre
            .set(mine.filter(|id| loaded.catalogue.centre(id).is_some()));
        let listener = store::on_change(move |heard| self.heard(heard));
        self.listener.set_value(listener);
        match seed_error {
            // Without the shipped catalogue and nothing stored yet, say why the page is empty.
            Some(message) if loaded.catalogue.prototypes.is_empty() => Err(message),
            _ => Ok(loaded),
        }
    }

    /// Reads the catalogue again from storage (after another tab changed it).
    pub fn reload(self) {
        spawn_local(async move {
            let loaded = self
                .with_db(|db| async move {
                    let catalogue = store::load(&db).await;
                    let mine = store::get_setting(&db, MY_CENTRE).await.ok().flatten();
                    (catalogue, mine)
                })
                .await;
            if let Some((catalogue, mine)) = loaded {
                self.set_catalogue(catalogue.map_err(|e| e.message)).await;
                self.my_centre.set(mine);
            }
        });
    }

    /// Shows a whole new catalogue (loaded, reloaded, restored), with its index built anew, a
    /// slice at a time, and the rows set aside to read it.
    pub async fn set_catalogue(self, loaded: Result<store::Loaded, String>) {
        match loaded {
            Ok(store::Loaded { catalogue, aside }) => {
                let progress = |done| self.loading.set(LOAD_SHARE + (1.0 - LOAD_SHARE) * done);
                self.index_anew(catalogue, progress).await;
                self.set_aside.set(aside.count());
            }
            Err(message) => {
                self.index.set(None);
                self.catalogue.set(Some(Err(message)));
                self.set_aside.set(0);
            }
        }
    }

    /// Shows `catalogue` with an index built anew, a slice at a time; `progress` hears the share
    /// done.
    async fn index_anew(self, catalogue: Catalogue, progress: impl Fn(f64)) {
        let ids: Vec<String> = catalogue
            .live_prototypes()
            .map(|(id, _)| id.to_owned())
            .collect();
        let mut index = Index::default();
        index_in_slices(&mut index, &catalogue, &ids, progress).await;
        self.show(index, catalogue).await;
    }

    /// Puts a new catalogue and its index on the pages. The order of titles, which the first
    /// list needs, is sorted in a turn of its own: drawing that list is enough for one turn.
    async fn show(self, index: Index, catalogue: Catalogue) {
        slicing::page_turn().await;
        index.title_rank();
        slicing::page_turn().await;
        self.index.set(Some(index));
        self.catalogue.set(Some(Ok(catalogue)));
    }

    /// Shows the catalogue an import produced. Only the prototypes the import touched are
    /// (re)indexed, or all of them when it touched a large part of the catalogue, a slice at a
    /// time so that the page stays responsive; `progress` hears the share done. Pages see the new
    /// catalogue and index together, at the end.
    pub async fn imported(self, report: store::ImportReport, progress: impl Fn(f64)) {
        let store::ImportReport {
            preview,
            catalogue,
            aside,
            ..
        } = report;
        // With rows set aside, records the import wrote can be left out of the catalogue (a
        // report on a prototype set aside): then the index is built anew (rare).
        let anew = !aside.is_empty();
        self.set_aside.set(aside.count());
        let index = self.index.try_update_untracked(Option::take).flatten();
        let Some(mut index) = index.filter(|_| !anew) else {
            return self.index_anew(catalogue, progress).await;
        };
        // Finding what such an import touched costs about as much as indexing everything, and
        // cannot be cut into slices (a national file froze a phone-class page for 200 ms).
        let changed = preview
            .items
            .iter()
            .filter(|i| i.outcome.changes_catalogue())
            .count();
        if changed.saturating_mul(4) >= index.len() {
            return self.index_anew(catalogue, progress).await;
        }
        let changes = changes(&preview, &catalogue);
        let affected = index.affected(&catalogue, &changes);
        slicing::page_turn().await;
        index.remove(&affected);
        slicing::page_turn().await;
        index_in_slices(&mut index, &catalogue, &affected, progress).await;
        self.show(index, catalogue).await;
    }

    /// Remembers which centre the person acts as.
    pub async fn set_my_centre(self, id: String) -> Result<(), String> {
        let saved = self
            .with_db(|db| {
                let id = id.clone();
                async move { store::put_setting(&db, MY_CENTRE, &id).await }
            })
            .await
            .unwrap_or_else(|| {
                Err(store::StoreError {
                    message: NOT_READY.into(),
                })
            });
        saved.map_err(|e| e.message)?;
        self.my_centre.set(Some(id));
        Ok(())
    }

    /// Saves local changes and shows them at once. The new versions « Mon centre » wrote are
    /// signed when this browser signs for it ([`AppState::signs_for`]); otherwise they stay
    /// unsigned, « non vérifié » for everyone else.
    pub async fn save(self, changes: Vec<store::Change>) -> Result<(), String> {
        let mine = self.my_centre.get_untracked();
        let signer = match mine {
            Some(centre) if self.signs_for(&centre).await => Some(centre),
            _ => None,
        };
        self.save_signed(signer.as_deref(), changes).await
    }

    /// Saves local changes, the new versions `signer` wrote signed with this browser's key for
    /// it, and shows them at once. For the key changes of « Mon centre », whose new centre
    /// version lists the key that signs it; every other edit goes through [`AppState::save`].
    pub async fn save_signed(
        self,
        signer: Option<&str>,
        changes: Vec<store::Change>,
    ) -> Result<(), String> {
        let signer = signer.map(str::to_owned);
        let saved = self
            .with_db(|db| async move {
                let changes = crate::ui::signatures::sign_changes(&db, signer.as_deref(), changes)
                    .await
                    .map_err(|message| store::StoreError { message })?;
                store::save(&db, changes).await
            })
            .await
            .unwrap_or_else(|| {
                Err(store::StoreError {
                    message: NOT_READY.into(),
                })
            })
            .map_err(|e| e.message)?;
        self.show_saved(saved);
        Ok(())
    }

    /// The public key (base64url) of this browser's key for `centre`, if it keeps one: one the
    /// centre lists, or one waiting to be added by another of its devices.
    pub async fn device_public(self, centre: &str) -> Result<Option<String>, String> {
        let centre = centre.to_owned();
        self.with_db(|db| async move { store::device_key(&db, &centre).await })
            .await
            .unwrap_or_else(|| {
                Err(store::StoreError {
                    message: NOT_READY.into(),
                })
            })
            .map(|key| key.map(|k| crate::exchange::b64::encode(&k.public)))
            .map_err(|e| e.message)
    }

    /// Whether this browser signs for `centre`: it keeps a key that the centre's current
    /// version lists and does not revoke. A key still waiting to be listed does not sign:
    /// everyone else would refuse what it signed.
    pub async fn signs_for(self, centre: &str) -> bool {
        let Ok(Some(key)) = self.device_public(centre).await else {
            return false;
        };
        self.catalogue.with_untracked(|c| match c {
            Some(Ok(c)) => Keyring::of(c).holds(centre, &key),
            _ => false,
        })
    }

    /// Vouches for `centre` because this browser signs for it (`Vouch::Device`), and shows at
    /// once what that changes: its prototypes and reports now count toward the label and the
    /// indicators.
    pub async fn vouch_device(self, centre: &str) -> Result<(), String> {
        let id = centre.to_owned();
        self.with_db(|db| async move {
            let mut vouches = store::vouches(&db).await?;
            vouches.add(&id, Vouch::Device);
            store::put_vouches(&db, &vouches).await
        })
        .await
        .unwrap_or_else(|| {
            Err(store::StoreError {
                message: NOT_READY.into(),
            })
        })
        .map_err(|e| e.message)?;
        self.catalogue.update(|c| {
            if let Some(Ok(c)) = c {
                c.vouched.insert(centre.to_owned());
                let changed = centre_changes(c, centre);
                self.index.update(|index| {
                    if let Some(index) = index {
                        index.refresh(c, &changed);
                    }
                });
            }
        });
        Ok(())
    }

    /// Shows records as saved (here or in another tab): the catalogue and its index are updated
    /// in place, for just those records.
    fn show_saved(self, saved: Vec<store::Change>) {
        let changed: Vec<Changed> = saved.iter().map(changed).collect();
        self.catalogue.update(|c| {
            if let Some(Ok(c)) = c {
                store::apply(c, saved);
                self.index.update(|index| {
                    if let Some(index) = index {
                        index.refresh(c, &changed);
                    }
                });
            }
        });
    }

    /// Another tab changed storage: read what it names, or everything when it does not say.
    fn heard(self, heard: store::Heard) {
        match heard {
            store::Heard::Everything => self.reload(),
            store::Heard::Settings => spawn_local(async move {
                let mine = self
                    .with_db(|db| async move { store::get_setting(&db, MY_CENTRE).await })
                    .await;
                if let Some(Ok(mine)) = mine {
                    self.my_centre.set(mine);
                }
            }),
            store::Heard::Records(records) => spawn_local(async move {
                let showing = show_announced(self, records);
                #[cfg(feature = "split")]
                let showing = showing.await;
                match showing {
                    Ok(showing) => showing.await,
                    // Without the code that reads just those records, everything is read again.
                    Err(ChunkUnavailable) => self.reload(),
                }
            }),
        }
    }

    /// A consistent snapshot of the stored catalogue (one read transaction), for export.
    pub async fn snapshot(self) -> Result<Catalogue, String> {
        self.with_db(|db| async move { store::load(&db).await.map(|l| l.catalogue) })
            .await
            .unwrap_or_else(|| {
                Err(store::StoreError {
                    message: NOT_READY.into(),
                })
            })
            .map_err(|e| e.message)
    }

    /// Shows `message` in `area` of the page at `path` (the app path, without the base).
    pub fn tell(self, path: String, area: &'static str, message: Result<String, String>) {
        self.notice.set(Some(Notice {
            path,
            area,
            message,
        }));
    }

    /// The catalogue as loaded (`None` while loading).
    pub fn with_catalogue<R>(self, f: impl FnOnce(&Catalogue) -> R) -> Option<R> {
        self.catalogue
            .with(|c| c.as_ref().and_then(|r| r.as_ref().ok()).map(f))
    }

    /// A copy of the catalogue as loaded, without tracking it (empty while loading): what an
    /// import or a refresh admits against.
    pub fn catalogue_now(self) -> Catalogue {
        self.catalogue
            .with_untracked(|c| c.as_ref().and_then(|r| r.as_ref().ok()).cloned())
            .unwrap_or_default()
    }

    /// Runs `f` with the open database; `None` while it is not open yet.
    pub async fn with_db<F, Fut, T>(self, f: F) -> Option<T>
    where
        F: FnOnce(Database) -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let db = self.db.with_value(|db| db.clone())?;
        Some(f(db).await)
    }
}

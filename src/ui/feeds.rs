//! Refreshing the feeds subscribed to (`crate::subscription`): each feed fetched over plain HTTP
//! (`cache: "no-cache"`, so the browser revalidates with ETag / Last-Modified and the host can
//! answer 304), at most [`IN_PARALLEL`] at once, then taken exactly like an imported file: the
//! door (a slice at a time), the header's signature (WebCrypto), `judge` against the pin, the
//! versions' signatures and `exchange::admit` (`ui::signatures`), and one `store::import` for
//! every feed that brought something (one undo per refresh). The subscriptions' pins, sequences
//! and statuses are written after that import succeeded; a failed refresh writes nothing else.
//!
//! Refreshes run at start-up when online, every [`REFRESH_EVERY`] while the app is open, when
//! the connection comes back, and on « Actualiser ». This code is in the feeds' chunk: the first
//! download only asks the store whether anything is subscribed ([`start`]).

use crate::exchange::feed::{judge, FeedHeader, Judgement};
use crate::exchange::{combine, Admitted, EntityKind, Limits, Problems, Reading};
use crate::model::Catalogue;
use crate::slicing;
use crate::store;
use crate::subscription::{
    news_line, outcome_summary, NewsSource, Refresh, Status, Subscription, IN_PARALLEL,
    REFRESH_EVERY,
};
use crate::ui::signatures;
use crate::ui::state::{now_utc, AppState};
use crate::webcrypto;
use indexed_db_futures::database::Database;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Which subscriptions a refresh tries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Which {
    /// Those whose back-off is over (automatic refreshes).
    Due,
    /// Every one (« Actualiser »).
    All,
    /// The one just subscribed to.
    One(String),
}

/// What the refreshes are doing, for the pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    pub running: bool,
    /// What the last refresh asked from the page concluded, as the live region says it.
    pub said: Option<String>,
    /// Grows at the end of each refresh: pages read the subscriptions again.
    pub finished: u32,
}

thread_local! {
    static ACTIVITY: ArcRwSignal<Activity> = ArcRwSignal::new(Activity::default());
    static QUEUED: RefCell<Vec<(Which, bool)>> = const { RefCell::new(Vec::new()) };
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    /// A page asked for one of the refreshes under way or queued.
    static TOLD: Cell<bool> = const { Cell::new(false) };
}

/// The refreshes' activity (one for the page's lifetime).
pub fn activity() -> ArcRwSignal<Activity> {
    ACTIVITY.with(Clone::clone)
}

/// Starts the schedule once: a refresh now (when online, unless the app opened on
/// « Abonnements »), every [`REFRESH_EVERY`], and when the connection comes back.
pub fn start(state: AppState) {
    if SCHEDULED.with(|s| s.replace(true)) {
        return;
    }
    // Opened on « Abonnements », the person sees each feed's last state and refreshes with the
    // page's button: no refresh starts behind it.
    let here = crate::address::Route::of(&crate::ui::widgets::current_path());
    if here != crate::address::Route::Subscriptions {
        refresh(state, Which::Due, false);
    }
    // A timeout again and again (the app already uses timeouts; an interval is one more import).
    leptos::task::spawn_local(async move {
        loop {
            gloo::timers::future::TimeoutFuture::new((REFRESH_EVERY * 1000) as u32).await;
            refresh(state, Which::Due, false);
        }
    });
    let on_line = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        refresh(state, Which::Due, false)
    });
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback(
            "online",
            wasm_bindgen::JsCast::unchecked_ref(on_line.as_ref()),
        );
    }
    on_line.forget(); // lives as long as the page
}

/// Refreshes `which`, now or after the refresh under way. `told`: the page asked, so the live
/// region says the outcome: of every refresh from the one under way when it asked to the last
/// one queued (a feed counts as updated if one of them updated it, as failed if the last try
/// failed).
pub fn refresh(state: AppState, which: Which, told: bool) {
    let shared = activity();
    if told {
        shared.update(|a| a.said = None);
    }
    if shared.with_untracked(|a| a.running) {
        QUEUED.with(|q| q.borrow_mut().push((which, told)));
        if told {
            TOLD.with(|t| t.set(true));
        }
        return;
    }
    TOLD.with(|t| t.set(told));
    shared.update(|a| a.running = true);
    leptos::task::spawn_local(async move {
        let mut which = which;
        // Address → (updated by one of the refreshes, failed at the last one).
        let mut tried = std::collections::BTreeMap::<String, (bool, bool)>::new();
        let mut said: Option<String>;
        loop {
            match run(state, &which).await {
                Ran::Said(text) => said = Some(text),
                Ran::Tried(list) => {
                    said = None;
                    for (url, status) in list {
                        let entry = tried.entry(url).or_default();
                        entry.0 |= matches!(status, Status::Updated { .. });
                        entry.1 = status.is_failure();
                    }
                }
            }
            shared.update(|a| a.finished = a.finished.wrapping_add(1));
            match QUEUED.with(|q| {
                let mut q = q.borrow_mut();
                (!q.is_empty()).then(|| q.remove(0))
            }) {
                Some((next, _)) => which = next,
                None => break,
            }
        }
        let said = said.unwrap_or_else(|| {
            let updated = tried.values().filter(|(u, f)| *u && !*f).count();
            let failed = tried.values().filter(|(_, f)| *f).count();
            outcome_summary(updated, failed)
        });
        let told = TOLD.with(|t| t.replace(false));
        shared.update(|a| {
            if told {
                a.said = Some(said);
            }
            a.running = false;
        });
    });
}

/// What one refresh gives: each feed tried and its status, or what to say instead (offline,
/// storage not ready).
enum Ran {
    Said(String),
    Tried(Vec<(String, Status)>),
}

/// Now, in seconds since 1970.
pub fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// The offline message, with the last time any subscription was refreshed.
pub fn offline_message(subscriptions: &[Subscription]) -> String {
    let last = subscriptions
        .iter()
        .filter_map(|s| s.last_success.as_deref())
        .max()
        .map_or_else(|| "jamais".to_owned(), date_time);
    format!(
        "Vous êtes hors ligne : vos abonnements seront actualisés au retour de la connexion. \
         Dernière actualisation : {last}."
    )
}

/// "2026-03-14T10:20:00Z" → "14/03/2026 à 11 h 20", in this browser's time zone (its offset
/// at that instant).
pub fn date_time(instant: &str) -> String {
    let offset = -js_sys::Date::new(&instant.into()).get_timezone_offset();
    let offset = if offset.is_finite() { offset as i64 } else { 0 };
    crate::subscription::local_date_time(instant, offset)
}

/// What fetching a feed gave.
enum Got {
    Bytes(Vec<u8>),
    Failed(Status),
    /// No answer at all (the host is unreachable, or this browser is offline).
    NoAnswer,
}

/// What a feed's bytes say, once read and judged.
enum Read {
    Failed(Status),
    Unchanged(FeedHeader),
    /// Its content admitted, until it is taken for the import.
    Fresh(FeedHeader, Option<Admitted>),
}

async fn database(state: AppState) -> Option<Database> {
    state.with_db(|db| async move { db }).await
}

/// One refresh.
async fn run(state: AppState, which: &Which) -> Ran {
    let Some(db) = database(state).await else {
        return Ran::Said("Le stockage n'est pas encore prêt ; réessayez dans un instant.".into());
    };
    let subscriptions = match store::subscriptions(&db).await {
        Ok(list) => list,
        Err(e) => return Ran::Said(e.message),
    };
    let now = now_seconds();
    let chosen: Vec<Subscription> = subscriptions
        .iter()
        .filter(|s| match which {
            Which::Due => s.due(now),
            Which::All => true,
            Which::One(url) => &s.url == url,
        })
        .cloned()
        .collect();
    if chosen.is_empty() {
        return Ran::Tried(Vec::new());
    }
    if !online() {
        return Ran::Said(offline_message(&subscriptions));
    }
    let urls: Vec<String> = chosen.iter().map(|s| s.url.clone()).collect();
    let got = fetch_all(&urls).await;
    // Every feed without an answer: this browser is offline if its own site does not answer
    // either. Then nothing changes: the list keeps its last state.
    if got.iter().all(|g| matches!(g, Got::NoAnswer)) && !site_answers().await {
        return Ran::Said(offline_message(&subscriptions));
    }
    let at = now_utc();
    let network = signatures::stored_network(&db)
        .await
        .map(|l| l.keys())
        .unwrap_or_default();
    let current = state.catalogue_now();
    let mut outcomes = Vec::with_capacity(chosen.len());
    for (subscription, got) in chosen.iter().zip(got) {
        let read = match got {
            Got::Bytes(bytes) => read_feed(bytes, subscription, &current, &network).await,
            Got::Failed(status) => Read::Failed(status),
            Got::NoAnswer => Read::Failed(Status::Unreachable),
        };
        outcomes.push(read);
    }

    // Every feed that brought something, in one import.
    let mut carried: Vec<(usize, BTreeSet<(EntityKind, String)>)> = Vec::new();
    let mut admitted = Vec::new();
    for (i, read) in outcomes.iter_mut().enumerate() {
        if let Read::Fresh(_, content) = read {
            if let Some(content) = content.take() {
                let keys = crate::exchange::preview_keys(content.catalogue());
                carried.push((i, keys.into_iter().collect()));
                admitted.push(content);
            }
        }
    }
    let mut changes = vec![0usize; outcomes.len()];
    let mut news = Refresh {
        at: at.clone(),
        ..Refresh::default()
    };
    let mut import_failed: Option<String> = None;
    let combined = (!admitted.is_empty()).then(|| combine(&current, admitted, &network));
    // Content that changes nothing (a feed published again as it was) is not imported: the
    // import log and the undo of the last real import stay as they are.
    let combined = match combined {
        Some(c) if changes_something(&current, &c).await => Some(c),
        _ => None,
    };
    drop(current);
    if let Some(combined) = combined {
        let names: Vec<&str> = carried.iter().map(|(i, _)| chosen[*i].title()).collect();
        let source = format!("abonnements : {}", names.join(", "));
        match store::import(&db, combined, &network, &source, &at, &|_| {}).await {
            Ok(report) => {
                slicing::page_turn().await;
                let mut lines: Vec<Vec<String>> = vec![Vec::new(); carried.len()];
                for item in &report.preview.items {
                    let Some(line) = news_line(item, &report.catalogue) else {
                        continue;
                    };
                    let key = (item.kind, item.id.clone());
                    // From the first feed that carried it.
                    if let Some(n) = carried.iter().position(|(_, keys)| keys.contains(&key)) {
                        lines[n].push(line);
                        changes[carried[n].0] += 1;
                    }
                }
                news.sources = carried
                    .iter()
                    .zip(lines)
                    .filter(|(_, lines)| !lines.is_empty())
                    .map(|((i, _), lines)| NewsSource {
                        name: match &outcomes[*i] {
                            Read::Fresh(header, _) => header.name.clone(),
                            _ => chosen[*i].title().to_owned(),
                        },
                        url: chosen[*i].url.clone(),
                        lines,
                    })
                    .collect();
                news.log_len = store::import_log(&db).await.map(|l| l.len()).unwrap_or(0);
                state.imported(report, |_| {}).await;
            }
            Err(e) => import_failed = Some(e.message),
        }
    }
    if !news.sources.is_empty() {
        let _ = store::add_refresh(&db, &news).await;
    }

    // The subscriptions follow: pins and sequences only for what was applied.
    let mut updated = chosen;
    for ((i, subscription), read) in updated.iter_mut().enumerate().zip(outcomes) {
        match read {
            Read::Failed(status) => subscription.failed(status, &at, now),
            Read::Unchanged(header) => subscription.succeeded(Status::UpToDate, &header, &at),
            Read::Fresh(_, _) if import_failed.is_some() => {
                let message = import_failed.clone().unwrap_or_default();
                subscription.failed(Status::Failed { message }, &at, now);
            }
            Read::Fresh(header, _) => {
                let status = match changes[i] {
                    0 => Status::UpToDate,
                    n => Status::Updated { changes: n },
                };
                subscription.succeeded(status, &header, &at);
            }
        }
    }
    // Written over what is stored now: a subscription removed meanwhile stays removed.
    let stored: BTreeSet<String> = store::subscriptions(&db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.url)
        .collect();
    updated.retain(|s| stored.contains(&s.url));
    if let Err(e) = store::put_subscriptions(&db, &updated).await {
        return Ran::Said(e.message);
    }
    Ran::Tried(
        updated
            .into_iter()
            .filter_map(|s| Some((s.url, s.status?)))
            .collect(),
    )
}

/// Whether importing `incoming` would change `current` (compared a slice at a time).
async fn changes_something(current: &Catalogue, incoming: &Admitted) -> bool {
    let mut slices = slicing::Slices::new();
    for (kind, id) in crate::exchange::preview_keys(incoming.catalogue()) {
        if incoming.replaces(kind, &id)
            || crate::exchange::preview_item(current, incoming.catalogue(), kind, id)
                .outcome
                .changes_catalogue()
        {
            return true;
        }
        if slices.due() {
            slicing::page_turn().await;
            slices.restart();
        }
    }
    false
}

/// Reads, checks and judges one feed's bytes, and admits its content when it is fresh.
async fn read_feed(
    bytes: Vec<u8>,
    subscription: &Subscription,
    current: &Catalogue,
    network: &crate::exchange::NetworkKeys,
) -> Read {
    let mut reading = Reading::new(&bytes, Limits::default());
    let mut slices = slicing::Slices::new();
    while reading.step(32 * 1024).is_some() {
        if slices.due() {
            slicing::page_turn().await;
            slices.restart();
        }
    }
    let doc = match reading.finish() {
        Ok(doc) => doc,
        Err(problems) => return Read::Failed(refused(&problems)),
    };
    drop(bytes);
    let Some(header) = doc.feed.clone() else {
        return Read::Failed(Status::BadSignature);
    };
    if !header_holds(&header).await {
        return Read::Failed(Status::BadSignature);
    }
    let pin = subscription.pin();
    match judge(&header, pin.as_ref(), &subscription.listed_keys(current)) {
        Judgement::Unchanged => Read::Unchanged(header),
        Judgement::Older { seen, got } => Read::Failed(Status::Older { seen, got }),
        Judgement::OtherKey { .. } => Read::Failed(Status::OtherKey),
        Judgement::OtherPublisher { got, .. } => Read::Failed(Status::OtherPublisher { got }),
        Judgement::Fresh { .. } => {
            match signatures::admitted(current, doc.catalogue, network).await {
                Ok(admitted) => Read::Fresh(header, Some(admitted)),
                Err(message) => Read::Failed(Status::Failed { message }),
            }
        }
    }
}

/// The status of a feed the door refused.
fn refused(problems: &Problems) -> Status {
    let list = &problems.list;
    if list.iter().any(|p| p.path.starts_with("flux.signature")) {
        Status::BadSignature
    } else if list
        .iter()
        .any(|p| p.message.starts_with("Le fichier est trop volumineux"))
    {
        Status::TooBig
    } else {
        Status::NotAFeed {
            problem: list.first().map(|p| p.to_string()).unwrap_or_default(),
        }
    }
}

/// Whether the header's signature holds over its bytes (WebCrypto).
async fn header_holds(header: &FeedHeader) -> bool {
    let Some((key, signature)) = header.signature_bytes() else {
        return false;
    };
    webcrypto::verify_all(&[webcrypto::Check {
        public: &key,
        message: header.message(),
        signature: &signature,
    }])
    .await
    .ok()
    .and_then(|v| v.first().copied())
    .unwrap_or(false)
}

/// Whether this app's own site answers (a request no cache may answer).
async fn site_answers() -> bool {
    let url = format!(
        "{}?verification={}",
        signatures::NETWORK_URL,
        js_sys::Date::now()
    );
    gloo::net::http::Request::get(&url)
        .cache(web_sys::RequestCache::NoStore)
        .send()
        .await
        .is_ok()
}

/// Fetches `urls`, at most [`IN_PARALLEL`] at once; the answers in the same order.
async fn fetch_all(urls: &[String]) -> Vec<Got> {
    let next = Rc::new(Cell::new(0usize));
    let results: Rc<RefCell<Vec<Option<Got>>>> =
        Rc::new(RefCell::new((0..urls.len()).map(|_| None).collect()));
    let urls: Rc<Vec<String>> = Rc::new(urls.to_vec());
    let workers: Vec<Pin<Box<dyn Future<Output = ()>>>> = (0..IN_PARALLEL.min(urls.len()))
        .map(|_| {
            let (next, results, urls) = (next.clone(), results.clone(), urls.clone());
            Box::pin(async move {
                loop {
                    let i = next.get();
                    if i >= urls.len() {
                        break;
                    }
                    next.set(i + 1);
                    let got = fetch_feed(&urls[i]).await;
                    results.borrow_mut()[i] = Some(got);
                }
            }) as Pin<Box<dyn Future<Output = ()>>>
        })
        .collect();
    JoinAll(workers).await;
    let results = std::mem::take(&mut *results.borrow_mut());
    results
        .into_iter()
        .map(|g| g.unwrap_or(Got::NoAnswer))
        .collect()
}

/// Waits for every future (a few workers, polled in turn).
struct JoinAll(Vec<Pin<Box<dyn Future<Output = ()>>>>);

impl Future for JoinAll {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if self.0.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// One feed over HTTP: the browser revalidates what it has (`no-cache`), sends no cookie to
/// another site, and follows redirects (fetch's defaults). A request the browser refuses to read is tried once more without CORS:
/// an (opaque) answer means the host refuses cross-origin reading; none, that it is unreachable.
async fn fetch_feed(url: &str) -> Got {
    use gloo::net::http::Request;
    use web_sys::{RequestCache, RequestMode};
    // Redirects are followed and no cookie goes to another site: fetch's defaults (each option
    // set is one more browser import in the first download).
    let request = |mode| Request::get(url).cache(RequestCache::NoCache).mode(mode);
    let response = match request(RequestMode::Cors).send().await {
        Ok(response) => response,
        Err(_) => {
            return match request(RequestMode::NoCors).send().await {
                Ok(_) if online() => Got::Failed(Status::CrossOrigin),
                _ => Got::NoAnswer,
            }
        }
    };
    match response.status() {
        404 | 410 => return Got::Failed(Status::NotFound),
        status if !(200..300).contains(&status) => return Got::Failed(Status::Unreachable),
        _ => {}
    }
    let max = Limits::default().max_bytes;
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|n| n.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Got::Failed(Status::TooBig);
    }
    let raw: web_sys::Response = response.into();
    let Ok(promise) = raw.array_buffer() else {
        return Got::NoAnswer;
    };
    match crate::ui::bytes::copied(promise).await {
        Some(bytes) if bytes.len() > max => Got::Failed(Status::TooBig),
        Some(bytes) => Got::Bytes(bytes),
        None => Got::NoAnswer,
    }
}

//! Small pieces shared by pages: label badge, safe external link, prototype card, progress bar,
//! outcome notices, French number and date formatting, links under the base path.

use crate::address::Route;
use crate::label::Status;
use crate::search::Entry;
use leptos::prelude::*;

/// "4,2" — French decimal comma, one decimal (for averages of notes, never negative). In whole
/// tenths: formatting a float would bring its algorithms and tables into the first download.
pub fn decimal(x: f64) -> String {
    let tenths = (x * 10.0).round().max(0.0) as u64;
    format!("{},{}", tenths / 10, tenths % 10)
}

/// A count as French writes it: digits in groups of three, split by a narrow no-break space
/// ("20 048").
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202F}');
        }
        out.push(d);
    }
    out
}

/// "1 rapport", "3 rapports", "1 200 rapports".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", count(n))
    }
}

/// "2026-03-14" → "14/03/2026".
pub fn french_date(day: &str) -> String {
    match (day.get(0..4), day.get(5..7), day.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => day.to_owned(),
    }
}

/// A text, or "—" when there is none.
pub fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".to_owned()
    } else {
        s.to_owned()
    }
}

thread_local! {
    static BASE: std::cell::OnceCell<String> = const { std::cell::OnceCell::new() };
}

/// The path the app is served under ("" at the root of a host, "/prototheque" under a
/// sub-path), read once from the `<base>` Trunk writes from its public URL.
pub fn base_path() -> String {
    BASE.with(|b| {
        b.get_or_init(|| {
            let path = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.base_uri().ok().flatten())
                .and_then(|uri| web_sys::Url::new(&uri).ok())
                .map(|url| url.pathname())
                .unwrap_or_default();
            path.trim_end_matches('/').to_owned()
        })
        .clone()
    })
}

/// An app path ("/centres") as a link target, under the path the app is served from (every link
/// the app writes goes through here, so links are absolute and the router needs no base). Links
/// to pages come from their route: [`href`].
pub fn to(path: &str) -> String {
    format!("{}{path}", base_path())
}

/// An address's path as an app path: without the base path the app is served under.
pub fn app_path(path: String) -> String {
    path.strip_prefix(&base_path())
        .map(str::to_owned)
        .unwrap_or(path)
}

/// The current app path, without the base path.
pub fn current_path() -> String {
    app_path(
        web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default(),
    )
}

/// Where an action's outcome is told (see `AppState::tell`).
#[component]
pub fn NoticeArea(area: &'static str) -> impl IntoView {
    let state = expect_context::<super::state::AppState>();
    view! {
        <div role="status" class="notice-area">
            {move || state.notice.get().filter(|n| n.area == area && n.path == current_path()).map(|n| match n.message {
                Ok(text) => view! { <p class="success-box">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error-box">{text}</p> }.into_any(),
            })}
        </div>
    }
}

/// Moves keyboard focus to the element of id `id`, if there is one (and gives it back).
pub fn focus_id(id: &str) -> Option<web_sys::HtmlElement> {
    let element = web_sys::window()?.document()?.get_element_by_id(id)?;
    let element = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element).ok()?;
    let _ = element.focus();
    Some(element)
}

/// The link to a page: its route's path under the base path (see [`to`]).
pub fn href(route: &Route) -> String {
    to(&route.path())
}

/// A plain link: the router still takes the click, but the link is not told which page is
/// current, so it costs no reactive effect (cards show 60 of them per keystroke).
#[component]
pub fn LabelBadge(status: Status) -> impl IntoView {
    view! {
        <a href=href(&Route::Label) class=format!("badge badge-{}", status.slug())>
            {status.label()}
        </a>
    }
}

/// A link from imported data: only `http`, `https` and `mailto` become links (the exchange door
/// already refuses others; this is the second lock). Opens in a new tab without giving the
/// target page any handle on this one.
#[component]
pub fn SafeLink(url: String, title: String) -> impl IntoView {
    let lower = url.to_ascii_lowercase();
    let safe = ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p));
    if safe {
        view! {
            <a href=url.clone() target="_blank" rel="noopener noreferrer">
                {title}
                <span class="visually-hidden">" (nouvelle fenêtre)"</span>
            </a>
            <span class="print-url">{format!(" — {url}")}</span>
        }
        .into_any()
    } else {
        view! { <span>{title}" — "{url}</span> }.into_any()
    }
}

/// One prototype in a list.
#[component]
pub fn PrototypeCard(entry: Entry) -> impl IntoView {
    let rating = match entry.average {
        Some(avg) => format!(
            "Note moyenne {} sur 5 · {}",
            decimal(avg),
            plural(
                entry.reports,
                "rapport d'expérience",
                "rapports d'expérience"
            )
        ),
        None => "Pas encore de rapport d'expérience".to_owned(),
    };
    let adaptations = (entry.adaptations > 0).then(|| {
        view! { <li class="adaptations">{format!("Adapté {} par d'autres centres", plural(entry.adaptations, "fois", "fois"))}</li> }
    });
    view! {
        <li class="card" data-theme=entry.theme.slug() data-id=entry.id.clone()>
            // Plain links, like the badge's: a list re-drawn on every keystroke stays light.
            <h2><a href=href(&Route::Prototype(entry.id.clone()))>{entry.title.clone()}</a></h2>
            <p class="meta">
                <span class="theme">{entry.theme.label()}</span>
                " · "
                <span class="centre">{entry.centre_name.clone()}</span>
                " · "
                <span class="kind">{entry.kind.label()}</span>
            </p>
            <p class="summary">{entry.summary.clone()}</p>
            <ul class="facts">
                <li><LabelBadge status=entry.status/></li>
                <li class="rating">{rating}</li>
                {adaptations}
                {entry.in_conflict.then(|| view! { <li class="conflict">"Versions en conflit"</li> })}
            </ul>
        </li>
    }
}

/// A progress bar with its percentage in words, for a step that takes a while.
#[component]
pub fn Progress(label: &'static str, done: RwSignal<f64>) -> impl IntoView {
    // A whole number: see `decimal`.
    let percent = move || (done.get() * 100.0).floor().clamp(0.0, 100.0) as u32;
    view! {
        <div class="progress">
            <progress max="100" value=percent aria-label=label aria-valuetext=move || format!("{} %", percent())></progress>
            <span aria-hidden="true">{move || format!("{} %", percent())}</span>
        </div>
    }
}

use super::AppState;
use crate::model::{Catalogue, Theme};
use leptos::prelude::*;

/// A prototype as a card shows it.
#[derive(Clone, PartialEq)]
struct CardData {
    id: String,
    title: String,
    theme: Theme,
    centre: String,
    summary: String,
}

fn cards(catalogue: &Catalogue, theme: Option<Theme>) -> Vec<CardData> {
    catalogue
        .live_prototypes()
        .filter(|(_, p)| theme.is_none_or(|t| p.theme == t))
        .map(|(id, p)| CardData {
            id: id.to_owned(),
            title: p.title.clone(),
            theme: p.theme,
            centre: catalogue
                .centre(&p.centre)
                .map_or_else(|| p.centre.clone(), |c| c.name.clone()),
            summary: p.summary.clone(),
        })
        .collect()
}

#[component]
pub fn HomePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let theme = RwSignal::new(None::<Theme>);
    view! {
        <h1>"Prototèque — Centres sociaux connectés"</h1>
        <p class="intro">
            "Les pratiques numériques inventées avec les habitants des centres sociaux, prêtes à être "
            "reproduites et adaptées chez vous."
        </p>
        {move || match state.catalogue.get() {
            None => view! { <p role="status">"Chargement du catalogue…"</p> }.into_any(),
            Some(Err(message)) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            Some(Ok(catalogue)) => view! { <CatalogueView catalogue theme/> }.into_any(),
        }}
    }
}

/// The list of prototype cards with its theme filter.
#[component]
pub fn CatalogueView(catalogue: Catalogue, theme: RwSignal<Option<Theme>>) -> impl IntoView {
    let total = catalogue.live_prototypes().count();
    let centres = catalogue.live_centres().count();
    let catalogue = StoredValue::new(catalogue);
    let shown = Memo::new(move |_| catalogue.with_value(|c| cards(c, theme.get())));
    let theme_button = move |value: Option<Theme>, label: &'static str| {
        view! {
            <button
                type="button"
                class="chip"
                aria-pressed=move || (theme.get() == value).to_string()
                on:click=move |_| theme.set(value)
            >
                {label}
            </button>
        }
    };
    view! {
        <p class="totals">{format!("{total} prototypes partagés par {centres} centres")}</p>
        <div class="filters" role="group" aria-label="Filtrer par thème">
            {theme_button(None, "Tous les thèmes")}
            {Theme::ALL.into_iter().map(|t| theme_button(Some(t), t.label())).collect_view()}
        </div>
        <p class="result-count" role="status" aria-live="polite">
            {move || match shown.with(Vec::len) {
                0 => "Aucun prototype pour ce thème.".to_owned(),
                1 => "1 prototype affiché".to_owned(),
                n => format!("{n} prototypes affichés"),
            }}
        </p>
        <ul class="cards">
            <For each=move || shown.get() key=|card| card.id.clone() let:card>
                <li class="card" data-theme=card.theme.slug()>
                    <h2>{card.title}</h2>
                    <p class="meta">
                        <span class="theme">{card.theme.label()}</span>
                        " · "
                        <span class="centre">{card.centre}</span>
                    </p>
                    <p>{card.summary}</p>
                </li>
            </For>
        </ul>
    }
}

//! "À propos" and the label page: the programme, the label's public criteria in plain French and
//! what counts toward them, where the data lives.

use crate::address::Route;
use crate::label::{self, Status, CRITERIA};
use crate::model::Facts;
use crate::search::Query;
use crate::ui::router::A;
use crate::ui::search_url::href_with;
use crate::ui::state::AppState;
use crate::ui::widgets::{count, href, LabelBadge};
use leptos::prelude::*;

#[component]
fn Criteria() -> impl IntoView {
    view! {
        <ol class="criteria-public">
            {CRITERIA.iter().map(|c| view! { <li><strong>{c.title}</strong>" : "{c.explanation}</li> }).collect_view()}
        </ol>
    }
}

/// What counts for the label, now that every version is signed (see the « Confiance » page).
#[component]
fn WhatCounts() -> impl IntoView {
    view! {
        <p>
            "Ces critères ne comptent que les rapports d'expérience et les adaptations signés par des "
            "centres que ce navigateur tient pour fiables : ceux de la liste du réseau, ceux dont vous avez "
            "vérifié l'empreinte, et le vôtre s'il signe depuis ce navigateur. La note et les adaptations "
            "viennent de centres autres que l'auteur. Un prototype « non vérifié » (sans signature, ou signé "
            "par un centre que personne n'a vérifié) n'est jamais labellisé. "
            <A href=href(&Route::Trust)>"Voir la confiance accordée à chaque centre"</A>
        </p>
    }
}

#[component]
pub fn AboutPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let persistence = move || {
        match state.persistence.get() {
        None => "Le navigateur n'a pas encore répondu à la demande de stockage durable.",
        Some(true) => "Stockage durable accordé : le navigateur ne supprimera pas ces données pour faire de la place.",
        Some(false) => {
            "Stockage durable non accordé : le navigateur pourrait effacer ces données s'il manque de \
             place. Exportez régulièrement votre catalogue pour en garder une copie."
        }
    }
    };
    view! {
        <h1>"À propos de Prototèque"</h1>
        <h2>"Le programme"</h2>
        <p>
            "« Centres sociaux connectés » réunit huit centres sociaux de la Métropole Européenne de "
            "Lille, sur deux territoires (Versant Nord-Est et Lille Sud). Avec leurs habitants, ils "
            "animent des ateliers sur sept thèmes — accueil, parentalité, pouvoir d'agir, lutte contre "
            "les exclusions, communication, action globale, e-administration — et choisissent des "
            "réponses numériques : applications, services en ligne, usages des réseaux sociaux, ateliers."
        </p>
        <p>
            "Chaque réponse devient un prototype, accompagné d'un livret pédagogique pour qu'un autre "
            "centre puisse le reproduire et l'adapter. Objectifs : 480 habitants impliqués, 8 tiers-lieux, "
            "48 prototypes et un label commun, puis l'essaimage dans la région et dans toute la France."
        </p>
        <h2>"Le label"</h2>
        <p>"Un prototype reçoit le label « Centres sociaux connectés » quand il remplit ces cinq critères publics, calculés à partir des données du catalogue :"</p>
        <Criteria/>
        <WhatCounts/>
        <p><A href=href(&Route::Label)>"Voir les prototypes labellisés et les candidats"</A></p>
        <h2>"Où sont vos données ?"</h2>
        <p>
            "Toutes les données sont gardées dans ce navigateur, sur cet appareil : rien n'est envoyé "
            "sur un serveur. Exportez régulièrement votre catalogue pour en garder une copie et le "
            "partager avec les autres centres."
        </p>
        <p class="persistence">{persistence}</p>
        <p>
            "Le catalogue fourni au départ est un exemple, écrit pour présenter la démarche : il a "
            "vocation à être remplacé par les prototypes des centres."
        </p>
    }
}

/// The most prototypes each list of the label page names; the catalogue, filtered by status,
/// shows the rest a page at a time.
const LABEL_LIST_MAX: usize = 100;

/// One list of the label page: its status, how many prototypes have it, the first of them by
/// title (id, title, criteria still missing) and where the catalogue shows them all.
type LabelGroup = (
    Status,
    usize,
    Vec<(String, String, Vec<&'static str>)>,
    String,
);

#[component]
pub fn LabelPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The index knows every prototype's status: the page lists from it, and assesses only the
    // prototypes it names, to say what each candidate still misses.
    let groups = move || -> Option<[LabelGroup; 2]> {
        state.index.with(|index| {
            let index = index.as_ref()?;
            state.catalogue.with(|c| {
                let c = c.as_ref()?.as_ref().ok()?;
                let found = |status: Status| {
                    let query = Query {
                        status: Some(status),
                        ..Query::default()
                    };
                    (
                        index.search(&query).hits,
                        href_with(&Route::Catalogue, &query),
                    )
                };
                let found = [found(Status::Labelled), found(Status::Candidate)];
                // Only the named prototypes' reports are needed, not the catalogue's.
                let named: std::collections::HashSet<&str> = found
                    .iter()
                    .flat_map(|(hits, _)| hits.iter().take(LABEL_LIST_MAX))
                    .map(|&i| index.entry(i).id.as_str())
                    .collect();
                let facts = Facts::about(c, |id| named.contains(id));
                let group = |status: Status, (hits, all): &(Vec<usize>, String)| {
                    let named = hits
                        .iter()
                        .take(LABEL_LIST_MAX)
                        .map(|&i| {
                            let e = index.entry(i);
                            let missing = c
                                .prototype(&e.id)
                                .map(|p| {
                                    label::assess_with(p, &e.id, &facts)
                                        .checklist()
                                        .filter(|(_, met)| !met)
                                        .map(|(criterion, _)| criterion.title)
                                        .collect()
                                })
                                .unwrap_or_default();
                            (e.id.clone(), e.title.clone(), missing)
                        })
                        .collect();
                    (status, hits.len(), named, all.clone())
                };
                Some([
                    group(Status::Labelled, &found[0]),
                    group(Status::Candidate, &found[1]),
                ])
            })
        })
    };
    view! {
        <h1>"Le label « Centres sociaux connectés »"</h1>
        <p class="intro">
            "Le label distingue les prototypes qui ont fait leurs preuves : documentés, libres, testés "
            "avec des habitants, appréciés et reproduits par d'autres centres. Il est calculé à partir "
            "des données, selon ces critères publics :"
        </p>
        <Criteria/>
        <WhatCounts/>
        {move || groups().map(|groups| groups.into_iter().map(|(status, total, list, all)| view! {
            <section>
                <h2>{match status { Status::Labelled => "Prototypes labellisés", _ => "Candidats au label" }}{format!(" ({})", count(total))}</h2>
                <ul class="label-list">
                    {list.into_iter().map(|(id, title, missing)| view! {
                        <li>
                            <a href=href(&Route::Prototype(id))>{title}</a>" "<LabelBadge status/>
                            {(!missing.is_empty()).then(|| view! { <span class="missing">{format!(" Manque : {}.", missing.join(", "))}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
                {(total > LABEL_LIST_MAX).then(|| view! {
                    <p>
                        {format!("Les {LABEL_LIST_MAX} premiers par titre. ")}
                        <a href=all>{format!("Voir les {} dans le catalogue", count(total))}</a>
                    </p>
                })}
            </section>
        }).collect_view())}
    }
}

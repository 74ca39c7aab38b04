//! "À propos" and the label page: the programme, the label's public criteria in plain French,
//! where the data lives.

use super::state::AppState;
use super::widgets::{prototype_href, to, LabelBadge};
use crate::label::{self, Status, CRITERIA};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
fn Criteria() -> impl IntoView {
    view! {
        <ol class="criteria-public">
            {CRITERIA.iter().map(|c| view! { <li><strong>{c.title}</strong>" : "{c.explanation}</li> }).collect_view()}
        </ol>
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
        <p><A href=to("/label")>"Voir les prototypes labellisés et les candidats"</A></p>
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

#[component]
pub fn LabelPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let groups = move || {
        state.catalogue.with(|c| {
            let c = c.as_ref()?.as_ref().ok()?;
            let all = label::assess_all(c);
            let group = |status: Status| {
                let mut v: Vec<(String, String, Vec<&'static str>)> = all
                    .iter()
                    .filter(|(_, a)| a.status == status)
                    .map(|(id, a)| {
                        let missing = a
                            .checklist()
                            .filter(|(_, m)| !m)
                            .map(|(c, _)| c.title)
                            .collect();
                        (
                            id.clone(),
                            c.prototype(id).map(|p| p.title.clone()).unwrap_or_default(),
                            missing,
                        )
                    })
                    .collect();
                v.sort_by(|a, b| a.1.cmp(&b.1));
                v
            };
            Some([
                (Status::Labelled, group(Status::Labelled)),
                (Status::Candidate, group(Status::Candidate)),
            ])
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
        {move || groups().map(|groups| groups.into_iter().map(|(status, list)| view! {
            <section>
                <h2>{match status { Status::Labelled => "Prototypes labellisés", _ => "Candidats au label" }}{format!(" ({})", list.len())}</h2>
                <ul class="label-list">
                    {list.into_iter().map(|(id, title, missing)| view! {
                        <li>
                            <A href=prototype_href(&id)>{title}</A>" "<LabelBadge status/>
                            {(!missing.is_empty()).then(|| view! { <span class="missing">{format!(" Manque : {}.", missing.join(", "))}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }).collect_view())}
    }
}

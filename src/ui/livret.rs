//! A livret pédagogique laid out as a booklet: on a prototype's page, in the printable book and
//! in the editor's preview.

use super::widgets::{or_dash, SafeLink};
use crate::model::Livret;
use leptos::prelude::*;

fn text_list(items: &[String]) -> impl IntoView {
    if items.is_empty() {
        view! { <p class="missing">"Non renseigné."</p> }.into_any()
    } else {
        view! { <ul>{items.iter().map(|i| view! { <li>{i.clone()}</li> }).collect_view()}</ul> }
            .into_any()
    }
}

/// The livret pédagogique laid out as a booklet.
#[component]
pub fn LivretView(livret: Livret) -> impl IntoView {
    let l = livret;
    view! {
        <section class="livret" aria-labelledby="livret">
            <h2 id="livret">"Livret pédagogique"</h2>
            <dl class="facts-list">
                <dt>"Durée"</dt><dd>{or_dash(&l.duration)}</dd>
                <dt>"Taille du groupe"</dt><dd>{or_dash(&l.group_size)}</dd>
                <dt>"Coût"</dt><dd>{or_dash(&l.cost)}</dd>
                <dt>"Pour qui"</dt><dd>{or_dash(&l.public)}</dd>
            </dl>
            <h3>"Objectifs"</h3>
            {text_list(&l.objectives)}
            <h3>"Matériel"</h3>
            {text_list(&l.materials)}
            <h3>"Préparation"</h3>
            {text_list(&l.preparation)}
            <h3>"Déroulé"</h3>
            {if l.steps.is_empty() {
                view! { <p class="missing">"Non renseigné."</p> }.into_any()
            } else {
                view! {
                    <ol class="steps">
                        {l.steps.iter().map(|s| view! {
                            <li>
                                <h4>{s.title.clone()}{(!s.duration.is_empty()).then(|| view! { <span class="duration">{format!(" ({})", s.duration)}</span> })}</h4>
                                <p>{s.description.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <h3>"Conseils d'animation"</h3>
            {text_list(&l.facilitation_tips)}
            <h3>"Pièges à éviter"</h3>
            {text_list(&l.pitfalls)}
            <h3>"Évaluer"</h3>
            {text_list(&l.evaluation)}
            <h3>"Ressources"</h3>
            {if l.resources.is_empty() {
                view! { <p class="missing">"Non renseigné."</p> }.into_any()
            } else {
                view! {
                    <ul class="resources">
                        {l.resources.iter().map(|r| view! { <li><SafeLink url=r.url.clone() title=r.title.clone()/></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

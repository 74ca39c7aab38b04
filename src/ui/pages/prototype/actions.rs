//! What a centre can do on a prototype's page: edit its own, adapt another's, compare an
//! adaptation with its original, export it, tell how it went ("Nous l'avons testé"), and settle
//! a conflict between concurrent versions.

use crate::address::Route;
use crate::exchange::{check_rating, new_id, with_edit};
use crate::model::{
    prototype_owner, rating_owner, Counted, Criteria, ForkOrigin, Prototype, Rating, Vouches,
    Writing,
};
use crate::store::Change;
use crate::ui::export::{ExportButtons, Selection};
use crate::ui::need_centre::NeedCentre;
use crate::ui::router::{use_router, A};
use crate::ui::state::{now_utc, today, AppState};
use crate::ui::text_field::{Input, TextField};
use crate::ui::trust::{signs_for_my_centre, TrustBadge};
use crate::ui::widgets::{current_path, french_date, href, NoticeArea};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The buttons above a prototype's content.
#[component]
pub fn PrototypeActions(id: String, prototype: Prototype) -> impl IntoView {
    let state = expect_context::<AppState>();
    let router = use_router();
    let status = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let prototype = StoredValue::new(prototype);
    let mine = move || state.my_centre.get();
    let signs = signs_for_my_centre();
    let writing = Memo::new(move |_| prototype_writing(state, &id.get_value(), signs));

    let adapt = move |_| {
        let Some(me) = state.my_centre.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let (parent_id, parent) = (id.get_value(), prototype.get_value());
            let revision = state
                .with_catalogue(|c| c.prototypes.get(&parent_id).map(|r| r.winner().revision))
                .flatten()
                .unwrap_or(1);
            let Some(new) = state
                .with_catalogue(|c| new_id(&me, &parent.title, |x| c.prototypes.contains_key(x)))
            else {
                return;
            };
            let mut copy = parent.clone();
            copy.centre = me.clone();
            copy.created = today();
            copy.forked_from = Some(ForkOrigin {
                prototype: parent_id,
                revision,
                extra: Default::default(),
            });
            let record = with_edit(None, &me, &now_utc(), Some(copy));
            match state
                .save(vec![Change::Prototype(new.clone(), record)])
                .await
            {
                Ok(()) => router.go(&href(&Route::EditPrototype(new))),
                Err(e) => status.set(Some(e)),
            }
        });
    };
    let here = move || Route::Prototype(id.get_value()).path();
    let export_selection = Signal::derive(move || Selection::Prototypes([id.get_value()].into()));
    view! {
        <div class="actions no-print">
            {move || match (mine(), writing.get()) {
                (None, _) => view! { <NeedCentre here=here() action="modifier, adapter ou évaluer ce prototype"/> }.into_any(),
                // Until this browser's keys are read (a moment).
                (Some(_), None) => ().into_any(),
                (Some(_), Some(Writing::Signed | Writing::Unsigned)) => view! {
                    <A href=href(&Route::EditPrototype(id.get_value())) attr:class="button">"Modifier"</A>
                }.into_any(),
                (Some(_), Some(Writing::Locked)) => view! {
                    <p class="hint">{locked(&state.with_catalogue(|c| owner_name(c, &id.get_value())).unwrap_or_default())}</p>
                    <button type="button" class="primary" on:click=adapt>"Adapter pour mon centre"</button>
                }.into_any(),
                (Some(_), Some(Writing::Others)) => view! {
                    <button type="button" class="primary" on:click=adapt>"Adapter pour mon centre"</button>
                }.into_any(),
            }}
            {prototype.with_value(|p| p.forked_from.is_some()).then(|| view! {
                <A href=href(&Route::Compare(id.get_value())) attr:class="button">"Comparer avec l'original"</A>
            })}
            <ExportButtons selection=export_selection label="Exporter ce prototype" subject=id.get_value()/>
            <p role="status">{move || status.get()}</p>
        </div>
    }
}

/// What « Mon centre » may write over prototype `id` (see `model::Writing`): `None` while no
/// centre is chosen, this browser's keys are not read yet, or the prototype is not here.
fn prototype_writing(
    state: AppState,
    id: &str,
    signs: ReadSignal<Option<bool>>,
) -> Option<Writing> {
    let me = state.my_centre.get()?;
    let signs = signs.get()?;
    state
        .with_catalogue(|c| {
            let record = c.prototypes.get(id)?;
            Some(Writing::of(
                prototype_owner(record),
                Some(record),
                &me,
                signs,
            ))
        })
        .flatten()
}

/// The name of the centre prototype `id` belongs to.
fn owner_name(c: &crate::model::Catalogue, id: &str) -> String {
    let owner = c.prototypes.get(id).map_or("", prototype_owner);
    c.centre(owner)
        .map_or_else(|| owner.to_owned(), |c| c.name.clone())
}

/// Why this browser may not edit a prototype its centre signed: it does not hold the key.
fn locked(centre: &str) -> String {
    format!(
        "Ce prototype est signé par {centre} ; ce navigateur n'a pas sa clé. Vous pouvez l'adapter \
         pour votre centre."
    )
}

const CRITERIA: [(&str, &str); 4] = [
    ("reproductibilite", "Facile à reproduire"),
    (
        "publics-eloignes",
        "Adapté aux publics éloignés du numérique",
    ),
    ("cout", "Coût raisonnable"),
    (
        "pouvoir-d-agir",
        "Développe le pouvoir d'agir des habitants",
    ),
];

/// "Nous l'avons testé": one report per centre and prototype; sending again edits it.
#[component]
pub fn RatingForm(id: String, author_centre: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(id);
    let existing = move || {
        let me = state.my_centre.get()?;
        state
            .with_catalogue(|c| {
                c.live_ratings()
                    .find(|(_, r)| r.prototype == id.get_value() && r.centre == me)
                    .map(|(_, r)| r.clone())
            })
            .flatten()
    };
    let signs = signs_for_my_centre();
    // One report per centre: « Mon centre »'s is the one this form writes.
    let writing = Memo::new(move |_| {
        let me = state.my_centre.get()?;
        let signs = signs.get()?;
        let rid = Rating::id_for(&id.get_value(), &me);
        state.with_catalogue(|c| Writing::of(rating_owner(&rid), c.ratings.get(&rid), &me, signs))
    });
    let note = RwSignal::new(String::new());
    let criteria: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let comment = RwSignal::new(String::new());
    let participants = RwSignal::new(String::new());
    let date = RwSignal::new(today());
    let errors = RwSignal::new(Vec::<String>::new());
    // Prefill with my centre's report, if any.
    Effect::new(move |_| {
        if let Some(r) = existing() {
            note.set(r.note.to_string());
            let c = &r.criteria;
            for (signal, value) in criteria.iter().zip([
                c.reproducibility,
                c.digitally_excluded,
                c.cost,
                c.empowerment,
            ]) {
                signal.set(value.map(|v| v.to_string()).unwrap_or_default());
            }
            comment.set(r.comment.clone());
            participants.set(r.participants.to_string());
            date.set(r.date.clone());
        }
    });
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let Some(me) = state.my_centre.get_untracked() else {
            return;
        };
        let score = |s: &RwSignal<String>| s.get_untracked().parse::<u8>().ok();
        let mut problems = Vec::new();
        let residents = match participants.get_untracked().trim() {
            "" => Some(0),
            text => text.parse::<u32>().ok(),
        };
        if residents.is_none() {
            problems
                .push("Nombre d'habitants : indiquez un nombre entier (0 si aucun).".to_owned());
        }
        let rating = Rating {
            prototype: id.get_value(),
            centre: me.clone(),
            note: score(&note).unwrap_or(0),
            criteria: Criteria {
                reproducibility: score(&criteria[0]),
                digitally_excluded: score(&criteria[1]),
                cost: score(&criteria[2]),
                empowerment: score(&criteria[3]),
                extra: Default::default(),
            },
            comment: comment.get_untracked().trim().to_owned(),
            participants: residents.unwrap_or(0),
            date: date.get_untracked().trim().to_owned(),
        };
        problems.extend(
            check_rating(&rating)
                .list
                .iter()
                .map(|p| match p.path.as_str() {
                    "note" => "Note : choisissez une note de 1 à 5.".to_owned(),
                    "date" => "Date de la séance : au format AAAA-MM-JJ.".to_owned(),
                    _ => p.to_string(),
                }),
        );
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        errors.set(Vec::new());
        let rid = Rating::id_for(&rating.prototype, &me);
        let current = state
            .with_catalogue(|c| c.ratings.get(&rid).cloned())
            .flatten();
        let edited = current.is_some();
        let record = with_edit(current.as_ref(), &me, &now_utc(), Some(rating));
        spawn_local(async move {
            let outcome = match state.save(vec![Change::Rating(rid, record)]).await {
                Ok(()) if edited => Ok("Votre rapport d'expérience a été mis à jour.".to_owned()),
                Ok(()) => Ok("Merci ! Votre rapport d'expérience est publié.".to_owned()),
                Err(e) => Err(e),
            };
            state.tell(current_path(), "rapport", outcome);
        });
    };
    let here = move || Route::Prototype(id.get_value()).path();
    view! {
        <section class="rate no-print" aria-labelledby="teste">
            <h2 id="teste">"Nous l'avons testé"</h2>
            <NoticeArea area="rapport"/>
            {move || match state.my_centre.get() {
                None => view! { <NeedCentre here=here() action="raconter comment votre centre l'a testé"/> }.into_any(),
                Some(me) if me == author_centre => view! {
                    <p>"C'est le prototype de votre centre : les rapports d'expérience viennent des autres centres qui l'ont testé."</p>
                }.into_any(),
                Some(_) => match writing.get() {
                    None => ().into_any(),
                    Some(Writing::Locked) => view! {
                        <p>"Le rapport de votre centre est signé ; ce navigateur n'a pas sa clé : il ne peut pas le remplacer."</p>
                    }.into_any(),
                    Some(writing) => view! {
                        {(writing == Writing::Unsigned).then(|| view! {
                            <p class="hint">"Ce navigateur n'a pas la clé de votre centre : votre rapport sera « non vérifié » et ne comptera pas pour le label."</p>
                        })}
                        <form class="form" on:submit=submit novalidate>
                            {move || existing().is_some().then(|| view! { <p class="hint">"Votre centre a déjà publié un rapport : l'envoyer de nouveau le remplace."</p> })}
                            <fieldset class="stars">
                                <legend>"Note globale (obligatoire)"</legend>
                                {(1..=5).map(|n| view! {
                                    <label class="star">
                                        <input type="radio" name="note" value=n.to_string()
                                            prop:checked=move || note.get() == n.to_string()
                                            on:change=move |_| note.set(n.to_string())/>
                                        {format!("{n} sur 5")}
                                    </label>
                                }).collect_view()}
                            </fieldset>
                            <fieldset>
                                <legend>"Critères (facultatifs, de 1 à 5)"</legend>
                                {CRITERIA.iter().zip(criteria).map(|((key, label), signal)| view! {
                                    <div class="field">
                                        <label for=format!("critere-{key}")>{*label}</label>
                                        <select id=format!("critere-{key}") prop:value=move || signal.get() on:change=move |ev| signal.set(event_target_value(&ev))>
                                            <option value="">"Sans avis"</option>
                                            {(1..=5).map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> }).collect_view()}
                                        </select>
                                    </div>
                                }).collect_view()}
                            </fieldset>
                            <TextField id="participants" label="Nombre d'habitants qui ont participé" input=Input::Count value=participants set=participants/>
                            <TextField id="date-seance" label="Date de la séance" input=Input::Date value=date set=date/>
                            <TextField id="commentaire" label="Comment ça s'est passé ?" input=Input::Lines(4) value=comment set=comment/>
                            <ul class="field-errors" role="alert">{move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                            <button type="submit" class="primary">{move || if existing().is_some() { "Mettre à jour notre rapport" } else { "Publier notre rapport" }}</button>
                        </form>
                    }.into_any(),
                },
            }}
        </section>
    }
}

/// When concurrent versions exist: the owner picks one, or edits from one (which replaces all).
/// Each version has its own badge (one may be signed with a key since revoked, say).
#[component]
pub fn ConflictResolver(id: String, vouches: ReadSignal<Option<Vouches>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(id);
    let signs = signs_for_my_centre();
    let writing = Memo::new(move |_| prototype_writing(state, &id.get_value(), signs));
    let versions = move || {
        state
            .with_catalogue(|c| {
                let record = c.prototypes.get(&id.get_value())?;
                record.in_conflict().then(|| {
                    let counted = Counted::of(c);
                    let owner = prototype_owner(record);
                    let heads = record
                        .heads
                        .iter()
                        .map(|v| {
                            let name = c
                                .centre(&v.author)
                                .map_or(v.author.clone(), |c| c.name.clone());
                            let standing = counted.standing(owner, v);
                            (v.revision, name, v.at.clone(), v.body.clone(), standing)
                        })
                        .collect::<Vec<_>>();
                    ((owner.to_owned(), owner_name(c, &id.get_value())), heads)
                })
            })
            .flatten()
    };
    let keep = move |body: Option<Prototype>| {
        let Some(me) = state.my_centre.get_untracked() else {
            return;
        };
        let current = state
            .with_catalogue(|c| c.prototypes.get(&id.get_value()).cloned())
            .flatten();
        let record = with_edit(current.as_ref(), &me, &now_utc(), body);
        spawn_local(async move {
            let outcome = state
                .save(vec![Change::Prototype(id.get_value(), record)])
                .await
                .map(|()| {
                    "Le conflit est réglé : la version choisie est maintenant la seule.".to_owned()
                });
            state.tell(current_path(), "conflit", outcome);
        });
    };
    let resolver = move || {
        let ((owner, owner_name), heads) = versions()?;
        let writing = writing.get();
        let may = writing.is_some_and(Writing::allowed);
        Some(view! {
            <section class="conflicts no-print" aria-labelledby="conflits">
                <h2 id="conflits">"Versions en conflit"</h2>
                <p>"Deux centres ont modifié ce prototype en même temps. Aucune version n'a été perdue : la plus récente est affichée, les autres sont ici."</p>
                <ol>
                    {heads.into_iter().enumerate().map(|(i, (revision, author, at, body, standing))| {
                        let title = body.as_ref().map_or("(suppression)".to_owned(), |p| p.title.clone());
                        let body2 = body.clone();
                        view! {
                            <li>
                                <p>{format!("{} — version {revision} de {author}, le {} : « {title} »", if i == 0 { "Affichée" } else { "En conflit" }, french_date(&at[..10]))}</p>
                                <p class="signature-line"><TrustBadge standing owner=owner.clone() owner_name=owner_name.clone() vouches/></p>
                                {may.then(|| view! {
                                    <button type="button" on:click=move |_| keep(body2.clone())>{format!("Garder la version {} ({author})", i + 1)}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
                {match writing {
                    Some(Writing::Signed | Writing::Unsigned) => Some(view! {
                        <p>"Pour fusionner, "<A href=href(&Route::EditPrototype(id.get_value()))>"modifiez le prototype"</A>" : votre enregistrement remplacera toutes les versions."</p>
                    }.into_any()),
                    Some(Writing::Locked) => Some(view! { <p>{locked(&owner_name)}</p> }.into_any()),
                    // This browser's keys are not read yet.
                    None if state.my_centre.get().is_some() => None,
                    // No centre chosen, or another centre's prototype.
                    _ => Some(view! { <p>"Seul le centre auteur peut choisir la version à garder."</p> }.into_any()),
                }}
            </section>
        })
    };
    // The message outlives the section, which disappears once the conflict is settled.
    view! {
        {resolver}
        <NoticeArea area="conflit"/>
    }
}

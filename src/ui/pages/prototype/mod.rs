//! A prototype's page: everything about it, its livret as a booklet, its experience reports, its
//! label checklist and its lineage. Also prints as a clean A4 livret.

use crate::address::Route;
use crate::label::{self, Assessment};
use crate::model::{
    ancestry, family, prototype_owner, rating_owner, Catalogue, Counted, Facts, Prototype, Rating,
    Standing, Vouches,
};
use crate::ui::livret::LivretView;
use crate::ui::router::{use_id, A};
use crate::ui::state::AppState;
use crate::ui::trust::{vouches, TrustBadge};
use crate::ui::widgets::{decimal, french_date, href, or_dash, plural, LabelBadge, NoticeArea};
use actions::{ConflictResolver, PrototypeActions, RatingForm};
use leptos::prelude::*;

mod actions;

/// Everything the page shows, computed once from the catalogue.
#[derive(Clone, PartialEq)]
struct PageData {
    id: String,
    prototype: Prototype,
    centre_name: String,
    updated: String,
    revision: u64,
    conflicts: usize,
    /// The centre the prototype belongs to (`model::prototype_owner`), and its name.
    owner: (String, String),
    /// How its current version stands here.
    standing: Standing,
    assessment: Assessment,
    /// Every live report on it, newest first, counted or not.
    reports: Vec<Report>,
    /// (id, title, centre name), nearest first; a missing one has no title.
    ancestors: Vec<(String, Option<(String, String)>)>,
    adaptations: Vec<(String, String, String)>,
    /// The family tree, flat (see [`TreeRow`]), when it has more than two members.
    tree: Vec<TreeRow>,
    /// Members of the family left out of `tree` (it shows at most [`MAX_TREE_ROWS`]).
    tree_hidden: usize,
}

/// An experience report as the page shows it.
#[derive(Clone, PartialEq)]
struct Report {
    rating: Rating,
    /// The centre it belongs to (`model::rating_owner`), and its name.
    owner: (String, String),
    standing: Standing,
}

/// One member of the family tree: its generation (0 for the original) and its label.
#[derive(Clone, PartialEq)]
struct TreeRow {
    id: String,
    depth: usize,
    label: String,
}

/// Most rows the family tree draws: beyond that it is a list no one reads, and a long chain
/// of adaptations must not make the page heavy.
const MAX_TREE_ROWS: usize = 200;
/// Deepest indentation drawn (`.tree .depth-N` in the stylesheet): deeper generations line up.
const MAX_INDENT: usize = 8;

fn centre_name(c: &Catalogue, id: &str) -> String {
    c.centre(id)
        .map_or_else(|| id.to_owned(), |c| c.name.clone())
}

fn page_data(c: &Catalogue, id: &str) -> Option<PageData> {
    let prototype = c.prototype(id)?.clone();
    let record = &c.prototypes[id];
    let facts = Facts::about(c, |p| p == id);
    let title_of = |pid: &str| {
        c.prototype(pid)
            .map(|p| (p.title.clone(), centre_name(c, &p.centre)))
    };
    let members = family(c, &facts, id);
    let (tree, tree_hidden) = if members.len() > 2 {
        let row = |m: &crate::model::LineageMember| TreeRow {
            label: c.prototype(&m.id).map_or_else(
                || m.id.clone(),
                |p| format!("{} — {}", p.title, centre_name(c, &p.centre)),
            ),
            id: m.id.clone(),
            depth: m.depth,
        };
        let mut rows: Vec<TreeRow> = members.iter().take(MAX_TREE_ROWS).map(row).collect();
        // The prototype shown is always in its own tree.
        if !rows.iter().any(|r| r.id == id) {
            if let Some(m) = members.iter().find(|m| m.id == id) {
                rows.push(row(m));
            }
        }
        let hidden = members.len() - rows.len();
        (rows, hidden)
    } else {
        (Vec::new(), 0)
    };
    let counted = Counted::of(c);
    let mut reports: Vec<Report> = c
        .live_ratings_on(id)
        .filter_map(|(rid, record)| {
            let owner = rating_owner(rid);
            Some(Report {
                rating: record.current()?.clone(),
                owner: (owner.to_owned(), centre_name(c, owner)),
                standing: counted.standing(owner, record.winner()),
            })
        })
        .collect();
    reports.sort_by(|a, b| b.rating.date.cmp(&a.rating.date));
    let owner = prototype_owner(record);
    Some(PageData {
        id: id.to_owned(),
        centre_name: centre_name(c, &prototype.centre),
        owner: (owner.to_owned(), centre_name(c, owner)),
        standing: counted.standing(owner, record.winner()),
        updated: record.winner().at[..10].to_owned(),
        revision: record.winner().revision,
        conflicts: record.conflicts().len(),
        assessment: label::assess_with(&prototype, id, &facts),
        reports,
        ancestors: ancestry(c, id)
            .into_iter()
            .map(|a| {
                let t = title_of(&a);
                (a, t)
            })
            .collect(),
        adaptations: facts
            .adaptations(id)
            .iter()
            .map(|(aid, p)| (aid.to_string(), p.title.clone(), centre_name(c, &p.centre)))
            .collect(),
        tree,
        tree_hidden,
        prototype,
    })
}

#[component]
pub fn PrototypePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = use_id();
    let data = Memo::new(move |_| {
        state.catalogue.with(|c| match c {
            Some(Ok(c)) => Some(page_data(c, &id)),
            _ => None,
        })
    });
    move || {
        match data.get() {
        None => view! { <p role="status">"Chargement…"</p> }.into_any(),
        Some(None) => view! {
            <h1>"Prototype introuvable"</h1>
            <p>"Ce prototype n'existe pas dans le catalogue de ce navigateur, ou il a été supprimé. "
               <A href=href(&Route::Catalogue)>"Revenir au catalogue"</A></p>
        }.into_any(),
        Some(Some(d)) => view! { <PrototypeView d/> }.into_any(),
    }
    }
}

#[component]
fn PrototypeView(d: PageData) -> impl IntoView {
    let p = d.prototype.clone();
    let centre_name = d.centre_name.clone();
    let dates = format!(
        "créé le {}, mis à jour le {} (version {})",
        french_date(&p.created),
        french_date(&d.updated),
        d.revision
    );
    let conflicts = d.conflicts;
    let assessment = d.assessment.clone();
    let reports = d.reports.clone();
    let vouches = vouches();
    let (owner, owner_name) = d.owner.clone();
    let print = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <article class="prototype">
            <p class="breadcrumb no-print"><A href=href(&Route::Catalogue)>"Catalogue"</A>" › "{p.theme.label()}</p>
            <h1>{p.title.clone()}</h1>
            <p class="meta">
                <span class="theme">{p.theme.label()}</span>" · "
                <A href=href(&Route::Centre(p.centre.clone()))>{centre_name}</A>" · "
                {p.kind.label()}" · "
                {dates}
            </p>
            <p class="signature-line">
                <TrustBadge standing=d.standing owner owner_name vouches/>
            </p>
            {(conflicts > 0).then(|| view! {
                <p class="notice conflict-notice" role="note">
                    {format!("Attention : {} de ce prototype, faite en même temps par un autre centre, est conservée en conflit. La version affichée est la plus récente.", plural(conflicts, "autre version", "autres versions"))}
                </p>
            })}
            <NoticeArea area="prototype"/>
            <p class="lead">{p.summary.clone()}</p>
            <PrototypeActions id=d.id.clone() prototype=p.clone()/>
            <div class="actions no-print">
                <button type="button" on:click=print>"Imprimer ce livret"</button>
            </div>
            <ConflictResolver id=d.id.clone() vouches/>

            <section aria-labelledby="presentation">
                <h2 id="presentation">"Présentation"</h2>
                <dl class="facts-list">
                    <dt>"Public"</dt><dd>{or_dash(&p.public)}</dd>
                    <dt>"Scénario choisi par les habitants"</dt><dd>{or_dash(&p.scenario)}</dd>
                    <dt>"Outils"</dt><dd>{or_dash(&p.tools.join(", "))}</dd>
                    <dt>"Mots-clés"</dt><dd>{or_dash(&p.tags.join(", "))}</dd>
                    <dt>"Licence"</dt><dd>{p.licence.clone()}</dd>
                </dl>
            </section>

            <LivretView livret=p.livret.clone()/>
            <Checklist assessment/>
            <Reports reports vouches/>
            <RatingForm id=d.id.clone() author_centre=p.centre.clone()/>
            <Lineage d/>
        </article>
    }
}

#[component]
fn Checklist(assessment: Assessment) -> impl IntoView {
    view! {
        <section class="checklist" aria-labelledby="label-titre">
            <h2 id="label-titre">"Label « Centres sociaux connectés »"</h2>
            <p><LabelBadge status=assessment.status/></p>
            <ul class="criteria">
                {assessment.checklist().map(|(criterion, met)| view! {
                    <li class=if met { "met" } else { "unmet" }>
                        <span class="mark" aria-hidden="true">{if met { "✓" } else { "✗" }}</span>
                        <strong>{criterion.title}</strong>
                        {if met { " : critère rempli. " } else { " : critère pas encore rempli. " }}
                        <span class="explanation">{criterion.explanation}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Reports(reports: Vec<Report>, vouches: ReadSignal<Option<Vouches>>) -> impl IntoView {
    // What the label and the indicators count: the reports signed by centres this browser trusts.
    let counted: Vec<&Rating> = reports
        .iter()
        .filter(|r| r.standing.counts())
        .map(|r| &r.rating)
        .collect();
    let average = (!counted.is_empty())
        .then(|| counted.iter().map(|r| f64::from(r.note)).sum::<f64>() / counted.len() as f64);
    let residents: u64 = counted.iter().map(|r| u64::from(r.participants)).sum();
    let unverified = reports.len() - counted.len();
    view! {
        <section class="reports" aria-labelledby="rapports">
            <h2 id="rapports">"Rapports d'expérience"</h2>
            {match average {
                None if reports.is_empty() => view! { <p>"Aucun centre n'a encore raconté comment il l'a testé."</p> }.into_any(),
                None => view! { <p class="summary">"Aucun rapport vérifié pour l'instant."</p> }.into_any(),
                Some(avg) => view! {
                    <p class="summary">{format!("Note moyenne {} sur 5 · {} · {} habitants y ont participé", decimal(avg), plural(counted.len(), "rapport vérifié", "rapports vérifiés"), residents)}</p>
                }.into_any(),
            }}
            {(unverified > 0).then(|| view! {
                <p class="hint">{format!("{} : {} ni pour le label ni pour les indicateurs.", plural(unverified, "rapport non vérifié", "rapports non vérifiés"), if unverified == 1 { "il ne compte" } else { "ils ne comptent" })}</p>
            })}
            <ul class="report-list">
                {reports.into_iter().map(|Report { rating: r, owner: (owner, owner_name), standing }| view! {
                    <li class="report">
                        <p class="report-head">
                            <strong>{owner_name.clone()}</strong>
                            {format!(" — note {} sur 5 — séance du {} — {}", r.note, french_date(&r.date), plural(r.participants as usize, "habitant", "habitants"))}
                        </p>
                        <p class="signature-line"><TrustBadge standing owner owner_name vouches/></p>
                        {(!r.comment.is_empty()).then(|| view! { <blockquote>{r.comment.clone()}</blockquote> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The family tree as one flat list: each row says its generation (`aria-level`, and the
/// indentation, capped so that a long chain stays on screen), so nothing recurses however many
/// generations there are.
fn tree_view(rows: &[TreeRow], current: &str) -> impl IntoView {
    rows.iter()
        .map(|row| {
            let text = row.label.clone();
            let label = if row.id == current {
                view! { <strong aria-current="page">{text}</strong> }.into_any()
            } else {
                let link = href(&Route::Prototype(row.id.clone()));
                view! { <A href=link>{text}</A> }.into_any()
            };
            // A class rather than a style attribute: the Content-Security-Policy allows no inline style.
            let indent = format!("depth-{}", row.depth.min(MAX_INDENT));
            view! { <li attr:aria-level=(row.depth + 1).to_string() class=indent>{label}</li> }
        })
        .collect_view()
}

#[component]
fn Lineage(d: PageData) -> impl IntoView {
    let parent = d.ancestors.first().cloned();
    let original = (d.ancestors.len() > 1)
        .then(|| d.ancestors.last().cloned())
        .flatten();
    let credit = |(id, known): (String, Option<(String, String)>)| {
        match known {
        Some((title, centre)) => {
            view! { <span><A href=href(&Route::Prototype(id))>{title}</A>{format!(" — {centre}")}</span> }
                .into_any()
        }
        None => view! { <span>{format!("« {id} » (absent de ce catalogue)")}</span> }.into_any(),
    }
    };
    view! {
        <section class="lineage" aria-labelledby="filiation">
            <h2 id="filiation">"Filiation"</h2>
            {match parent {
                None => view! { <p>"Ce prototype est une création originale."</p> }.into_any(),
                Some(parent) => view! {
                    <p class="credit">"Adapté de : "{credit(parent)}</p>
                    {original.map(|o| view! { <p class="credit">"Prototype d'origine : "{credit(o)}</p> })}
                }.into_any(),
            }}
            {if d.adaptations.is_empty() {
                view! { <p>"Aucun centre ne l'a encore adapté."</p> }.into_any()
            } else {
                view! {
                    <h3>"Adaptations"</h3>
                    <ul class="adaptation-list">
                        {d.adaptations.clone().into_iter().map(|(id, title, centre)| view! {
                            <li><A href=href(&Route::Prototype(id))>{title}</A>{format!(" — {centre}")}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!d.tree.is_empty()).then(|| view! {
                <h3>"Arbre des adaptations"</h3>
                <ul class="tree">{tree_view(&d.tree, &d.id)}</ul>
                {(d.tree_hidden > 0).then(|| view! {
                    <p>{format!("… et {} de plus dans cette famille.", plural(d.tree_hidden, "prototype", "prototypes"))}</p>
                })}
            })}
        </section>
    }
}

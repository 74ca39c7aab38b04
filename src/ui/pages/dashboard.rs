//! "Indicateurs": progress against the programme's targets and the breakdowns, as SVG charts
//! with their tables (the text alternative, also exportable as CSV). Recomputed live.

use crate::indicators::{
    self, compute_with, Indicators, TARGET_PROTOTYPES, TARGET_RESIDENTS, TARGET_TIERS_LIEUX,
};
use crate::model::Theme;
use crate::search::Index;
use crate::ui::state::{now_utc, AppState};
use crate::ui::widgets::count;
use leptos::prelude::*;

/// A table: caption, headers, rows; what the page shows and what CSV export writes.
#[derive(Clone, PartialEq)]
struct Table {
    slug: &'static str,
    caption: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn download_csv(table: &Table) {
    let text = indicators::csv(&table.headers, &table.rows);
    let name = format!("prototheque-{}-{}.csv", table.slug, &now_utc()[..10]);
    let _ = crate::ui::export::download(text.as_bytes(), &name, "text/csv;charset=utf-8");
}

/// Rows a table shows before it is asked for all of them: a national catalogue has 2,000 centres,
/// and so many rows would take seconds to draw on a phone. The CSV export always has them all.
const FIRST_ROWS: usize = 50;

#[component]
fn DataTable(table: Table) -> impl IntoView {
    let t = StoredValue::new(table.clone());
    let total = table.rows.len();
    let all = RwSignal::new(total <= FIRST_ROWS);
    let rows = move || {
        let shown = if all.get() { total } else { FIRST_ROWS };
        t.with_value(|t| {
            t.rows
                .iter()
                .take(shown)
                .map(|row| view! {
                    <tr>
                        <th scope="row">{row[0].clone()}</th>
                        // Each cell names its column, which a phone shows beside it (style).
                        {row[1..].iter().zip(&t.headers[1..]).map(|(c, h)| view! {
                            <td class=if c == "0" { "zero" } else { "" } data-label=h.clone()>{c.clone()}</td>
                        }).collect_view()}
                    </tr>
                })
                .collect_view()
        })
    };
    view! {
        <div class="table-wrap">
            <table class="data" id=format!("table-{}", table.slug)>
                <caption>{table.caption.clone()}</caption>
                <thead><tr>{table.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        // The button stays where it is, whichever way it goes, so that keyboard focus does too.
        {(total > FIRST_ROWS).then(|| view! {
            <p class="table-more no-print">
                {move || if all.get() {
                    format!("Les {} lignes sont affichées. ", count(total))
                } else {
                    format!("Les {FIRST_ROWS} premières lignes sur {} sont affichées ; l'export CSV les contient toutes. ", count(total))
                }}
                <button type="button" aria-pressed=move || all.get().to_string() on:click=move |_| all.update(|a| *a = !*a)>
                    {format!("Afficher les {} lignes", count(total))}
                </button>
            </p>
        })}
        <button type="button" class="no-print" on:click=move |_| t.with_value(download_csv)>
            {format!("Exporter en CSV : {}", table.caption.to_lowercase())}
        </button>
    }
}

/// Horizontal bars, labelled with their values: legible in grayscale and in print.
#[component]
fn BarChart(title: String, bars: Vec<(String, usize)>) -> impl IntoView {
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let row = 28;
    let height = bars.len() * row + 8;
    let id = format!("graphique-{}", crate::exchange::slug(&title, 40));
    let labelled_by = id.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 600 {height}") width="100%" role="img" aria-labelledby=labelled_by preserveAspectRatio="xMinYMin meet">
                <title id=id>{title.clone()}</title>
                {bars.into_iter().enumerate().map(|(i, (label, value))| {
                    let y = i * row + 4;
                    let width = 300 * value / max;
                    view! {
                        <g>
                            <text x="0" y=y + 18 class="chart-label">{label}</text>
                            <rect x="230" y=y + 4 width=width.max(1) height="18" class="chart-bar"></rect>
                            <text x=240 + width y=y + 18 class="chart-value">{value.to_string()}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

#[component]
fn Progress(label: &'static str, value: usize, target: usize, note: &'static str) -> impl IntoView {
    let percent = (100 * value / target.max(1)).min(100);
    view! {
        <div class="progress-card">
            <p class="progress-label">{label}</p>
            <p class="progress-value"><strong>{value.to_string()}</strong>{format!(" / {target}")}</p>
            <div class="bar" aria-hidden="true"><div class="fill" style:width=format!("{percent}%")></div></div>
            <p class="hint">{format!("{percent} % de l'objectif. {note}")}</p>
        </div>
    }
}

fn tables(i: &Indicators) -> Vec<Table> {
    let themes: Vec<String> = Theme::ALL.iter().map(|t| t.label().to_owned()).collect();
    vec![
        Table {
            slug: "themes-centres",
            caption: "Prototypes par centre et par thème".into(),
            headers: std::iter::once("Centre".to_owned())
                .chain(themes.iter().cloned())
                .chain(["Total".to_owned()])
                .collect(),
            rows: i
                .matrix
                .iter()
                .map(|r| {
                    std::iter::once(r.name.clone())
                        .chain(r.per_theme.iter().map(|n| n.to_string()))
                        .chain([r.per_theme.iter().sum::<usize>().to_string()])
                        .collect()
                })
                .collect(),
        },
        Table {
            slug: "themes",
            caption: "Prototypes par thème".into(),
            headers: vec!["Thème".into(), "Prototypes".into()],
            rows: themes
                .iter()
                .zip(i.per_theme)
                .map(|(t, n)| vec![t.clone(), n.to_string()])
                .collect(),
        },
        Table {
            slug: "adaptations",
            caption: "Adaptations entre centres".into(),
            headers: vec![
                "Centre d'origine".into(),
                "Centre qui adapte".into(),
                "Adaptations".into(),
            ],
            rows: i
                .adaptations
                .iter()
                .map(|(from, to, n)| vec![from.clone(), to.clone(), n.to_string()])
                .collect(),
        },
        Table {
            slug: "notes",
            caption: "Répartition des notes des rapports d'expérience".into(),
            headers: vec!["Note".into(), "Rapports".into()],
            rows: i
                .scores
                .iter()
                .enumerate()
                .map(|(k, n)| vec![format!("{} sur 5", k + 1), n.to_string()])
                .collect(),
        },
        Table {
            slug: "activite",
            caption: "Activité par mois".into(),
            headers: vec![
                "Mois".into(),
                "Prototypes créés".into(),
                "Séances rapportées".into(),
            ],
            rows: i
                .activity
                .iter()
                .map(|(m, p, r)| vec![month_label(m), p.to_string(), r.to_string()])
                .collect(),
        },
    ]
}

fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    match (
        month.get(..4),
        month.get(5..7).and_then(|m| m.parse::<usize>().ok()),
    ) {
        (Some(y), Some(m)) if (1..=12).contains(&m) => format!("{} {y}", NAMES[m - 1]),
        _ => month.to_owned(),
    }
}

/// Months the activity charts show: the latest ones (the table below lists every month).
const CHART_MONTHS: usize = 24;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The label's counts come from the index, which knows every prototype's status.
    let data = Memo::new(move |_| {
        let counts = state
            .index
            .with(|index| index.as_ref().map(Index::label_counts))?;
        state.with_catalogue(|c| compute_with(c, counts))
    });
    move || {
        let Some(i) = data.get() else {
            return view! { <h1>"Indicateurs"</h1><p role="status">"Chargement…"</p> }.into_any();
        };
        let t = tables(&i);
        let [matrix, per_theme, adaptations, scores, activity] =
            <[Table; 5]>::try_from(t).ok().expect("five tables");
        let theme_bars: Vec<(String, usize)> = per_theme
            .rows
            .iter()
            .map(|r| (r[0].clone(), r[1].parse().unwrap_or(0)))
            .collect();
        let score_bars: Vec<(String, usize)> = scores
            .rows
            .iter()
            .map(|r| (r[0].clone(), r[1].parse().unwrap_or(0)))
            .collect();
        // One measure per chart, over the latest months (the table has them all).
        let recent = activity.rows.len().saturating_sub(CHART_MONTHS);
        let monthly = |column: usize| -> Vec<(String, usize)> {
            activity.rows[recent..]
                .iter()
                .map(|r| (r[0].clone(), r[column].parse().unwrap_or(0)))
                .collect()
        };
        let (created_bars, session_bars) = (monthly(1), monthly(2));
        let over = if recent > 0 {
            format!(", sur les {CHART_MONTHS} derniers mois")
        } else {
            String::new()
        };
        view! {
            <h1>"Indicateurs du programme"</h1>
            <p class="intro">"Calculés à partir du catalogue de ce navigateur, ils se mettent à jour à chaque import ou rapport d'expérience."</p>
            <section aria-labelledby="objectifs">
                <h2 id="objectifs">"Où en sont les objectifs ?"</h2>
                <div class="progress-grid">
                    <Progress label="Prototypes publiés" value=i.prototypes target=TARGET_PROTOTYPES note="Prototypes présents dans le catalogue."/>
                    <Progress label="Centres avec au moins un prototype" value=i.centres_with_prototype target=TARGET_TIERS_LIEUX note="Les tiers-lieux qui publient."/>
                    <Progress label="Habitants impliqués" value=i.residents as usize target=TARGET_RESIDENTS as usize note="Participants déclarés dans les rapports d'expérience."/>
                    <Progress label="Prototypes labellisés" value=i.labelled target=i.prototypes.max(1) note="Part des prototypes qui ont le label."/>
                </div>
                <p>{format!("{} rapports d'expérience, {} prototypes candidats au label, {} cases vides dans la grille thème × centre.", i.reports, i.candidates, i.gaps())}</p>
            </section>
            <section aria-labelledby="grille">
                <h2 id="grille">"Qui fait quoi : thèmes × centres"</h2>
                <p class="hint">"Les cases à 0 montrent les thèmes qu'un centre n'a pas encore abordés."</p>
                <DataTable table=matrix/>
            </section>
            <section aria-labelledby="par-theme">
                <h2 id="par-theme">"Prototypes par thème"</h2>
                <BarChart title="Nombre de prototypes par thème".into() bars=theme_bars/>
                <DataTable table=per_theme/>
            </section>
            <section aria-labelledby="adaptations">
                <h2 id="adaptations">"Qui adapte le travail de qui"</h2>
                {if adaptations.rows.is_empty() {
                    view! { <p>"Aucune adaptation entre centres pour le moment."</p> }.into_any()
                } else {
                    view! { <DataTable table=adaptations/> }.into_any()
                }}
            </section>
            <section aria-labelledby="notes">
                <h2 id="notes">"Notes des rapports d'expérience"</h2>
                <BarChart title="Nombre de rapports par note".into() bars=score_bars/>
                <DataTable table=scores/>
            </section>
            <section aria-labelledby="activite">
                <h2 id="activite">"Activité dans le temps"</h2>
                <p class="hint">"Les mois sans activité comptent zéro."</p>
                <BarChart title=format!("Prototypes créés par mois{over}") bars=created_bars/>
                <BarChart title=format!("Séances rapportées par mois{over}") bars=session_bars/>
                <DataTable table=activity/>
            </section>
        }
        .into_any()
    }
}

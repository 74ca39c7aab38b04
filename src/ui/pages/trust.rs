//! « Confiance »: how this browser holds each centre's keys (the network's list, a person's
//! check, this device, a first meeting in a file, or no key at all), each key's fingerprint to
//! compare over the phone, and the one thing a person decides here: vouching for a centre met
//! first in a file once its fingerprint is checked, or withdrawing that check.

use crate::address::Route;
use crate::exchange::signing::fingerprint;
use crate::exchange::NetworkList;
use crate::model::{fold, CentreTrust, Keyring, Vouch, Vouches};
use crate::store;
use crate::ui::router::A;
use crate::ui::signatures::stored_network;
use crate::ui::state::AppState;
use crate::ui::text_field::TextField;
use crate::ui::trust::{signs_for_my_centre, vouches};
use crate::ui::widgets::{count, current_path, french_date, href, NoticeArea};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Past this many centres, the page offers to look one up by name.
const FILTER_FROM: usize = 30;
/// The most centres the list draws at once; the filter finds the others.
const MAX_ROWS: usize = 100;

/// One centre of the list.
#[derive(Clone, PartialEq)]
struct Row {
    id: String,
    name: String,
    trust: CentreTrust,
    /// The fingerprints of its keys still in force.
    fingerprints: Vec<String>,
}

fn rows(state: AppState, vouches: &Vouches) -> Vec<Row> {
    state
        .with_catalogue(|c| {
            let keyring = Keyring::of(c);
            let mut rows: Vec<Row> = c
                .live_centres()
                .map(|(id, centre)| Row {
                    id: id.to_owned(),
                    name: centre.name.clone(),
                    trust: CentreTrust::of(&keyring, vouches, id),
                    fingerprints: keyring
                        .keys(id)
                        .iter()
                        .filter(|k| !keyring.revoked(id, k))
                        .filter_map(|k| fingerprint(k))
                        .collect(),
                })
                .collect();
            rows.sort_by_cached_key(|r| fold(&r.name));
            rows
        })
        .unwrap_or_default()
}

/// Changes why this browser vouches for centres (`change` on what is stored), then shows the
/// catalogue anew: what counts is worked out at load.
async fn revise(state: AppState, change: impl FnOnce(&mut Vouches)) -> Result<(), String> {
    state
        .with_db(|db| async move {
            let mut vouches = store::vouches(&db).await?;
            change(&mut vouches);
            store::put_vouches(&db, &vouches).await
        })
        .await
        .unwrap_or_else(|| {
            Err(store::StoreError {
                message: "Le stockage n'est pas encore prêt ; réessayez dans un instant.".into(),
            })
        })
        .map_err(|e| e.message)?;
    state.reload();
    Ok(())
}

/// Asks the person, in a dialog of the browser, whether `question` holds.
fn confirmed(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

#[component]
pub fn TrustPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let vouches = vouches();
    let filter = RwSignal::new(String::new());
    let all = Memo::new(move |_| vouches.with(|v| v.as_ref().map(|v| rows(state, v))));
    let check = move |row: Row| {
        let question = format!(
            "Avant de confirmer, joignez le centre « {name} » au téléphone ou en personne (pas \
             par un message écrit), et demandez-lui de lire l'empreinte affichée sur sa page \
             « Mon centre ».\n\n\
             Confirmez seulement si elle est exactement : {codes}.\n\n\
             Ce que ce centre signe comptera alors pour le label et les indicateurs dans ce \
             navigateur.",
            name = row.name,
            codes = row.fingerprints.join(", ")
        );
        if !confirmed(&question) {
            return;
        }
        spawn_local(async move {
            let id = row.id.clone();
            let outcome = revise(state, |v| v.add(&id, Vouch::Checked))
                .await
                .map(|()| {
                    format!(
                        "Empreinte vérifiée : ce que signe « {} » compte maintenant pour le label \
                         et les indicateurs.",
                        row.name
                    )
                });
            state.tell(current_path(), "confiance", outcome);
        });
    };
    let withdraw = move |row: Row| {
        spawn_local(async move {
            let id = row.id.clone();
            let outcome = revise(state, |v| {
                v.withdraw_check(&id);
            })
            .await
            .map(|()| {
                format!(
                    "Vérification retirée : ce que signe « {} » ne compte plus pour le label ni \
                     pour les indicateurs.",
                    row.name
                )
            });
            state.tell(current_path(), "confiance", outcome);
        });
    };
    let list = move || {
        let rows = all.get()?;
        let total = rows.len();
        let wanted = fold(&filter.get());
        let shown: Vec<Row> = rows
            .into_iter()
            .filter(|r| wanted.is_empty() || fold(&r.name).contains(&wanted))
            .take(MAX_ROWS)
            .collect();
        let more = (shown.len() == MAX_ROWS && total > MAX_ROWS).then(|| {
            view! { <p class="hint">{format!("Les {MAX_ROWS} premiers par nom sur {} : cherchez un centre par son nom pour voir les autres.", count(total))}</p> }
        });
        Some(view! {
            {(total > FILTER_FROM).then(|| view! {
                <TextField id="centre-confiance" label="Chercher un centre par son nom" value=filter set=filter/>
            })}
            <ul class="report-list">
                {shown.into_iter().map(|row| view! { <CentreTrustRow row check withdraw/> }).collect_view()}
            </ul>
            {more}
        }
        .into_any())
    };
    view! {
        <h1>"Confiance"</h1>
        <p class="intro">
            "Chaque centre signe ce qu'il publie avec la clé de son navigateur. Un fichier peut prétendre "
            "venir de n'importe quel centre : la signature, elle, ne se contrefait pas."
        </p>
        <h2>"Qu'est-ce qu'une empreinte ?"</h2>
        <p>
            "C'est un code court tiré de la clé d'un centre, par exemple "<code class="fingerprint">"K7M2-QX9A-3BTD"</code>
            ". Si le code affiché ici est celui que le centre lit sur son propre écran, ce navigateur a bien "
            "sa clé. Comparez-le de vive voix, au téléphone ou en personne : pas par un message qui pourrait "
            "venir de n'importe qui."
        </p>
        <h2>"Ce qui compte pour le label"</h2>
        <p>
            "Seul ce que signent les centres de confiance compte pour le label et les indicateurs : ceux de "
            "la liste du réseau, ceux dont vous avez vérifié l'empreinte, et le vôtre si ce navigateur signe "
            "pour lui. Un centre rencontré pour la première fois dans un fichier est reconnu d'un fichier à "
            "l'autre (« première rencontre »), mais ce qu'il signe ne compte pas tant que personne n'a vérifié "
            "son empreinte. Ce qui n'est pas signé (« aucune clé ») est affiché, marqué « non vérifié », et ne "
            "compte jamais."
        </p>
        <h2>"Ce que vous pouvez signer"</h2>
        <NetworkAndMe/>
        <h2>"Les centres du catalogue"</h2>
        <NoticeArea area="confiance"/>
        {move || list().unwrap_or_else(|| view! { <p role="status">"Chargement…"</p> }.into_any())}
        <p><A href=href(&Route::Label)>"Voir le label et ses critères"</A></p>
    }
}

/// One centre: its name, how it is trusted, its fingerprints, and the check a person can make
/// (or withdraw).
#[component]
fn CentreTrustRow(
    row: Row,
    check: impl Fn(Row) + Copy + 'static,
    withdraw: impl Fn(Row) + Copy + 'static,
) -> impl IntoView {
    let action = match row.trust {
        CentreTrust::FirstMet => {
            let row = row.clone();
            Some(view! {
                <button type="button" on:click=move |_| check(row.clone())>"J'ai vérifié cette empreinte avec le centre"</button>
            }.into_any())
        }
        CentreTrust::Vouched(Vouch::Checked) => {
            let row = row.clone();
            Some(view! {
                <button type="button" on:click=move |_| withdraw(row.clone())>"Retirer ma vérification"</button>
            }.into_any())
        }
        _ => None,
    };
    let keys = match row.fingerprints.len() {
        0 => None,
        1 => Some("Empreinte : "),
        _ => Some("Empreintes : "),
    };
    view! {
        <li class="report" data-id=row.id.clone()>
            <p>
                <strong><A href=href(&Route::Centre(row.id.clone()))>{row.name.clone()}</A></strong>
                " — "<span class="trust-level">{row.trust.label()}</span>
            </p>
            {keys.map(|label| view! {
                <p>{label}{row.fingerprints.iter().map(|f| view! { " "<code class="fingerprint">{f.clone()}</code> }).collect_view()}</p>
            })}
            {action}
        </li>
    }
}

/// Who signs in this demo or network, and whether this browser signs for « Mon centre ».
#[component]
fn NetworkAndMe() -> impl IntoView {
    let state = expect_context::<AppState>();
    let network = RwSignal::new(None::<NetworkList>);
    // Read once the catalogue is loaded (storage is open by then), and again after a reload.
    Effect::new(move |_| {
        state.catalogue.track();
        spawn_local(async move {
            let list = state
                .with_db(|db| async move { stored_network(&db).await })
                .await;
            if let Some(list) = list {
                network.try_set(list);
            }
        });
    });
    let signs = signs_for_my_centre();
    let about_network = move || {
        network.with(|n| match n {
            Some(list) if list.illustrative => format!(
                "Les {} centres de la démonstration sont illustratifs : leurs clés ont servi une \
                 seule fois, à signer le catalogue d'exemple, puis ont été détruites. Personne ne \
                 peut donc signer en leur nom : vous pouvez tout consulter et adapter leurs \
                 prototypes pour votre centre, mais ce que vous écririez en leur nom resterait \
                 « non vérifié ».",
                list.centres.len()
            ),
            Some(list) => format!(
                "La liste du réseau « {} », publiée le {}, nomme {} centres et leurs clés.",
                list.name,
                french_date(&list.published),
                list.centres.len()
            ),
            None => "Ce navigateur n'a pas encore de liste du réseau : seuls comptent les centres \
                     dont vous avez vérifié l'empreinte, et le vôtre si ce navigateur signe pour lui."
                .to_owned(),
        })
    };
    let me = move || {
        let mine = state.my_centre.get()?;
        let name = state
            .with_catalogue(|c| c.centre(&mine).map(|c| c.name.clone()))
            .flatten()
            .unwrap_or(mine);
        Some(match signs.get()? {
            true => format!("Ce navigateur signe pour votre centre, {name} : ce que vous publiez pour lui est vérifié."),
            false => format!(
                "Ce navigateur n'a pas la clé de votre centre, {name} : ce que vous écrivez pour lui \
                 reste « non vérifié » pour tous et ne compte pas pour le label."
            ),
        })
    };
    view! {
        <p>{about_network}</p>
        <p>
            "Pour publier des prototypes et des rapports vérifiés, "<A href=href(&Route::MyCentre)>"ajoutez votre centre"</A>
            " : ce navigateur crée sa clé et signe ce que vous écrivez pour lui."
        </p>
        <p role="status">{me}</p>
    }
}

//! « Publier mon catalogue »: this centre's feed file (`exchange::feed::centre_feed` of the
//! stored catalogue, its header signed with this browser's key for the centre, the sequence one
//! more than the last one this browser published), under its stable name, and how to put it
//! online so that other centres can subscribe to it.

use crate::address::Route;
use crate::exchange::feed::{centre_feed, next_sequence, FeedHeader, FeedKind};
use crate::exchange::{export, Document};
use crate::store;
use crate::ui::export::download;
use crate::ui::feeds::now_seconds;
use crate::ui::router::A;
use crate::ui::state::{now_utc, AppState};
use crate::ui::widgets::{href, plural};
use crate::webcrypto;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The setting holding the last sequence this browser published for a centre.
fn sequence_setting(centre: &str) -> String {
    format!("flux-sequence-{centre}")
}

/// The feed file's stable name.
pub fn feed_file_name(centre: &str) -> String {
    format!("prototheque-flux-{centre}.json")
}

/// Writes this centre's feed and offers it as a download; says what was written.
async fn publish(state: AppState, centre: String) -> Result<String, String> {
    let catalogue = state.snapshot().await?;
    let name = catalogue
        .centre(&centre)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| centre.clone());
    let feed = centre_feed(&catalogue, &centre);
    drop(catalogue);
    let setting = sequence_setting(&centre);
    let signed = state
        .with_db(|db| {
            let centre = centre.clone();
            let setting = setting.clone();
            async move {
                let key = store::device_key(&db, &centre)
                    .await
                    .map_err(|e| e.message)?
                    .ok_or_else(|| {
                        "Ce navigateur ne garde pas de clé pour ce centre : la publication ne \
                         peut pas être signée."
                            .to_owned()
                    })?;
                let last = store::get_setting(&db, &setting)
                    .await
                    .map_err(|e| e.message)?
                    .and_then(|s| s.parse::<u64>().ok());
                Ok::<_, String>((key, last))
            }
        })
        .await
        .unwrap_or_else(|| Err("Le stockage n'est pas encore prêt.".into()))?;
    let (key, last) = signed;
    let sequence = next_sequence(last, now_seconds());
    let now = now_utc();
    let mut header = FeedHeader::new(&centre, &name, FeedKind::Centre, sequence, &now);
    let signature = webcrypto::sign(&key.private, header.message())
        .await
        .map_err(|e| e.to_string())?;
    header.attach(&key.public, &signature);
    let prototypes = feed.live_prototypes().count();
    let reports = feed.ratings.len();
    let bytes = export(&Document {
        exported_at: Some(now),
        exported_by: Some(centre.clone()),
        feed: Some(header),
        catalogue: feed,
        extra: Default::default(),
    });
    let file = feed_file_name(&centre);
    download(&bytes, &file, "application/json")?;
    state
        .with_db(|db| async move { store::put_setting(&db, &setting, &sequence.to_string()).await })
        .await
        .transpose()
        .map_err(|e| e.message)?;
    Ok(format!(
        "Flux « {file} » prêt (publication numéro {sequence}) : {}, {}.",
        plural(prototypes, "prototype", "prototypes"),
        plural(reports, "rapport d'expérience", "rapports d'expérience")
    ))
}

#[component]
pub fn PublishPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Whether this browser signs for « Mon centre » (`None` while checking).
    let signs = RwSignal::new(None::<bool>);
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        let mine = state.my_centre.get();
        let loaded = state.catalogue.with(|c| matches!(c, Some(Ok(_))));
        spawn_local(async move {
            signs.set(match mine {
                Some(centre) if loaded => Some(state.signs_for(&centre).await),
                Some(_) => None,
                None => Some(false),
            });
        });
    });
    let centre_name = move || {
        let id = state.my_centre.get()?;
        Some(
            state
                .with_catalogue(|c| c.centre(&id).map(|c| c.name.clone()))
                .flatten()
                .unwrap_or(id),
        )
    };
    let run = move |_| {
        let Some(centre) = state.my_centre.get_untracked() else {
            return;
        };
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            outcome.set(Some(publish(state, centre).await));
            busy.set(false);
        });
    };

    view! {
        <h1>"Publier mon catalogue"</h1>
        <p class="intro">
            "Votre flux est un fichier : les prototypes de votre centre, ses rapports d'expérience "
            "et ce que vous avez adapté, signés par ce navigateur. Mis en ligne à une adresse fixe, "
            "il permet aux autres centres de s'y abonner (page "<A href=href(&Route::Subscriptions)>"Abonnements"</A>
            ") et de recevoir vos nouveautés sans échange de fichiers."
        </p>
        {move || match (state.my_centre.get(), signs.get()) {
            (None, _) => view! {
                <p class="need-centre">
                    "Pour publier, indiquez d'abord votre centre et créez la clé de ce navigateur : "
                    <A href=href(&Route::MyCentre)>"Mon centre"</A>"."
                </p>
            }.into_any(),
            (Some(_), None) => view! { <p role="status">"Vérification de la clé de ce navigateur…"</p> }.into_any(),
            (Some(_), Some(false)) => view! {
                <p class="need-centre">
                    {format!(
                        "Ce navigateur ne signe pas pour « {} » : votre flux ne pourrait pas être vérifié par les autres centres. \
                         Créez ou faites ajouter la clé de ce navigateur sur la page ",
                        centre_name().unwrap_or_default()
                    )}
                    <A href=href(&Route::MyCentre)>"Mon centre"</A>"."
                </p>
            }.into_any(),
            (Some(id), Some(true)) => view! {
                <div class="actions">
                    <button type="button" class="primary" disabled=move || busy.get() on:click=run>"Télécharger mon flux"</button>
                </div>
                <p class="hint">{format!("Le fichier s'appelle toujours « {} ».", feed_file_name(&id))}</p>
            }.into_any(),
        }}
        <div role="status" class="publier-etat">
            {move || outcome.get().map(|o| match o {
                Ok(text) => view! { <p class="success-box">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error">{text}</p> }.into_any(),
            })}
        </div>
        <section class="mettre-en-ligne" aria-labelledby="mettre-en-ligne-titre">
            <h2 id="mettre-en-ligne-titre">"Mettre le flux en ligne"</h2>
            <p>
                "Déposez le fichier sur un site, toujours à la même adresse, puis donnez cette "
                "adresse aux autres centres (ou à votre réseau, pour son annuaire des flux). Le "
                "site doit permettre à Prototèque de lire le fichier depuis une autre adresse :"
            </p>
            <ul>
                <li>
                    <strong>"GitHub Pages"</strong>" : fonctionne tel quel. Ajoutez le fichier à "
                    "votre dépôt publié ; son adresse est https://votre-compte.github.io/votre-depot/"
                    {move || state.my_centre.get().map(|id| feed_file_name(&id)).unwrap_or_else(|| feed_file_name("mon-centre"))}"."
                </li>
                <li>
                    <strong>"WordPress, ou tout site Apache"</strong>" : déposez le fichier (par FTP ou "
                    "le gestionnaire de fichiers de l'hébergeur) et ajoutez au fichier .htaccess du "
                    "dossier la ligne "<code>"Header set Access-Control-Allow-Origin \"*\""</code>"."
                </li>
                <li>
                    <strong>"nginx"</strong>" : ajoutez "<code>"add_header Access-Control-Allow-Origin *;"</code>
                    " au bloc qui sert le fichier."
                </li>
                <li>
                    <strong>"Partage public Nextcloud"</strong>" : un autre site ne peut pas lire un "
                    "partage Nextcloud. Envoyez plutôt le lien de téléchargement : les autres centres "
                    "téléchargent le fichier et l'importent (page "<A href=href(&Route::Import)>"Importer"</A>")."
                </li>
            </ul>
            <p><strong>"Publier à nouveau après chaque modification, sous le même nom"</strong>
                " : les abonnés reçoivent les nouveautés à leur prochaine actualisation. Chaque "
                "publication porte un numéro plus grand que la précédente ; un fichier plus ancien "
                "remis en ligne par erreur est reconnu et ignoré."</p>
        </section>
    }
}

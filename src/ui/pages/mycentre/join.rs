//! A centre this browser does not sign for, chosen in the list: what that means, and what it
//! can do about it — become one of the centre's devices (« Ajouter cet appareil »), make the
//! centre's first key (« Créer la clé de ce centre »), or act for it unsigned anyway.

use super::keys::{self, DeviceStanding};
use super::{focus, Chosen};
use crate::address::Route;
use crate::exchange::signing::fingerprint;
use crate::ui::router::A;
use crate::ui::state::AppState;
use crate::ui::widgets::{count, href};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Said of a centre chosen without its key.
pub const UNVERIFIED: &str = "Sans clé, ce que vous écrivez pour ce centre reste « non vérifié » pour tout le monde, et ne compte pas pour le label.";

/// The panel under a centre of the list, for `standing` (read again when `keys_changed` is
/// bumped). Asks the page to act for the centre through `chosen`: a signal, which work still
/// running when the page is left can set without harm.
#[component]
pub fn CentreChoice(
    id: String,
    name: String,
    #[prop(into)] standing: Signal<Option<DeviceStanding>>,
    keys_changed: RwSignal<u32>,
    chosen: RwSignal<Option<Chosen>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let (id, name) = (StoredValue::new(id), StoredValue::new(name));
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Opened by the centre's button: the panel is where the person reads on.
    Effect::new(move |_| focus(&format!("choix-{}", id.get_value())));
    let unsigned = move |_| {
        chosen.set(Some(Chosen {
            id: id.get_value(),
            name: name.get_value(),
            note: None,
        }))
    };
    let add_device = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let id = id.get_value();
        spawn_local(async move {
            match keys::new_device_key(state, &id).await {
                Ok(_) => keys_changed.update(|n| *n += 1),
                Err(e) => problem.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let create_key = move |kept: Option<String>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (id, name) = (id.get_value(), name.get_value());
        spawn_local(async move {
            let outcome = create_first_key(state, &id, kept).await;
            busy.set(false);
            match outcome {
                Ok(note) => chosen.set(Some(Chosen {
                    id,
                    name,
                    note: Some(note),
                })),
                Err(e) => problem.set(Some(e)),
            }
        });
    };
    let choose_unsigned = move || {
        view! {
            <p>{UNVERIFIED}</p>
            <button type="button" on:click=unsigned>"Agir pour ce centre sans clé"</button>
        }
    };
    let body = move || {
        match standing.get() {
            None => view! { <p>"Un instant…"</p> }.into_any(),
            Some(DeviceStanding::Signs { .. }) => view! {
                <p class="success-box">{format!("Cet appareil peut signer pour {}.", name.get_value())}</p>
                <button type="button" class="primary" on:click=unsigned>"Agir pour ce centre"</button>
            }.into_any(),
            Some(DeviceStanding::Illustrative) => view! {
                <p>"Les huit centres du catalogue de démonstration sont illustratifs : personne ne détient leurs clés. "
                   "Vous pouvez tout consulter et adapter leurs prototypes pour votre propre centre ; ce que vous écririez "
                   "en leur nom resterait « non vérifié ». Pour publier des prototypes vérifiés, ajoutez votre centre."</p>
                <button type="button" on:click=unsigned>"Agir pour ce centre sans clé"</button>
            }.into_any(),
            Some(DeviceStanding::OthersKeys { revoked }) => view! {
                {revoked.then(|| view! { <p class="notice">"Le centre a retiré la clé de cet appareil : ce qu'elle a signé ne compte plus."</p> })}
                <p>"Ce centre a déjà ses clés : pour écrire en son nom depuis ce navigateur, faites ajouter cet appareil par un appareil du centre."</p>
                <button type="button" class="primary" on:click=add_device disabled=busy>"Ajouter cet appareil"</button>
                {choose_unsigned()}
            }.into_any(),
            Some(DeviceStanding::Waiting { key }) => view! {
                <DeviceCode key centre=name.get_value()/>
                {choose_unsigned()}
            }.into_any(),
            Some(DeviceStanding::NoKey { kept }) => view! {
                <p>"Ce centre n'a pas encore de clé : ce qu'il publie est « non vérifié ». Créer sa clé fait de ce "
                   "navigateur le premier appareil du centre : ce que vous publiez pour lui sera signé, et ce qu'il a déjà "
                   "écrit, signé à son tour. Les autres centres feront confiance à cette clé dès le premier fichier "
                   "qu'ils recevront d'elle : ne le faites que si vous agissez bien pour ce centre."</p>
                <button type="button" class="primary" disabled=busy
                    on:click=move |_| create_key(kept.clone())>"Créer la clé de ce centre"</button>
                {choose_unsigned()}
            }.into_any(),
        }
    };
    view! {
        <div role="region" aria-labelledby=move || format!("choix-{}", id.get_value())>
            <h3 id=move || format!("choix-{}", id.get_value()) tabindex="-1">{name.get_value()}</h3>
            {body}
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </div>
    }
}

/// Makes this browser the first device of centre `id` (with the key it `kept`, or a new one):
/// a centre version listing the key, signed; vouched for as this device's; then what the centre
/// already wrote, signed. Gives what to tell.
async fn create_first_key(
    state: AppState,
    id: &str,
    kept: Option<String>,
) -> Result<String, String> {
    if !keys::supported().await {
        return Err("Ce navigateur ne sait pas signer les publications (Ed25519) : mettez-le à jour pour créer la clé de ce centre.".into());
    }
    let key = match kept {
        Some(key) => key,
        None => keys::new_device_key(state, id).await?,
    };
    let listed = key.clone();
    keys::publish(state, id, &key, move |centre| centre.keys = vec![listed]).await?;
    state.vouch_device(id).await?;
    let signed = keys::sign_own(state, id, &[]).await?;
    let mut note = "La clé du centre est créée : cet appareil signe pour lui.".to_owned();
    note.push_str(&match signed.signed {
        0 => String::new(),
        1 => " La publication qu'il avait déjà écrite est maintenant signée.".to_owned(),
        n => format!(
            " Les {} publications qu'il avait déjà écrites sont maintenant signées.",
            count(n)
        ),
    });
    note.push_str(&match signed.left {
        0 => String::new(),
        1 => " 1 publication n'a pas pu l'être et reste « non vérifiée ».".to_owned(),
        n => format!(
            " {} publications n'ont pas pu l'être et restent « non vérifiées ».",
            count(n)
        ),
    });
    note.push_str(
        " Exportez le catalogue et partagez-le pour que les autres centres apprennent cette clé.",
    );
    Ok(note)
}

/// This device's code, waiting to be added by another device of `centre`: the code to send,
/// its fingerprint to compare, and the three steps.
#[component]
pub fn DeviceCode(key: String, centre: String) -> impl IntoView {
    let copied = RwSignal::new(None::<Result<&'static str, &'static str>>);
    let code = StoredValue::new(key.clone());
    let copy = move |_| {
        spawn_local(async move {
            copied.set(Some(if keys::copy_to_clipboard(&code.get_value()).await {
                Ok("Code copié.")
            } else {
                Err("La copie n'a pas abouti : sélectionnez le code et copiez-le.")
            }))
        })
    };
    view! {
        <p>{format!("Cet appareil attend d'être ajouté au centre {centre}.")}</p>
        <div class="field">
            <label for="code-appareil">"Code de cet appareil"</label>
            <div class="device-code">
                <input id="code-appareil" type="text" readonly value=key.clone() spellcheck="false"/>
                <button type="button" on:click=copy>"Copier"</button>
            </div>
            <span role="status">{move || copied.get().map(|c| match c {
                Ok(text) => view! { <span>{text}</span> }.into_any(),
                Err(text) => view! { <span class="error">{text}</span> }.into_any(),
            })}</span>
        </div>
        <p>"Empreinte de cet appareil : "<code class="fingerprint" id="empreinte-appareil">{fingerprint(&key).unwrap_or_default()}</code></p>
        <ol class="steps">
            <li>"Envoyez ce code à une personne du centre qui a déjà un appareil du centre (courriel, message)."</li>
            <li>"Sur son appareil, elle ouvre « Mon centre » → « Ajouter un appareil » et colle le code. Comparez "
                "ensemble, par téléphone, l'empreinte qu'elle voit avec celle-ci : elles doivent être identiques."</li>
            <li>"Elle exporte alors son catalogue et vous envoie le fichier : importez-le ici ("
                <A href=href(&Route::Import)>"page Importer"</A>
                "), puis revenez sur « Mon centre » : cet appareil signera pour le centre."</li>
        </ol>
    }
}

//! The devices of « Mon centre », when this browser signs for it: each key's fingerprint,
//! « Ajouter un appareil » (a device code pasted, its fingerprint compared, then a centre
//! version listing it) and « Retirer » (a centre version revoking another device's key, then
//! what that key had signed signed again by this one).

use super::keys;
use crate::exchange::signing::fingerprint;
use crate::ui::export::{ExportButtons, Selection};
use crate::ui::state::AppState;
use crate::ui::text_field::TextField;
use crate::ui::widgets::count;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Said after a key change: the others learn of it only from a file.
const SHARE: &str = "Exportez maintenant le catalogue et partagez-le : les autres appareils et les autres centres n'apprendront ce changement que par ce fichier.";

#[component]
pub fn Devices(id: String, name: String, key: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let (id, own) = (StoredValue::new(id), StoredValue::new(key));
    let keys_of = move || {
        state
            .with_catalogue(|c| {
                c.centre(&id.get_value())
                    .map(|c| (c.keys.clone(), c.revoked.len()))
            })
            .flatten()
            .unwrap_or_default()
    };
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(None::<String>);

    // « Ajouter un appareil »
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<String>);
    let checked = RwSignal::new(None::<String>);
    let check = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        checked.set(None);
        let (listed, _) = keys_of();
        let revoked = state
            .with_catalogue(|c| c.centre(&id.get_value()).map(|c| c.revoked.clone()))
            .flatten()
            .unwrap_or_default();
        match keys::device_code(&code.get_untracked()) {
            Err(why) => code_error.set(Some(why.into())),
            Ok(key) if listed.contains(&key) => {
                code_error.set(Some("Cet appareil fait déjà partie du centre.".into()))
            }
            Ok(key) if revoked.contains(&key) => code_error.set(Some(
                "Cet appareil a été retiré du centre : il ne peut pas revenir avec ce code. Sur cet appareil, « Ajouter cet appareil » en crée un nouveau.".into(),
            )),
            Ok(key) => {
                code_error.set(None);
                checked.set(Some(key));
            }
        }
    };
    let add = move |_| {
        let Some(new) = checked.get_untracked().filter(|_| !busy.get_untracked()) else {
            return;
        };
        busy.set(true);
        let (centre, signer) = (id.get_value(), own.get_value());
        spawn_local(async move {
            let fp = fingerprint(&new).unwrap_or_default();
            let added = new.clone();
            let result = keys::publish(state, &centre, &signer, move |c| c.keys.push(added)).await;
            busy.set(false);
            outcome.set(Some(result.map(|()| {
                code.set(String::new());
                checked.set(None);
                format!("L'appareil {fp} est ajouté au centre. {SHARE} Envoyez le fichier au nouvel appareil : une fois importé, il signera pour le centre.")
            })));
        });
    };

    // « Retirer »
    let revoke = move |gone: String| {
        let (listed, _) = keys_of();
        // Never this device's own key (it signs the change), nor the last one.
        let removable = gone != own.get_value() && listed.contains(&gone) && listed.len() > 1;
        if !removable || busy.get_untracked() {
            return;
        }
        busy.set(true);
        confirming.set(None);
        let (centre, signer) = (id.get_value(), own.get_value());
        spawn_local(async move {
            let fp = fingerprint(&gone).unwrap_or_default();
            let withdrawn = gone.clone();
            let result = async {
                keys::publish(state, &centre, &signer, move |c| {
                    c.keys.retain(|k| *k != withdrawn);
                    c.revoked.push(withdrawn);
                })
                .await?;
                keys::sign_own(state, &centre, &[gone]).await
            }
            .await;
            busy.set(false);
            outcome.set(Some(result.map(|signed| {
                let mut text = format!("L'appareil {fp} est retiré : ce qu'il signe ne compte plus.");
                text.push_str(&match signed.signed {
                    0 => String::new(),
                    1 => " La publication qu'il avait signée l'est maintenant par cet appareil.".to_owned(),
                    n => format!(" Les {} publications qu'il avait signées le sont maintenant par cet appareil.", count(n)),
                });
                text.push_str(&match signed.left {
                    0 => String::new(),
                    1 => " 1 publication garde sa signature et ne compte plus.".to_owned(),
                    n => format!(" {} publications gardent sa signature et ne comptent plus.", count(n)),
                });
                format!("{text} {SHARE}")
            })));
        });
    };

    let device = move |key: String, total: usize| {
        let fp = fingerprint(&key).unwrap_or_default();
        let mine = key == own.get_value();
        let asked = {
            let key = key.clone();
            move || confirming.get().as_deref() == Some(key.as_str())
        };
        let (ask, confirm) = (key.clone(), key);
        let fp_label = fp.clone();
        view! {
            <li>
                <code class="fingerprint">{fp.clone()}</code>
                {mine.then_some(" (cet appareil)")}
                {(!mine && total > 1).then(|| view! {
                    " "
                    <button type="button" aria-label=format!("Retirer l'appareil {fp_label}")
                        on:click=move |_| confirming.set(Some(ask.clone()))>"Retirer"</button>
                })}
                {move || asked().then(|| {
                    let confirm = confirm.clone();
                    view! {
                        <div class="notice" role="group" aria-label="Confirmer le retrait">
                            <p>{format!("Retirer l'appareil {fp} ? Il ne pourra plus signer pour le centre, et ce qu'il a signé ne comptera plus pour ceux qui recevront la nouvelle version du centre. Cet appareil-ci signera de nouveau ce que l'autre avait signé.")}</p>
                            <button type="button" class="primary" disabled=busy
                                on:click=move |_| revoke(confirm.clone())>"Confirmer le retrait"</button>
                            " "
                            <button type="button" on:click=move |_| confirming.set(None)>"Annuler"</button>
                        </div>
                    }
                })}
            </li>
        }
    };

    view! {
        <section aria-labelledby="appareils">
            <h2 id="appareils">{format!("Les appareils de {name}")}</h2>
            <p>"Chaque appareil qui écrit pour le centre a sa propre clé. Les autres centres reconnaissent ce que vous "
               "publiez à ces empreintes (page « Confiance ») : lisez-les-leur par téléphone s'ils veulent vérifier."</p>
            <ul class="devices">
                {move || {
                    let (listed, _) = keys_of();
                    let total = listed.len();
                    listed.into_iter().map(|k| device(k, total)).collect_view()
                }}
            </ul>
            {move || {
                let (_, revoked) = keys_of();
                (revoked > 0).then(|| view! { <p>{format!("Appareils retirés : {revoked}.")}</p> })
            }}
            <div role="status">
                {move || outcome.get().map(|o| match o {
                    Ok(text) => view! {
                        <p class="success-box">{text}</p>
                        <ExportButtons selection=Signal::derive(|| Selection::All) label="Exporter le catalogue"/>
                    }.into_any(),
                    Err(text) => view! { <p class="error">{text}</p> }.into_any(),
                })}
            </div>
            <h3>"Ajouter un appareil"</h3>
            <p>"Sur le nouvel appareil, ouvrez « Mon centre », choisissez ce centre puis « Ajouter cet appareil » : "
               "il affiche un code. Collez-le ici."</p>
            <form class="form" on:submit=check novalidate>
                <TextField id="code-nouvel-appareil" label="Code du nouvel appareil" value=code set=code
                    error=Signal::derive(move || code_error.get())/>
                <button type="submit">"Vérifier le code"</button>
            </form>
            {move || checked.get().map(|key| view! {
                <div class="notice" role="group" aria-label="Comparer l'empreinte">
                    <p>"Empreinte du nouvel appareil : "<code class="fingerprint" id="empreinte-nouvel-appareil">{fingerprint(&key).unwrap_or_default()}</code>
                       ". Comparez-la, par téléphone, avec celle qu'affiche le nouvel appareil : ajoutez-le seulement si elles sont identiques."</p>
                    <button type="button" class="primary" disabled=busy on:click=add>
                        "Les empreintes sont identiques : ajouter l'appareil"</button>
                    " "
                    <button type="button" on:click=move |_| checked.set(None)>"Annuler"</button>
                </div>
            })}
        </section>
    }
}

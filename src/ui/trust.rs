//! What pages say about signatures: a version's badge (« Vérifié — signé par … » with why this
//! browser trusts the centre, or « Non vérifié » and why), and the two things only storage
//! knows: why this browser vouches for each centre, and whether it holds a key of « Mon centre ».
//! The rules are `model::trust`'s ([`Standing`], `Writing`); this module only reads and shows.
//! Used by pages that are chunks, never by the catalogue's code.

use crate::address::Route;
use crate::model::{Standing, Vouches};
use crate::store;
use crate::ui::state::AppState;
use crate::ui::widgets::href;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Why this browser vouches for each centre (`None` until read). Read again whenever the
/// catalogue is shown anew: a check on the « Confiance » page reloads it.
pub fn vouches() -> ReadSignal<Option<Vouches>> {
    let state = expect_context::<AppState>();
    let read = RwSignal::new(None);
    Effect::new(move |_| {
        state.catalogue.track();
        spawn_local(async move {
            let vouches = state
                .with_db(|db| async move { store::vouches(&db).await })
                .await;
            if let Some(Ok(vouches)) = vouches {
                read.try_set(Some(vouches));
            }
        });
    });
    read.read_only()
}

/// Whether this browser holds a key of « Mon centre », so that what it writes for it is signed
/// (`None` until known, and while no centre is chosen). A store that cannot answer counts as no
/// key: the pages then offer less, never an edit that would be lost.
pub fn signs_for_my_centre() -> ReadSignal<Option<bool>> {
    let state = expect_context::<AppState>();
    let signs = RwSignal::new(None);
    Effect::new(move |_| {
        let mine = state.my_centre.get();
        signs.set(None);
        let Some(me) = mine.clone() else {
            return;
        };
        spawn_local(async move {
            let held = state
                .with_db(|db| async move { store::device_key(&db, &me).await })
                .await;
            let held = matches!(held, Some(Ok(Some(_))));
            // Only if « Mon centre » is still the one asked about.
            if state.my_centre.get_untracked() == mine {
                signs.try_set(Some(held));
            }
        });
    });
    signs.read_only()
}

/// A version's badge, a link to the « Confiance » page: « Vérifié — signé par <centre> » and
/// why this browser trusts that centre, or « Non vérifié » and why it does not count.
#[component]
pub fn TrustBadge(
    standing: Standing,
    /// The centre the record belongs to: its id and name.
    owner: String,
    owner_name: String,
    vouches: ReadSignal<Option<Vouches>>,
) -> impl IntoView {
    let text = move || match standing.reason() {
        None => {
            let why = vouches.with(|v| v.as_ref().and_then(|v| v.0.get(&owner).copied()));
            match why {
                Some(why) => format!("Vérifié — signé par {owner_name} ({})", why.label()),
                None => format!("Vérifié — signé par {owner_name}"),
            }
        }
        Some(reason) => format!("Non vérifié — {reason}"),
    };
    let class = if standing.counts() {
        "trust trust-ok"
    } else {
        "trust trust-no"
    };
    view! { <a href=href(&Route::Trust) class=class>{text}</a> }
}

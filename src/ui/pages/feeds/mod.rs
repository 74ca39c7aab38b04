//! The feeds' pages, in the import page's chunk (see `import_or_feeds` in `ui/mod.rs`): « Abonnements » (subscribe, refresh, each feed's state),
//! « Nouveautés » (what the refreshes brought, the last one undoable) and « Publier mon
//! catalogue » (this centre's feed file, and how to put it online). The refreshes themselves are
//! `ui::feeds`.

mod news;
mod publish;
mod subscriptions;

use crate::address::Route;
use crate::ui::router;
use leptos::prelude::*;

pub use news::NewsPage;
pub use publish::PublishPage;
pub use subscriptions::SubscriptionsPage;

/// The feeds' page the address names.
pub fn feeds_page() -> AnyView {
    let route = router::use_router().with_here(|h| h.map(|h| h.route.clone()));
    match route {
        Some(Route::News) => view! { <NewsPage/> }.into_any(),
        Some(Route::Publish) => view! { <PublishPage/> }.into_any(),
        _ => view! { <SubscriptionsPage/> }.into_any(),
    }
}

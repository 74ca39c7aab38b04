//! The catalogue's search as the address holds it (`?q=…&theme=…`): the hook that reads it and
//! the links that carry it, so that a search survives a reload, is shared, and follows the
//! person to the printable book and back.

use super::router::use_query;
use super::widgets::href;
use crate::address::Route;
use crate::search::Query;
use leptos::prelude::*;

/// The search described by the current URL.
pub fn use_url_query() -> Memo<Query> {
    let params = use_query();
    Memo::new(move |_| {
        params.with(|p| Query::from_params(p.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    })
}

/// The link to `route`'s page with the query's URL parameters.
pub fn href_with(route: &Route, query: &Query) -> String {
    let path = href(route);
    let params = query.to_params();
    if params.is_empty() {
        return path;
    }
    let encoded: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(v))))
        .collect();
    format!("{path}?{}", encoded.join("&"))
}

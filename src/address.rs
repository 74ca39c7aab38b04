//! The app's addresses: which page a path names and the path that names a page, the pairs of a
//! query string, which links point at the page shown. Pure, so that the rules are tested natively; `ui::router` applies them in
//! the browser. Paths here are app paths: without the base path the app is served under.

/// A page of the app, as its address names it (ids decoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Catalogue,
    NewPrototype,
    Prototype(String),
    EditPrototype(String),
    Compare(String),
    Book,
    Centres,
    Centre(String),
    Import,
    Label,
    Dashboard,
    About,
    MyCentre,
    Trust,
    /// « Abonnements »: the feeds subscribed to.
    Subscriptions,
    /// « Nouveautés »: what the refreshes of the feeds brought.
    News,
    /// « Publier mon catalogue »: this centre's feed file.
    Publish,
    NotFound,
}

impl Route {
    /// The page an app path names ("/prototypes/x/modifier"); a trailing slash is ignored.
    pub fn of(path: &str) -> Route {
        let path = path.strip_prefix('/').unwrap_or(path).trim_end_matches('/');
        let segments: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('/').collect()
        };
        let id = |raw: &str| Some(percent_decode(raw, false)).filter(|id| !id.is_empty());
        let with_id =
            |raw: &str, route: fn(String) -> Route| id(raw).map_or(Route::NotFound, route);
        match segments.as_slice() {
            [] => Route::Catalogue,
            ["prototypes", "nouveau"] => Route::NewPrototype,
            ["prototypes", raw] => with_id(raw, Route::Prototype),
            ["prototypes", raw, "modifier"] => with_id(raw, Route::EditPrototype),
            ["prototypes", raw, "comparer"] => with_id(raw, Route::Compare),
            ["livrets"] => Route::Book,
            ["centres"] => Route::Centres,
            ["centres", raw] => with_id(raw, Route::Centre),
            ["importer"] => Route::Import,
            ["label"] => Route::Label,
            ["indicateurs"] => Route::Dashboard,
            ["a-propos"] => Route::About,
            ["mon-centre"] => Route::MyCentre,
            ["confiance"] => Route::Trust,
            ["abonnements"] => Route::Subscriptions,
            ["nouveautes"] => Route::News,
            ["publier"] => Route::Publish,
            _ => Route::NotFound,
        }
    }

    /// The app path that names this page, ids percent-encoded as [`Route::of`] decodes them, so
    /// that `Route::of(&route.path()) == route`: every link the app writes comes from here. An id
    /// spelt like a fixed page ("nouveau") has its first letter escaped, so that it still names
    /// the prototype. [`Route::NotFound`], and a page about an empty id (there is none), give an
    /// address that names no page.
    pub fn path(&self) -> String {
        if self.id() == Some("") {
            return Route::NotFound.path();
        }
        let prototype = |id: &str, page: &str| format!("/prototypes/{}{page}", id_segment(id));
        match self {
            Route::Catalogue => "/".to_owned(),
            Route::NewPrototype => "/prototypes/nouveau".to_owned(),
            Route::Prototype(id) => prototype(id, ""),
            Route::EditPrototype(id) => prototype(id, "/modifier"),
            Route::Compare(id) => prototype(id, "/comparer"),
            Route::Book => "/livrets".to_owned(),
            Route::Centres => "/centres".to_owned(),
            Route::Centre(id) => format!("/centres/{}", id_segment(id)),
            Route::Import => "/importer".to_owned(),
            Route::Label => "/label".to_owned(),
            Route::Dashboard => "/indicateurs".to_owned(),
            Route::About => "/a-propos".to_owned(),
            Route::MyCentre => "/mon-centre".to_owned(),
            Route::Trust => "/confiance".to_owned(),
            Route::Subscriptions => "/abonnements".to_owned(),
            Route::News => "/nouveautes".to_owned(),
            Route::Publish => "/publier".to_owned(),
            Route::NotFound => "/introuvable".to_owned(),
        }
    }

    /// The page's title, for the browser's tab and history and for screen readers (WCAG 2.4.2):
    /// what the page shows first, then the app's name. `about` is the name of the prototype or
    /// centre the page is about, when it is known (the catalogue is loaded and holds it).
    pub fn title(&self, about: Option<&str>) -> String {
        let about = about.map(str::trim).filter(|name| !name.is_empty());
        // (before the name, the name, after it): one format below, not one per page.
        let (before, name, after) = match (self, about) {
            (Route::Prototype(_), Some(title)) => ("", title, ""),
            (Route::EditPrototype(_), Some(title)) => ("Modifier « ", title, " »"),
            (Route::Compare(_), Some(title)) => ("« ", title, " » comparé à l'original"),
            (Route::Centre(_), Some(name)) => ("", name, " (centre)"),
            _ => (
                match self {
                    Route::Catalogue => "Catalogue des prototypes",
                    Route::NewPrototype => "Nouveau prototype",
                    Route::Prototype(_) => "Prototype",
                    Route::EditPrototype(_) => "Modifier un prototype",
                    Route::Compare(_) => "Comparer avec l'original",
                    Route::Book => "Livrets à imprimer",
                    Route::Centres => "Les centres du réseau",
                    Route::Centre(_) => "Centre",
                    Route::Import => "Importer un catalogue",
                    Route::Label => "Le label",
                    Route::Dashboard => "Indicateurs du programme",
                    Route::About => "À propos",
                    Route::MyCentre => "Mon centre",
                    Route::Trust => "Confiance et signatures",
                    Route::Subscriptions => "Abonnements aux catalogues",
                    Route::News => "Nouveautés des abonnements",
                    Route::Publish => "Publier mon catalogue",
                    Route::NotFound => "Page introuvable",
                },
                "",
                "",
            ),
        };
        [before, name, after, " — Prototèque"].concat()
    }

    /// The prototype or centre the page is about.
    pub fn id(&self) -> Option<&str> {
        match self {
            Route::Prototype(id)
            | Route::EditPrototype(id)
            | Route::Compare(id)
            | Route::Centre(id) => Some(id),
            _ => None,
        }
    }
}

/// An id as one path segment: every byte but the URL's unreserved characters (letters, digits,
/// `-._~`) as `%XX`; "nouveau", the one fixed segment an id could be mistaken for, as
/// "%6Eouveau" (`Route::of` matches fixed segments before decoding).
fn id_segment(id: &str) -> String {
    if id == "nouveau" {
        return "%6Eouveau".to_owned();
    }
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
}

/// The decoded pairs of a query string ("?q=caf%C3%A9&theme=accueil"), in order; `+` is a space.
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key, true), percent_decode(value, true))
        })
        .collect()
}

/// `%XX` escapes decoded as UTF-8 (invalid sequences become U+FFFD, a lone `%` stays as it is).
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let escaped = (byte == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                i += 3;
            }
            None => {
                out.push(if plus_is_space && byte == b'+' {
                    b' '
                } else {
                    byte
                });
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Whether a link to `link` points at the page shown at `here` or at one under it: "/centres"
/// for "/centres/echo"; the catalogue ("/") only for itself. (Both app paths, no query.)
pub fn link_is_current(link: &str, here: &str) -> bool {
    let link = link.trim_end_matches('/');
    let here = here.trim_end_matches('/');
    here == link
        || (!link.is_empty()
            && here
                .strip_prefix(link)
                .is_some_and(|rest| rest.starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_pages() {
        let cases = [
            ("/", Route::Catalogue),
            ("", Route::Catalogue),
            ("/prototypes/nouveau", Route::NewPrototype),
            ("/prototypes/cafe-1", Route::Prototype("cafe-1".into())),
            ("/prototypes/cafe-1/", Route::Prototype("cafe-1".into())),
            (
                "/prototypes/cafe-1/modifier",
                Route::EditPrototype("cafe-1".into()),
            ),
            (
                "/prototypes/cafe-1/comparer",
                Route::Compare("cafe-1".into()),
            ),
            ("/prototypes/caf%C3%A9", Route::Prototype("café".into())),
            ("/livrets", Route::Book),
            ("/centres", Route::Centres),
            ("/centres/echo", Route::Centre("echo".into())),
            ("/importer", Route::Import),
            ("/label", Route::Label),
            ("/indicateurs", Route::Dashboard),
            ("/a-propos", Route::About),
            ("/mon-centre", Route::MyCentre),
            ("/confiance", Route::Trust),
            ("/abonnements", Route::Subscriptions),
            ("/nouveautes", Route::News),
            ("/publier", Route::Publish),
            ("/nouveautés", Route::NotFound),
            ("/confiance/echo", Route::NotFound),
            ("/prototypes", Route::NotFound),
            ("/prototypes//modifier", Route::NotFound),
            ("/prototypes/x/supprimer", Route::NotFound),
            ("/Centres", Route::NotFound),
            ("/index.html", Route::NotFound),
        ];
        for (path, route) in cases {
            assert_eq!(Route::of(path), route, "{path}");
        }
        assert_eq!(Route::of("/centres/echo").id(), Some("echo"));
        assert_eq!(Route::of("/centres").id(), None);
    }

    /// Every page, with `id` where it takes one.
    fn every_route(id: &str) -> Vec<Route> {
        let routes = vec![
            Route::Catalogue,
            Route::NewPrototype,
            Route::Prototype(id.into()),
            Route::EditPrototype(id.into()),
            Route::Compare(id.into()),
            Route::Book,
            Route::Centres,
            Route::Centre(id.into()),
            Route::Import,
            Route::Label,
            Route::Dashboard,
            Route::About,
            Route::MyCentre,
            Route::Trust,
            Route::Subscriptions,
            Route::News,
            Route::Publish,
            Route::NotFound,
        ];
        // Exhaustive, so that a new page fails to compile here until it is in the list above.
        for route in &routes {
            match route {
                Route::Catalogue
                | Route::NewPrototype
                | Route::Prototype(_)
                | Route::EditPrototype(_)
                | Route::Compare(_)
                | Route::Book
                | Route::Centres
                | Route::Centre(_)
                | Route::Import
                | Route::Label
                | Route::Dashboard
                | Route::About
                | Route::MyCentre
                | Route::Trust
                | Route::Subscriptions
                | Route::News
                | Route::Publish
                | Route::NotFound => {}
            }
        }
        routes
    }

    #[test]
    fn every_page_is_named_by_its_path() {
        let ids = [
            "cafe-1",
            "café des parents",
            "a/b",
            "100%",
            "%C3%A9",
            "a+b",
            "?q=1&x#haut",
            "Écho",
            "-",
            "nouveau",
            "modifier",
            "comparer",
            "prototypes",
            "..",
        ];
        for id in ids {
            for route in every_route(id) {
                assert_eq!(Route::of(&route.path()), route, "{id:?} → {}", route.path());
            }
        }
    }

    #[test]
    fn pages_give_their_paths() {
        let cases = [
            (Route::Catalogue, "/"),
            (Route::NewPrototype, "/prototypes/nouveau"),
            (Route::Prototype("cafe-1".into()), "/prototypes/cafe-1"),
            (
                Route::EditPrototype("cafe-1".into()),
                "/prototypes/cafe-1/modifier",
            ),
            (
                Route::Compare("cafe-1".into()),
                "/prototypes/cafe-1/comparer",
            ),
            (Route::Prototype("café".into()), "/prototypes/caf%C3%A9"),
            (Route::Prototype("a/b c".into()), "/prototypes/a%2Fb%20c"),
            (Route::Prototype("nouveau".into()), "/prototypes/%6Eouveau"),
            (Route::Book, "/livrets"),
            (Route::Centres, "/centres"),
            (Route::Centre("echo".into()), "/centres/echo"),
            (Route::Centre("100%".into()), "/centres/100%25"),
            (Route::Import, "/importer"),
            (Route::Label, "/label"),
            (Route::Dashboard, "/indicateurs"),
            (Route::About, "/a-propos"),
            (Route::MyCentre, "/mon-centre"),
            (Route::Trust, "/confiance"),
            (Route::Subscriptions, "/abonnements"),
            (Route::News, "/nouveautes"),
            (Route::Publish, "/publier"),
        ];
        for (route, path) in cases {
            assert_eq!(route.path(), path, "{route:?}");
        }
        // No page is about an empty id.
        for route in every_route("").into_iter().filter(|r| r.id().is_some()) {
            assert_eq!(Route::of(&route.path()), Route::NotFound, "{route:?}");
        }
    }

    #[test]
    fn every_page_has_its_own_title() {
        for about in [None, Some("Café des parents")] {
            let titles: Vec<String> = every_route("cafe-1")
                .iter()
                .map(|r| r.title(about))
                .collect();
            for (i, title) in titles.iter().enumerate() {
                assert!(title.ends_with(" — Prototèque"), "{title}");
                assert!(
                    !titles[..i].contains(title),
                    "two pages are titled « {title} »"
                );
            }
        }
        let walk = Route::Prototype("diag".into());
        assert_eq!(
            walk.title(Some("Diagnostic en marchant")),
            "Diagnostic en marchant — Prototèque"
        );
        // A name with nothing visible names nothing.
        assert_eq!(walk.title(Some("  ")), "Prototype — Prototèque");
        assert_eq!(
            Route::Centre("echo".into()).title(Some("Écho")),
            "Écho (centre) — Prototèque"
        );
    }

    #[test]
    fn query_strings_decode_to_pairs() {
        assert_eq!(
            query_pairs("?q=caf%C3%A9+des+parents&theme=accueil&&vide=&seul"),
            [
                ("q".to_owned(), "café des parents".to_owned()),
                ("theme".to_owned(), "accueil".to_owned()),
                ("vide".to_owned(), String::new()),
                ("seul".to_owned(), String::new()),
            ]
        );
        assert_eq!(query_pairs(""), []);
        assert_eq!(
            query_pairs("?retour=%2Fprototypes%2Fx"),
            [("retour".to_owned(), "/prototypes/x".to_owned())]
        );
    }

    #[test]
    fn broken_escapes_do_not_fail() {
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode("%FF", false), "\u{FFFD}");
        assert_eq!(percent_decode("a+b", false), "a+b");
    }

    #[test]
    fn a_link_is_current_on_its_page_and_below() {
        assert!(link_is_current("/", "/"));
        assert!(!link_is_current("/", "/centres"));
        assert!(link_is_current("/centres", "/centres"));
        assert!(link_is_current("/centres", "/centres/echo"));
        assert!(link_is_current("/centres", "/centres/"));
        assert!(!link_is_current("/centres", "/centresx"));
        assert!(!link_is_current("/centres/echo", "/centres"));
    }
}

//! The app's addresses: which page a path names, the pairs of a query string, which links point
//! at the page shown. Pure, so that the rules are tested natively; `ui::router` applies them in
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
            _ => Route::NotFound,
        }
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

use crate::label::Status;
use crate::model::{Theme, UsageKind};

/// How results are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (alphabetical without search words).
    #[default]
    Relevance,
    /// Most recently changed first.
    Recent,
    /// Highest average score first; prototypes without reports last.
    BestRated,
    /// Most adapted by other centres first.
    MostAdapted,
}

impl Sort {
    pub const ALL: [Sort; 4] = [
        Sort::Relevance,
        Sort::Recent,
        Sort::BestRated,
        Sort::MostAdapted,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Sort::Relevance => "pertinence",
            Sort::Recent => "recents",
            Sort::BestRated => "mieux-notes",
            Sort::MostAdapted => "plus-adaptes",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Pertinence",
            Sort::Recent => "Les plus récents",
            Sort::BestRated => "Les mieux notés",
            Sort::MostAdapted => "Les plus adaptés",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// A catalogue search: words, one value per facet at most, and an order. It round-trips through
/// URL parameters so that a filtered view can be bookmarked and shared.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub text: String,
    pub theme: Option<Theme>,
    pub centre: Option<String>,
    pub territory: Option<String>,
    pub kind: Option<UsageKind>,
    pub status: Option<Status>,
    /// `Some(true)`: only prototypes with experience reports; `Some(false)`: only without.
    pub rated: Option<bool>,
    pub sort: Sort,
    /// Page of results, from 1 (lists show [`PAGE_SIZE`] at a time).
    pub page: usize,
}

/// Results shown per page: the page stays light whatever the catalogue's size.
pub const PAGE_SIZE: usize = 60;

impl Default for Query {
    fn default() -> Self {
        Query {
            text: String::new(),
            theme: None,
            centre: None,
            territory: None,
            kind: None,
            status: None,
            rated: None,
            sort: Sort::Relevance,
            page: 1,
        }
    }
}

impl Query {
    /// Reads URL parameters; unknown or malformed values are ignored (a shared link never breaks
    /// the page).
    pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Query {
        let mut q = Query::default();
        for (key, value) in params {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "q" => q.text = value.chars().take(200).collect(),
                "theme" => q.theme = Theme::from_slug(value),
                "centre" => q.centre = Some(value.to_owned()),
                "territoire" => q.territory = Some(value.to_owned()),
                "type" => q.kind = UsageKind::from_slug(value),
                "label" => {
                    q.status = [Status::Labelled, Status::Candidate, Status::InProgress]
                        .into_iter()
                        .find(|s| s.slug() == value)
                }
                "evaluations" => {
                    q.rated = match value {
                        "oui" => Some(true),
                        "non" => Some(false),
                        _ => None,
                    }
                }
                "tri" => q.sort = Sort::from_slug(value).unwrap_or_default(),
                "page" => q.page = value.parse().ok().filter(|p| *p >= 1).unwrap_or(1),
                _ => {}
            }
        }
        q
    }

    /// The URL parameters of this query, in a fixed order, without defaults.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !self.text.trim().is_empty() {
            out.push(("q", self.text.trim().to_owned()));
        }
        if let Some(t) = self.theme {
            out.push(("theme", t.slug().to_owned()));
        }
        if let Some(c) = &self.centre {
            out.push(("centre", c.clone()));
        }
        if let Some(t) = &self.territory {
            out.push(("territoire", t.clone()));
        }
        if let Some(k) = self.kind {
            out.push(("type", k.slug().to_owned()));
        }
        if let Some(s) = self.status {
            out.push(("label", s.slug().to_owned()));
        }
        if let Some(r) = self.rated {
            out.push(("evaluations", if r { "oui" } else { "non" }.to_owned()));
        }
        if self.sort != Sort::Relevance {
            out.push(("tri", self.sort.slug().to_owned()));
        }
        if self.page > 1 {
            out.push(("page", self.page.to_string()));
        }
        out
    }

    /// The range of `total` results this query's page shows.
    pub fn page_range(&self, total: usize) -> std::ops::Range<usize> {
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = self.page.clamp(1, pages);
        let start = (page - 1) * PAGE_SIZE;
        start..(start + PAGE_SIZE).min(total)
    }

    /// How many of the choices behind « Autres filtres et tri » this query makes (centre,
    /// territory, kind, label status, reports, a sort other than relevance), so that the page can
    /// show them folded away only when none is made.
    pub fn secondary_choices(&self) -> usize {
        [
            self.centre.is_some(),
            self.territory.is_some(),
            self.kind.is_some(),
            self.status.is_some(),
            self.rated.is_some(),
            self.sort != Sort::default(),
        ]
        .into_iter()
        .filter(|&made| made)
        .count()
    }

    /// True when no word and no facet narrows the catalogue.
    pub fn is_unfiltered(&self) -> bool {
        Query {
            sort: Sort::Relevance,
            page: 1,
            ..self.clone()
        } == Query::default()
    }
}

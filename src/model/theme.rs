use serde::Serialize;

/// The seven workshop themes of the "Centres sociaux connectés" programme. Fixed by the
/// programme, so an enum; the slug is what files carry, the label what people read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Theme {
    #[serde(rename = "accueil")]
    Welcome,
    #[serde(rename = "parentalite")]
    Parenting,
    #[serde(rename = "pouvoir-d-agir")]
    Empowerment,
    #[serde(rename = "lutte-contre-les-exclusions")]
    Inclusion,
    #[serde(rename = "communication")]
    Communication,
    #[serde(rename = "action-globale")]
    GlobalAction,
    #[serde(rename = "e-administration")]
    EAdministration,
}

impl Theme {
    pub const ALL: [Theme; 7] = [
        Theme::Welcome,
        Theme::Parenting,
        Theme::Empowerment,
        Theme::Inclusion,
        Theme::Communication,
        Theme::GlobalAction,
        Theme::EAdministration,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Theme::Welcome => "accueil",
            Theme::Parenting => "parentalite",
            Theme::Empowerment => "pouvoir-d-agir",
            Theme::Inclusion => "lutte-contre-les-exclusions",
            Theme::Communication => "communication",
            Theme::GlobalAction => "action-globale",
            Theme::EAdministration => "e-administration",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::Welcome => "Accueil",
            Theme::Parenting => "Parentalité",
            Theme::Empowerment => "Pouvoir d'agir",
            Theme::Inclusion => "Lutte contre les exclusions",
            Theme::Communication => "Communication",
            Theme::GlobalAction => "Action globale",
            Theme::EAdministration => "E-administration",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.slug() == slug)
    }
}

/// The kind of digital use a prototype is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum UsageKind {
    #[serde(rename = "application")]
    Application,
    #[serde(rename = "service-en-ligne")]
    OnlineService,
    #[serde(rename = "reseau-social")]
    SocialNetwork,
    #[serde(rename = "atelier")]
    Workshop,
    #[serde(rename = "materiel")]
    Hardware,
    #[serde(rename = "autre")]
    Other,
}

impl UsageKind {
    pub const ALL: [UsageKind; 6] = [
        UsageKind::Application,
        UsageKind::OnlineService,
        UsageKind::SocialNetwork,
        UsageKind::Workshop,
        UsageKind::Hardware,
        UsageKind::Other,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            UsageKind::Application => "application",
            UsageKind::OnlineService => "service-en-ligne",
            UsageKind::SocialNetwork => "reseau-social",
            UsageKind::Workshop => "atelier",
            UsageKind::Hardware => "materiel",
            UsageKind::Other => "autre",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UsageKind::Application => "Application",
            UsageKind::OnlineService => "Service en ligne",
            UsageKind::SocialNetwork => "Réseau social",
            UsageKind::Workshop => "Atelier",
            UsageKind::Hardware => "Matériel",
            UsageKind::Other => "Autre",
        }
    }

    pub fn from_slug(slug: &str) -> Option<UsageKind> {
        UsageKind::ALL.into_iter().find(|k| k.slug() == slug)
    }
}

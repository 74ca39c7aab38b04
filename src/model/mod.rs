//! Plain domain types. No browser code, no I/O: what a prototype, a livret, a centre and an
//! experience report *are*. JSON key names (French, as in the exchange format) are declared here
//! with serde so that one definition serves export and storage; reading outside JSON back is the
//! job of `exchange::read_document`, never of a derived `Deserialize`.

mod facts;
mod lineage;
mod text;
mod theme;
mod trust;
mod unknown;
mod versioned;

pub use facts::Facts;
pub use lineage::{adaptation_cycles, adaptation_cycles_from, ancestry, family, LineageMember};
pub(crate) use lineage::{cycles_reached, on_adaptation_cycles};
pub use text::fold;
pub use theme::{Theme, UsageKind};
pub use trust::{
    prototype_owner, rating_owner, CentreTrust, Counted, Keyring, Standing, Vouch, Vouches, Writing,
};
pub use unknown::Unknown;
pub use versioned::{Record, Version};

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Fields this version of Prototèque does not know, kept so that a round trip through an older
/// app never drops what a newer one wrote (within the format's limits on them).
pub type Extra = BTreeMap<String, Unknown>;

/// Licence applied to new prototypes unless the author picks another.
pub const DEFAULT_LICENCE: &str = "CC BY-SA 4.0";

/// A social centre (centre social), or a tiers-lieu that joined the network later. Centres are
/// data, not an enum: new ones join through catalogue files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Centre {
    #[serde(rename = "nom")]
    pub name: String,
    #[serde(rename = "territoire")]
    pub territory: String,
    pub commune: String,
    pub tiers_lieu: String,
    /// The public keys of the centre's devices (Ed25519, base64url): who may sign as the centre.
    /// Left out when empty, so a centre written before keys existed keeps its version id.
    #[serde(rename = "cles", skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// Keys the centre withdrew (a lost device): nothing they signed counts any more.
    #[serde(rename = "cles_revoquees", skip_serializing_if = "Vec::is_empty")]
    pub revoked: Vec<String>,
}

/// An author's signature on one version: the public key that made it and the Ed25519
/// signature of the version's signed bytes (`exchange::signing::message`), both base64url
/// without padding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signature {
    #[serde(rename = "cle")]
    pub key: String,
    #[serde(rename = "valeur")]
    pub value: String,
}

/// A reproducible digital practice, with the livret that lets another centre run it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Prototype {
    #[serde(rename = "titre")]
    pub title: String,
    #[serde(rename = "resume")]
    pub summary: String,
    pub theme: Theme,
    /// Id of the author centre.
    pub centre: String,
    #[serde(rename = "type_usage")]
    pub kind: UsageKind,
    /// Who it is for (target public).
    pub public: String,
    /// The usage scenario the residents chose.
    pub scenario: String,
    #[serde(rename = "outils")]
    pub tools: Vec<String>,
    pub licence: String,
    #[serde(rename = "etiquettes")]
    pub tags: Vec<String>,
    /// Creation day, `YYYY-MM-DD`.
    #[serde(rename = "cree_le")]
    pub created: String,
    #[serde(rename = "adapte_de", skip_serializing_if = "Option::is_none")]
    pub forked_from: Option<ForkOrigin>,
    pub livret: Livret,
}

/// Lineage: the prototype this one was adapted from, and which revision of it was copied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ForkOrigin {
    pub prototype: String,
    pub revision: u64,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The livret pédagogique: everything another centre needs to reproduce the prototype.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Livret {
    #[serde(rename = "objectifs")]
    pub objectives: Vec<String>,
    pub public: String,
    #[serde(rename = "duree")]
    pub duration: String,
    #[serde(rename = "taille_groupe")]
    pub group_size: String,
    #[serde(rename = "materiel")]
    pub materials: Vec<String>,
    #[serde(rename = "cout")]
    pub cost: String,
    pub preparation: Vec<String>,
    /// The numbered steps (déroulé), in order.
    #[serde(rename = "deroule")]
    pub steps: Vec<Step>,
    #[serde(rename = "conseils_animation")]
    pub facilitation_tips: Vec<String>,
    #[serde(rename = "pieges")]
    pub pitfalls: Vec<String>,
    /// How to evaluate: indicators.
    pub evaluation: Vec<String>,
    #[serde(rename = "ressources")]
    pub resources: Vec<Resource>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Step {
    #[serde(rename = "titre")]
    pub title: String,
    pub description: String,
    #[serde(rename = "duree", skip_serializing_if = "String::is_empty")]
    pub duration: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A link given in a livret. The exchange door only lets `http`, `https` and `mailto` through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resource {
    #[serde(rename = "titre")]
    pub title: String,
    pub url: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An experience report ("Nous l'avons testé"): one per (prototype, centre); a new one replaces
/// the old as a newer revision of the same record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rating {
    pub prototype: String,
    pub centre: String,
    /// Overall score, 1 to 5.
    pub note: u8,
    #[serde(rename = "criteres")]
    pub criteria: Criteria,
    #[serde(rename = "commentaire")]
    pub comment: String,
    /// Residents who took part: feeds the "480 habitants" indicator.
    pub participants: u32,
    /// Day of the session, `YYYY-MM-DD`.
    pub date: String,
}

impl Rating {
    /// The record id of the report of `centre` on `prototype`: one report per pair.
    pub fn id_for(prototype: &str, centre: &str) -> String {
        format!("{prototype}:{centre}")
    }
}

/// Optional scores (1 to 5) on the label's criteria.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Criteria {
    #[serde(rename = "reproductibilite", skip_serializing_if = "Option::is_none")]
    pub reproducibility: Option<u8>,
    #[serde(rename = "publics_eloignes", skip_serializing_if = "Option::is_none")]
    pub digitally_excluded: Option<u8>,
    #[serde(rename = "cout", skip_serializing_if = "Option::is_none")]
    pub cost: Option<u8>,
    #[serde(rename = "pouvoir_d_agir", skip_serializing_if = "Option::is_none")]
    pub empowerment: Option<u8>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The whole catalogue as kept by one browser: every entity is a versioned [`Record`], keyed by
/// its stable id (sorted, so that everything derived from it is deterministic).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalogue {
    pub centres: BTreeMap<String, Record<Centre>>,
    pub prototypes: BTreeMap<String, Record<Prototype>>,
    pub ratings: BTreeMap<String, Record<Rating>>,
    /// Centres whose keys this browser holds for true: the network's list names them, a person
    /// checked their fingerprint, or this browser signs for them. Not data of any file: the store
    /// fills it, export leaves it out, and only what these centres sign counts toward the label
    /// and the indicators (see [`Counted`]).
    pub vouched: BTreeSet<String>,
}

impl Catalogue {
    /// Live centres (winning version not deleted), by id.
    pub fn live_centres(&self) -> impl Iterator<Item = (&str, &Centre)> {
        live(&self.centres)
    }

    /// Live prototypes (winning version not deleted), by id.
    pub fn live_prototypes(&self) -> impl Iterator<Item = (&str, &Prototype)> {
        live(&self.prototypes)
    }

    /// Live experience reports, by record id.
    pub fn live_ratings(&self) -> impl Iterator<Item = (&str, &Rating)> {
        live(&self.ratings)
    }

    /// The live experience reports on prototype `prototype`, by record id, whether they count or
    /// not. A report's id is `<prototype>:<centre>` and ids hold no `:`, so they are one range.
    pub fn live_ratings_on<'a>(
        &'a self,
        prototype: &str,
    ) -> impl Iterator<Item = (&'a str, &'a Record<Rating>)> + 'a {
        let prefix = format!("{prototype}:");
        self.ratings
            .range(prefix.clone()..)
            .take_while(move |(id, _)| id.starts_with(&prefix))
            .filter(|(_, record)| record.current().is_some())
            .map(|(id, record)| (id.as_str(), record))
    }

    pub fn centre(&self, id: &str) -> Option<&Centre> {
        self.centres.get(id).and_then(Record::current)
    }

    pub fn prototype(&self, id: &str) -> Option<&Prototype> {
        self.prototypes.get(id).and_then(Record::current)
    }
}

fn live<T>(records: &BTreeMap<String, Record<T>>) -> impl Iterator<Item = (&str, &T)> {
    records
        .iter()
        .filter_map(|(id, record)| record.current().map(|body| (id.as_str(), body)))
}

//! Why a source could not be used this time, and what to do, in French: every message the hub
//! prints about a source is written here, with the browser's wording where the situation is the
//! same (the « Abonnements » page).

use crate::exchange::signing::fingerprint;

/// Why a source gave nothing this time. Its last good content stays in the hub's catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The source's line is neither a feed address the app accepts nor a file path.
    Address(String),
    /// 404 or 410, or no such file.
    NotFound(String),
    /// Unreachable, a timeout, or a 5xx answer.
    HostDown(String),
    /// Another HTTP status (401, 403, 3xx left unfollowed…).
    Refused(u16),
    /// Larger than the door's `Limits::max_bytes`.
    TooBig { limit: usize },
    /// The door refused it: its first problem.
    NotACatalogue(String),
    /// No `flux` header: an ordinary catalogue file, not a feed.
    NoHeader,
    /// The header's signature does not match it.
    BadSignature,
    /// Signed by a key other than the one pinned for this source.
    OtherKey { pinned: String, got: String },
    /// A lower sequence than the one already received (a stale mirror, or a replay).
    Older { seen: u64, got: u64 },
    /// The source now publishes another publisher's feed.
    OtherPublisher { expected: String, got: String },
    /// Merged, the catalogue would break the rules of a catalogue (size, conflicts…).
    OverLimits(String),
    /// The file could not be read or the cached copy is missing.
    Io(String),
    /// A failure of earlier runs, not retried yet (back-off).
    Waiting { last: String, until: String },
}

impl Failure {
    /// The message printed for the source, starting with the browser's words.
    pub fn message(&self) -> String {
        match self {
            Failure::Address(why) => {
                format!("Cette source n'est pas une adresse de flux valide : {why}")
            }
            Failure::NotFound(what) => format!(
                "Aucun flux à cette adresse ({what}) : vérifiez l'adresse auprès du centre, ou \
                 retirez la source de la liste."
            ),
            Failure::HostDown(why) => format!(
                "Le site qui héberge ce flux ne répond pas ({why}) : le relais garde son dernier \
                 contenu et réessaiera."
            ),
            Failure::Refused(status) => format!(
                "Le site qui héberge ce flux refuse de le donner (code HTTP {status}) : le fichier \
                 doit être public, lisible sans identifiant."
            ),
            Failure::TooBig { limit } => format!(
                "Ce flux est trop volumineux : plus de {} Mo, la limite d'un fichier Prototèque.",
                limit / (1024 * 1024)
            ),
            Failure::NotACatalogue(problem) => {
                format!("Ce fichier n'est pas un flux Prototèque : {problem}")
            }
            Failure::NoHeader => "La signature de ce flux n'est pas valide : le fichier n'a pas \
                                  d'en-tête « flux » (c'est un export ordinaire : le centre doit \
                                  utiliser « Publier mon catalogue »)."
                .into(),
            Failure::BadSignature => "La signature de ce flux n'est pas valide : le fichier a été \
                                      modifié après avoir été signé. Rien n'est appliqué."
                .into(),
            Failure::OtherKey { pinned, got } => format!(
                "Attention : ce flux est signé par une autre clé que celle enregistrée lors de \
                 l'abonnement (enregistrée {}, reçue {}). Rien n'est appliqué : vérifiez auprès \
                 de l'éditeur ; s'il a vraiment changé de clé, retirez la source de l'état du \
                 relais pour l'accepter.",
                print(pinned),
                print(got)
            ),
            Failure::Older { seen, got } => format!(
                "Ce flux est plus ancien que celui déjà reçu (numéro {got}, déjà reçu {seen}) : \
                 rien n'est changé."
            ),
            Failure::OtherPublisher { expected, got } => format!(
                "Cette adresse publie maintenant le flux d'un autre éditeur (« {got} » au lieu de \
                 « {expected} ») : rien n'est appliqué."
            ),
            Failure::OverLimits(problem) => format!(
                "Ce flux ferait dépasser au catalogue du relais les limites d'un fichier \
                 Prototèque : {problem}"
            ),
            Failure::Io(why) => format!("Ce flux n'a pas pu être lu : {why}"),
            Failure::Waiting { last, until } => {
                format!("{last} Nouvel essai après le {until} (--forcer pour essayer maintenant).")
            }
        }
    }
}

/// A key as people compare it: its fingerprint.
fn print(key: &str) -> String {
    fingerprint(key).unwrap_or_else(|| "absente".into())
}

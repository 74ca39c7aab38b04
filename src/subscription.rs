//! What a subscription to a catalogue feed remembers, and what a refresh concludes from it: the
//! pin that `exchange::feed::judge` checks a feed's header against, the state of the last try
//! (with the French message a person reads), the back-off of a failing host, and the lines of
//! « Nouveautés » (what an applied refresh added, updated, adapted, reported). Pure, so that the
//! rules are tested natively; `store` keeps these values and `ui::feeds` runs the refreshes.

use crate::exchange::feed::{FeedHeader, FeedKind, Pinned};
use crate::exchange::{EntityKind, Outcome, PreviewItem};
use crate::model::{Catalogue, Keyring};
use serde::{Deserialize, Serialize};

/// The shortest wait after a failure, in seconds: 15 minutes.
pub const FIRST_BACKOFF: u64 = 15 * 60;
/// The longest wait after failures, in seconds: a day.
pub const MAX_BACKOFF: u64 = 24 * 60 * 60;
/// Automatic refreshes while the app is open, in seconds: every 3 hours.
pub const REFRESH_EVERY: u64 = 3 * 60 * 60;
/// Feeds fetched at once, at most.
pub const IN_PARALLEL: usize = 4;

/// How long to wait before trying a feed again after `failures` failures in a row (automatic
/// refreshes only): min(15 min × 2^(n−1), 24 h); none before the first failure.
pub fn backoff(failures: u32) -> u64 {
    if failures == 0 {
        return 0;
    }
    let doublings = (failures - 1).min(16);
    FIRST_BACKOFF
        .saturating_mul(1 << doublings)
        .min(MAX_BACKOFF)
}

/// One subscription, kept in IndexedDB under its address. Fields added later get their default
/// when reading a subscription an earlier version wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Subscription {
    /// The address as subscribed (what `exchange::feed::feed_address` gave back).
    pub url: String,
    /// When the person subscribed, `YYYY-MM-DDTHH:MM:SSZ`.
    pub subscribed_at: String,
    /// The publisher's id: the network's directory gives it at subscription, or the first
    /// feed applied.
    pub publisher: Option<String>,
    /// The publisher's name, for people (the network's list, then the feed's header).
    pub name: Option<String>,
    /// `centre` or `relais`, once known.
    pub kind: Option<String>,
    /// The key pinned: the first feed's (trust on first use), or one its centre lists.
    pub key: Option<String>,
    /// The keys the network's list gives the centre (subscribed from the directory).
    pub network_keys: Vec<String>,
    /// The highest sequence applied; 0 before the first.
    pub sequence: u64,
    /// The last try, `YYYY-MM-DDTHH:MM:SSZ`.
    pub last_attempt: Option<String>,
    /// The last try that ended « Mis à jour » or « À jour ».
    pub last_success: Option<String>,
    /// What the last try concluded.
    pub status: Option<Status>,
    /// Tries in a row the host did not answer (or answered with a server error).
    pub failures: u32,
    /// No automatic try before this (seconds since 1970).
    pub next_try: u64,
    /// The key-change warning was already the status before the last try (then it is shown
    /// again, but not as an alert).
    pub warned: bool,
}

impl Subscription {
    /// A subscription to `url`, made at `now`.
    pub fn new(url: &str, now: &str) -> Self {
        Subscription {
            url: url.to_owned(),
            subscribed_at: now.to_owned(),
            ..Default::default()
        }
    }

    /// A subscription to a centre of the network's directory: the centre and its keys pinned
    /// from the network's list.
    pub fn of_network(url: &str, centre: &str, name: &str, keys: &[String], now: &str) -> Self {
        Subscription {
            publisher: Some(centre.to_owned()),
            name: Some(name.to_owned()),
            kind: Some(FeedKind::Centre.key().to_owned()),
            key: keys.first().cloned(),
            network_keys: keys.to_vec(),
            ..Subscription::new(url, now)
        }
    }

    /// What `judge` checks the header against: `None` before anything is known of the
    /// publisher (the first feed is trusted on first use).
    pub fn pin(&self) -> Option<Pinned> {
        Some(Pinned {
            publisher: self.publisher.clone()?,
            key: self.key.clone().unwrap_or_default(),
            sequence: self.sequence,
        })
    }

    /// The keys the publisher's centre is known to hold, beside the pinned one: those its
    /// verified record in `catalogue` lists, and those the network's list gives it. A key
    /// change to one of these is followed; to any other, refused.
    pub fn listed_keys(&self, catalogue: &Catalogue) -> Vec<String> {
        let Some(publisher) = &self.publisher else {
            return Vec::new();
        };
        let mut keys = Keyring::of(catalogue).keys(publisher).to_vec();
        keys.extend(self.network_keys.iter().cloned());
        keys
    }

    /// Whether an automatic refresh tries this feed at `now` (seconds since 1970).
    pub fn due(&self, now: u64) -> bool {
        now >= self.next_try
    }

    /// The name shown: the publisher's once known, else the address.
    pub fn title(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.url)
    }

    /// The try at `at` (`now` in seconds since 1970) failed with `status`. A host that does not
    /// answer is one more failure in a row, and the next automatic try waits ([`backoff`]);
    /// a host that answers (with a file refused, or no permission to read it) is tried at each
    /// refresh, since the fix is on its side and the answer costs it little. The pin is left as
    /// it was.
    pub fn failed(&mut self, status: Status, at: &str, now: u64) {
        if status == Status::Unreachable {
            self.failures = self.failures.saturating_add(1);
            self.next_try = now.saturating_add(backoff(self.failures));
        } else {
            self.failures = 0;
            self.next_try = 0;
        }
        self.last_attempt = Some(at.to_owned());
        // The warning of a key change is an alert the first time only.
        self.warned = status == Status::OtherKey && self.status == Some(Status::OtherKey);
        self.status = Some(status);
    }

    /// The try at `at` succeeded: `header` was applied (or was the one already seen, with
    /// `Status::UpToDate`); the pin follows it (publisher, key, sequence).
    pub fn succeeded(&mut self, status: Status, header: &FeedHeader, at: &str) {
        self.publisher = Some(header.publisher.clone());
        self.name = Some(header.name.clone());
        self.kind = Some(header.kind.key().to_owned());
        if let Some(key) = header.key() {
            self.key = Some(key.to_owned());
        }
        self.sequence = self.sequence.max(header.sequence);
        self.failures = 0;
        self.next_try = 0;
        self.last_attempt = Some(at.to_owned());
        self.last_success = Some(at.to_owned());
        self.warned = false;
        self.status = Some(status);
    }
}

/// What the last try of a feed concluded. Kept with the subscription; [`Status::message`] is
/// what the person reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "etat")]
pub enum Status {
    /// A newer feed was applied: `changes` records changed.
    #[serde(rename = "mis-a-jour")]
    Updated { changes: usize },
    /// The feed is the one already applied.
    #[serde(rename = "a-jour")]
    UpToDate,
    /// The host answers but does not let another site read the file (no CORS header).
    #[serde(rename = "lecture-refusee")]
    CrossOrigin,
    /// No answer, or a server error (5xx).
    #[serde(rename = "sans-reponse")]
    Unreachable,
    /// 404 or 410.
    #[serde(rename = "introuvable")]
    NotFound,
    /// The door refused the file: its first problem.
    #[serde(rename = "pas-un-flux")]
    NotAFeed { problem: String },
    /// Larger than the door's limit.
    #[serde(rename = "trop-volumineux")]
    TooBig,
    /// No `flux` header, or its signature does not hold.
    #[serde(rename = "signature-invalide")]
    BadSignature,
    /// Signed by another key than the pinned one (and not one its centre lists).
    #[serde(rename = "autre-cle")]
    OtherKey,
    /// A lower sequence than the one applied (a stale mirror or a replay).
    #[serde(rename = "plus-ancien")]
    Older { seen: u64, got: u64 },
    /// The address now serves another publisher's feed.
    #[serde(rename = "autre-editeur")]
    OtherPublisher { got: String },
    /// The feed could not be applied here (storage, the browser's signatures): the message.
    #[serde(rename = "echec")]
    Failed { message: String },
}

impl Status {
    /// Whether the try counts as a failure (the « en échec » count).
    pub fn is_failure(&self) -> bool {
        !matches!(self, Status::Updated { .. } | Status::UpToDate)
    }

    /// Whether the message is a warning about the publisher's key.
    pub fn is_warning(&self) -> bool {
        matches!(self, Status::OtherKey)
    }

    /// What the person reads, in French; `retry_in` is how long until the next automatic try
    /// (seconds), for the hosts that do not answer.
    pub fn message(&self, retry_in: u64) -> String {
        match self {
            Status::Updated { changes } => match changes {
                0 => "Mis à jour.".to_owned(),
                1 => "Mis à jour : 1 nouveauté.".to_owned(),
                n => format!("Mis à jour : {n} nouveautés."),
            },
            Status::UpToDate => "À jour.".to_owned(),
            Status::CrossOrigin => CROSS_ORIGIN.to_owned(),
            Status::Unreachable => format!(
                "Le site qui héberge ce flux ne répond pas (ou signale une erreur). Nouvel essai \
                 {}.",
                in_words(retry_in)
            ),
            Status::NotFound => "Aucun flux à cette adresse : vérifiez-la auprès du centre qui \
                                 publie (le fichier a peut-être été renommé ou retiré)."
                .to_owned(),
            Status::NotAFeed { problem } => {
                format!("Ce fichier n'est pas un flux Prototèque : {problem}")
            }
            Status::TooBig => "Ce flux est trop volumineux : Prototèque lit au plus 128 Mo. \
                               Demandez au centre qui publie d'alléger son fichier."
                .to_owned(),
            Status::BadSignature => "La signature de ce flux n'est pas valide : il a pu être \
                                     modifié après sa publication. Rien n'a été importé ; \
                                     prévenez le centre qui publie."
                .to_owned(),
            Status::OtherKey => "Attention : ce flux est signé par une autre clé que celle \
                                 enregistrée lors de l'abonnement. Rien n'a été importé. Si le \
                                 centre a changé d'appareil, vérifiez avec lui son empreinte \
                                 (page « Confiance »), puis désabonnez-vous et abonnez-vous de \
                                 nouveau."
                .to_owned(),
            Status::Older { seen, got } => format!(
                "Ce flux est plus ancien que celui déjà reçu (numéro {got}, déjà reçu {seen}) : \
                 rien n'a été modifié. Le site sert peut-être une copie périmée."
            ),
            Status::OtherPublisher { got } => format!(
                "Cette adresse publie maintenant le flux d'un autre éditeur (« {got} ») : rien \
                 n'a été importé. Vérifiez l'adresse auprès du centre."
            ),
            Status::Failed { message } => message.clone(),
        }
    }
}

/// What the page says when a host refuses cross-origin reading, per kind of host.
pub const CROSS_ORIGIN: &str = "Le site qui héberge ce flux n'en autorise pas la lecture par \
    d'autres sites. Pour le corriger, le centre qui publie doit autoriser cette lecture : sur \
    GitHub Pages, rien à faire (cela fonctionne tel quel) ; sur un site WordPress ou Apache, \
    ajouter la ligne Header set Access-Control-Allow-Origin \"*\" dans le fichier .htaccess ; \
    sur nginx, ajouter add_header Access-Control-Allow-Origin *; ; un partage public Nextcloud \
    ne peut pas être lu par un autre site : téléchargez le fichier et importez-le (page \
    « Importer »).";

/// "dans 15 minutes", "dans 2 heures", "dans 1 jour": a wait in words.
pub fn in_words(seconds: u64) -> String {
    let minutes = seconds.div_ceil(60);
    if minutes <= 1 {
        "dans un instant".to_owned()
    } else if minutes < 60 {
        format!("dans {minutes} minutes")
    } else if minutes < 24 * 60 {
        let hours = minutes.div_ceil(60);
        format!("dans {hours} heure{}", if hours > 1 { "s" } else { "" })
    } else {
        "dans 1 jour".to_owned()
    }
}

/// « Tout est à jour. » or « 2 flux mis à jour, 1 en échec. »
pub fn outcome_summary(updated: usize, failed: usize) -> String {
    match (updated, failed) {
        (0, 0) => "Tout est à jour.".to_owned(),
        (u, f) => format!("{u} flux mis à jour, {f} en échec."),
    }
}

/// One applied refresh, as « Nouveautés » lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Refresh {
    /// When, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    /// What changed, by the feed it came from.
    pub sources: Vec<NewsSource>,
    /// How many imports the log held once this refresh was written (its own being the last):
    /// its undo is offered while that is still so.
    pub log_len: usize,
    pub undone: bool,
}

/// What one feed brought in a refresh.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewsSource {
    /// The publisher's name.
    pub name: String,
    pub url: String,
    /// One French line per record that changed.
    pub lines: Vec<String>,
}

/// The French line saying what `item` (of an applied refresh) did, as « Nouveautés » shows it;
/// `None` when it changed nothing. `catalogue` is the catalogue after the refresh, which names
/// titles and centres.
pub fn news_line(item: &PreviewItem, catalogue: &Catalogue) -> Option<String> {
    if !item.outcome.changes_catalogue() {
        return None;
    }
    let centre_name = |id: &str| {
        catalogue
            .centre(id)
            .map_or_else(|| id.to_owned(), |c| c.name.clone())
    };
    let title = |id: &str| {
        catalogue
            .prototypes
            .get(id)
            .and_then(|r| r.heads.iter().find_map(|v| v.body.as_ref()))
            .map_or_else(|| id.to_owned(), |p| p.title.clone())
    };
    let conflict = item.outcome == Outcome::Conflict;
    Some(match item.kind {
        EntityKind::Centre => {
            let name = centre_name(&item.id);
            match item.outcome {
                Outcome::Added => format!("Nouveau centre : {name}"),
                _ if conflict => {
                    format!("Centre mis à jour : {name} (conflit : les deux versions sont gardées)")
                }
                _ => format!("Centre mis à jour : {name}"),
            }
        }
        EntityKind::Prototype => {
            let record = catalogue.prototypes.get(&item.id)?;
            let Some(prototype) = record.current() else {
                return Some(format!("Prototype retiré : {}", title(&item.id)));
            };
            let by = centre_name(&prototype.centre);
            match (&prototype.forked_from, item.outcome) {
                (Some(origin), Outcome::Added) => format!(
                    "Nouvelle adaptation : {} (adapté de {}) — {by}",
                    prototype.title,
                    title(&origin.prototype)
                ),
                (None, Outcome::Added) => format!("Nouveau prototype : {} — {by}", prototype.title),
                _ if conflict => format!(
                    "Prototype mis à jour : {} — {by} (conflit : les deux versions sont gardées)",
                    prototype.title
                ),
                _ => format!("Prototype mis à jour : {} — {by}", prototype.title),
            }
        }
        EntityKind::Rating => {
            let record = catalogue.ratings.get(&item.id)?;
            let rating = record.heads.iter().find_map(|v| v.body.as_ref())?;
            let about = title(&rating.prototype);
            let by = centre_name(&rating.centre);
            match item.outcome {
                Outcome::Added => format!("Nouveau rapport d'expérience sur {about} — {by}"),
                _ if conflict => format!(
                    "Rapport d'expérience mis à jour sur {about} — {by} (conflit : les deux \
                     versions sont gardées)"
                ),
                _ => format!("Rapport d'expérience mis à jour sur {about} — {by}"),
            }
        }
    })
}

/// The address of a feed the network's directory gives as `reference`: absolute, or a path
/// relative to the directory's own address `list_url` (`exchange::feed::feed_reference_ok`
/// allows no `..` and no leading `/`, so it is the list's folder followed by the path).
pub fn resolve_feed(reference: &str, list_url: &str) -> String {
    if reference.contains("://") {
        return reference.to_owned();
    }
    let folder = list_url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .rsplit_once('/')
        .map_or(list_url, |(folder, _)| folder);
    format!("{folder}/{reference}")
}

/// "14/03/2026 à 11 h 20": an instant (`YYYY-MM-DDTHH:MM:SSZ`) as the time where the person is,
/// `offset_minutes` ahead of UTC there (as it is given, as is, when it is not an instant).
pub fn local_date_time(instant: &str, offset_minutes: i64) -> String {
    let Some(utc) = unix_seconds(instant) else {
        return instant.to_owned();
    };
    let local = (utc as i64 + offset_minutes * 60).max(0) as u64;
    let (days, of_day) = (local / 86_400, local % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{day:02}/{month:02}/{year} à {} h {:02}",
        of_day / 3_600,
        of_day % 3_600 / 60
    )
}

/// The (year, month, day) of `days` since 1970-01-01 (Howard Hinnant's civil-from-days).
pub fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Seconds since 1970 of a `YYYY-MM-DDTHH:MM:SSZ` instant (`None` if it is not one).
pub fn unix_seconds(instant: &str) -> Option<u64> {
    let b = instant.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let n = |from: usize, to: usize| instant.get(from..to)?.parse::<u64>().ok();
    let (y, m, d) = (n(0, 4)?, n(5, 7)?, n(8, 10)?);
    let (hh, mm, ss) = (n(11, 13)?, n(14, 16)?, n(17, 19)?);
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm), for years from 1970.
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3_600 + mm * 60 + ss)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_quarter_hour_up_to_a_day() {
        assert_eq!(backoff(0), 0);
        assert_eq!(backoff(1), 15 * 60);
        assert_eq!(backoff(2), 30 * 60);
        assert_eq!(backoff(3), 60 * 60);
        assert_eq!(backoff(7), 16 * 60 * 60);
        assert_eq!(backoff(8), 24 * 60 * 60);
        assert_eq!(backoff(u32::MAX), 24 * 60 * 60);
    }

    #[test]
    fn instants_count_seconds_since_1970() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2000-03-01T00:00:01Z"), Some(951_868_801));
        assert_eq!(unix_seconds("2026-12-02T10:00:00Z"), Some(1_796_205_600));
        assert_eq!(unix_seconds("2026-12-02"), None);
    }

    #[test]
    fn instants_read_as_local_dates_and_times() {
        assert_eq!(
            local_date_time("2026-03-14T10:20:00Z", 60),
            "14/03/2026 à 11 h 20"
        );
        assert_eq!(
            local_date_time("2026-12-31T23:30:00Z", 60),
            "01/01/2027 à 0 h 30"
        );
        assert_eq!(
            local_date_time("2024-02-29T12:05:00Z", 0),
            "29/02/2024 à 12 h 05"
        );
        assert_eq!(
            local_date_time("2026-07-01T00:10:00Z", -240),
            "30/06/2026 à 20 h 10"
        );
        assert_eq!(local_date_time("hier", 0), "hier");
    }

    #[test]
    fn directory_addresses_resolve_against_the_list() {
        let list = "https://reseau.example/prototheque/reseau.json";
        assert_eq!(
            resolve_feed("flux/echo.json", list),
            "https://reseau.example/prototheque/flux/echo.json"
        );
        assert_eq!(
            resolve_feed("https://echo.example/f.json", list),
            "https://echo.example/f.json"
        );
        assert_eq!(
            resolve_feed("echo.json", "http://127.0.0.1:4571/reseau.json?v=2"),
            "http://127.0.0.1:4571/echo.json"
        );
    }

    #[test]
    fn waits_read_in_words() {
        assert_eq!(in_words(0), "dans un instant");
        assert_eq!(in_words(15 * 60), "dans 15 minutes");
        assert_eq!(in_words(60 * 60), "dans 1 heure");
        assert_eq!(in_words(90 * 60), "dans 2 heures");
        assert_eq!(in_words(24 * 60 * 60), "dans 1 jour");
    }

    #[test]
    fn the_outcome_of_a_refresh_is_counted_in_french() {
        assert_eq!(outcome_summary(0, 0), "Tout est à jour.");
        assert_eq!(outcome_summary(1, 0), "1 flux mis à jour, 0 en échec.");
        assert_eq!(outcome_summary(2, 3), "2 flux mis à jour, 3 en échec.");
    }
}

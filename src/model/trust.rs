//! Who may speak for whom, read off a catalogue: each centre's keys (the `cles` of its current
//! version, when that version is signed by one of them), which versions are their owner's, and
//! which count toward the label and the indicators.
//!
//! Cryptography is not done here. A signature in a stored catalogue was checked when it came in
//! (`exchange::admit` refuses a version whose signature does not match its bytes, and the app signs
//! its own versions), so reading a catalogue back only applies the rules about *which* key may
//! sign *what*: cheap, pure, and the same at every start.

use super::{Catalogue, Centre, Prototype, Rating, Record, Version};
use std::collections::BTreeMap;

/// Each centre's keys, as its current centre version publishes them.
#[derive(Default)]
pub struct Keyring<'c> {
    centres: BTreeMap<&'c str, &'c Centre>,
}

impl<'c> Keyring<'c> {
    /// The keys of every centre whose current version is self-signed: signed by its author, the
    /// centre itself, with a key that version lists and does not revoke.
    pub fn of(catalogue: &'c Catalogue) -> Self {
        let centres = catalogue
            .centres
            .iter()
            .filter_map(|(id, record)| {
                let version = record.winner();
                let centre = version.body.as_ref()?;
                let key = &version.signature.as_ref()?.key;
                (version.author == *id && active(centre, key)).then_some((id.as_str(), centre))
            })
            .collect();
        Keyring { centres }
    }

    /// Whether centre `id` has published keys.
    pub fn knows(&self, id: &str) -> bool {
        self.centres.contains_key(id)
    }

    /// Whether `key` is one of centre `id`'s keys, not revoked.
    pub fn holds(&self, id: &str, key: &str) -> bool {
        self.centres.get(id).is_some_and(|c| active(c, key))
    }

    /// Whether centre `id` revoked `key`.
    pub fn revoked(&self, id: &str, key: &str) -> bool {
        self.centres
            .get(id)
            .is_some_and(|c| c.revoked.iter().any(|k| k == key))
    }

    /// The keys of centre `id`, if it has published any.
    pub fn keys(&self, id: &str) -> &'c [String] {
        self.centres.get(id).map_or(&[], |c| c.keys.as_slice())
    }

    /// Whether `version` of a record that belongs to `owner` is the owner's: written by the
    /// owner and signed with one of the owner's keys.
    pub fn verified<T>(&self, owner: &str, version: &Version<T>) -> bool {
        version.author == owner
            && version
                .signature
                .as_ref()
                .is_some_and(|s| self.holds(owner, &s.key))
    }
}

fn active(centre: &Centre, key: &str) -> bool {
    centre.keys.iter().any(|k| k == key) && !centre.revoked.iter().any(|k| k == key)
}

/// The centre a prototype belongs to: the one its first version names. Signed versions can only
/// be written by their owner (`exchange::admit`), so this changes only for records written before
/// signatures, whose versions may name several centres: then the lowest revision's (its oldest
/// date, then the smallest centre id) is the first.
pub fn prototype_owner(record: &Record<Prototype>) -> &str {
    let first = record
        .heads
        .iter()
        .filter_map(|v| {
            v.body
                .as_ref()
                .map(|b| (v.revision, &v.at, b.centre.as_str()))
        })
        .min();
    match first {
        Some((_, _, centre)) => centre,
        // Only tombstones: their authors wrote them.
        None => record
            .heads
            .iter()
            .map(|v| (v.revision, &v.at, v.author.as_str()))
            .min()
            .map_or("", |(_, _, author)| author),
    }
}

/// The centre a report belongs to: the one its id names (`<prototype>:<centre>`).
pub fn rating_owner(id: &str) -> &str {
    id.rsplit_once(':').map_or(id, |(_, centre)| centre)
}

/// Whether what a centre says counts toward the label and the indicators: its current version
/// is its own (signed by its key), and this browser holds the centre's key for true — the
/// network's list names it, or a person checked its fingerprint ([`Catalogue::vouched`]). A key
/// first met in a file only proves that later versions come from the same hands, not who they
/// are: otherwise a file could invent seven centres and award the label.
pub struct Counted<'c> {
    keyring: Keyring<'c>,
    catalogue: &'c Catalogue,
}

impl<'c> Counted<'c> {
    pub fn of(catalogue: &'c Catalogue) -> Self {
        Counted {
            keyring: Keyring::of(catalogue),
            catalogue,
        }
    }

    pub fn keyring(&self) -> &Keyring<'c> {
        &self.keyring
    }

    fn vouched_and_verified<T>(&self, owner: &str, version: &Version<T>) -> bool {
        self.catalogue.vouched.contains(owner) && self.keyring.verified(owner, version)
    }

    /// Whether the live prototype `id` counts.
    pub fn prototype(&self, id: &str) -> bool {
        self.catalogue.prototypes.get(id).is_some_and(|record| {
            self.vouched_and_verified(prototype_owner(record), record.winner())
        })
    }

    /// Whether the report `id` counts.
    pub fn rating(&self, id: &str) -> bool {
        self.catalogue
            .ratings
            .get(id)
            .is_some_and(|record| self.vouched_and_verified(rating_owner(id), record.winner()))
    }

    /// Whether the centre `id` counts: vouched for, and its current version its own.
    pub fn centre(&self, id: &str) -> bool {
        self.catalogue.vouched.contains(id) && self.keyring.knows(id)
    }

    /// Live reports that count, by record id.
    pub fn ratings(&self) -> impl Iterator<Item = (&'c str, &'c Rating)> + '_ {
        self.catalogue
            .live_ratings()
            .filter(|(id, _)| self.rating(id))
    }
}

impl Counted<'_> {
    /// How `version` of a record that belongs to `owner` stands here (what its badge says).
    /// [`Standing::Counts`] exactly when the record counts ([`Counted::prototype`],
    /// [`Counted::rating`]) for its current version.
    pub fn standing<T>(&self, owner: &str, version: &Version<T>) -> Standing {
        match &version.signature {
            None => Standing::Unsigned,
            Some(_) if self.vouched_and_verified(owner, version) => Standing::Counts,
            Some(_) if self.keyring.verified(owner, version) => Standing::FirstMet,
            Some(s) if self.keyring.revoked(owner, &s.key) => Standing::Revoked,
            Some(_) => Standing::UnknownKey,
        }
    }
}

/// How one version stands in this browser: whether it counts, and if not, why it is
/// « non vérifié ».
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Signed by its owner with one of the owner's keys, and this browser vouches for the owner.
    Counts,
    /// Signed by its owner with a key first met in a file: later versions come from the same
    /// hands, but nobody vouched for who they are, so it does not count.
    FirstMet,
    /// Signed with a key its owner has revoked.
    Revoked,
    /// Signed, but not with a key its owner published here.
    UnknownKey,
    /// Not signed: written before signatures, or in a browser without the owner's key.
    Unsigned,
}

impl Standing {
    pub fn counts(self) -> bool {
        self == Standing::Counts
    }

    /// Why a version that does not count is « non vérifié », as its badge says it.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Standing::Counts => None,
            Standing::FirstMet => Some("centre non vérifié : ne compte pas pour le label"),
            Standing::Revoked => Some("signé avec une clé que ce centre a retirée"),
            Standing::UnknownKey => Some("la clé de ce centre n'est pas connue"),
            Standing::Unsigned => Some("aucune signature"),
        }
    }
}

/// How this browser holds a centre's keys, as the « Confiance » page says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CentreTrust {
    /// Its keys are known and this browser vouches for them.
    Vouched(Vouch),
    /// Its keys were pinned from the first file that brought them; nobody vouched for them.
    FirstMet,
    /// It published no key (its versions were written before signatures).
    NoKey,
}

impl CentreTrust {
    /// How centre `id` is trusted, by the keys of `keyring` and the reasons of `vouches`.
    pub fn of(keyring: &Keyring, vouches: &Vouches, id: &str) -> Self {
        if !keyring.knows(id) {
            return CentreTrust::NoKey;
        }
        vouches
            .0
            .get(id)
            .map_or(CentreTrust::FirstMet, |&why| CentreTrust::Vouched(why))
    }

    pub fn label(self) -> &'static str {
        match self {
            CentreTrust::Vouched(why) => why.label(),
            CentreTrust::FirstMet => "première rencontre",
            CentreTrust::NoKey => "aucune clé",
        }
    }
}

/// What « Mon centre » `me` can write over a record that belongs to `owner`, from a browser that
/// holds a key of `me` (`signs`) or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writing {
    /// Its own record, and this browser signs what it writes.
    Signed,
    /// Its own record, unsigned so far: what this browser writes stays « non vérifié ».
    Unsigned,
    /// Its own record, signed, and this browser cannot sign: an unsigned version never replaces
    /// a signed one (the merge drops it beside one), so an edit would be lost. It can be adapted.
    Locked,
    /// Another centre's record.
    Others,
}

impl Writing {
    /// See [`Writing`]; `record` is `None` for a record not written yet.
    pub fn of<T>(owner: &str, record: Option<&Record<T>>, me: &str, signs: bool) -> Self {
        let signed = record.is_some_and(|r| r.heads.iter().any(|v| v.signature.is_some()));
        if owner != me {
            Writing::Others
        } else if signs {
            Writing::Signed
        } else if signed {
            Writing::Locked
        } else {
            Writing::Unsigned
        }
    }

    /// Whether this browser may write the record at all.
    pub fn allowed(self) -> bool {
        matches!(self, Writing::Signed | Writing::Unsigned)
    }
}

/// Why this browser holds a centre's key for true.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Vouch {
    /// The network's signed list names the centre with this key.
    Network,
    /// A person compared the fingerprint with the centre's (by phone, in person).
    Checked,
    /// This browser signs for the centre: the key is its own.
    Device,
}

impl Vouch {
    /// How the « Confiance » page says it.
    pub fn label(self) -> &'static str {
        match self {
            Vouch::Network => "liste du réseau",
            Vouch::Checked => "vérifié à la main",
            Vouch::Device => "cet appareil",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Vouch::Network => "reseau",
            Vouch::Checked => "main",
            Vouch::Device => "appareil",
        }
    }
}

/// The centres this browser vouches for, and why: kept as a setting, one `<centre> <why>` a
/// line. A centre whose key was only met in a file is not here (trust on first use).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vouches(pub BTreeMap<String, Vouch>);

impl Vouches {
    /// Reads the setting's text; lines it does not understand are left out.
    pub fn parse(text: &str) -> Self {
        let why = |w: &str| {
            [Vouch::Network, Vouch::Checked, Vouch::Device]
                .into_iter()
                .find(|v| v.word() == w)
        };
        Vouches(
            text.lines()
                .filter_map(|line| {
                    let (id, w) = line.split_once(' ')?;
                    Some((id.to_owned(), why(w)?))
                })
                .collect(),
        )
    }

    /// The setting's text.
    pub fn text(&self) -> String {
        self.0
            .iter()
            .map(|(id, v)| format!("{id} {}\n", v.word()))
            .collect()
    }

    /// Vouches for `id`, unless it is vouched for by a stronger reason already (this device,
    /// then the network, then a person's check).
    pub fn add(&mut self, id: &str, why: Vouch) {
        let rank = |v: Vouch| match v {
            Vouch::Device => 0,
            Vouch::Network => 1,
            Vouch::Checked => 2,
        };
        let entry = self.0.entry(id.to_owned()).or_insert(why);
        if rank(why) < rank(*entry) {
            *entry = why;
        }
    }

    /// Withdraws a person's check of `id`; a stronger reason (the network, this device) is not a
    /// person's to withdraw. Whether there was a check to withdraw.
    pub fn withdraw_check(&mut self, id: &str) -> bool {
        let checked = self.0.get(id) == Some(&Vouch::Checked);
        if checked {
            self.0.remove(id);
        }
        checked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Criteria, Signature};

    fn version<T>(author: &str, key: Option<&str>, body: T) -> Version<T> {
        Version {
            revision: 1,
            author: author.into(),
            at: "2026-03-01T10:00:00Z".into(),
            body: Some(body),
            extra: Default::default(),
            signature: key.map(|k| Signature {
                key: k.into(),
                value: "s".into(),
            }),
        }
    }

    fn centre(keys: &[&str], revoked: &[&str]) -> Centre {
        Centre {
            name: "Centre".into(),
            territory: String::new(),
            commune: String::new(),
            tiers_lieu: String::new(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            revoked: revoked.iter().map(|k| k.to_string()).collect(),
        }
    }

    fn report(centre: &str) -> Rating {
        Rating {
            prototype: "p".into(),
            centre: centre.into(),
            note: 4,
            criteria: Criteria::default(),
            comment: String::new(),
            participants: 3,
            date: "2026-03-01".into(),
        }
    }

    /// `reseau` is vouched for with its key `kr`; `inconnu` signs with `ki`, met in a file;
    /// `retire` revoked `old`; `ancien` never signed its centre version.
    fn catalogue() -> Catalogue {
        let mut c = Catalogue::default();
        let signed = |id: &str, key: &str, revoked: &[&str]| {
            Record::new(version(id, Some(key), centre(&[key], revoked)))
        };
        c.centres
            .insert("reseau".into(), signed("reseau", "kr", &[]));
        c.centres
            .insert("inconnu".into(), signed("inconnu", "ki", &[]));
        c.centres
            .insert("retire".into(), signed("retire", "kn", &["old"]));
        c.centres.insert(
            "ancien".into(),
            Record::new(version("ancien", None, centre(&["ka"], &[]))),
        );
        c.vouched.insert("reseau".into());
        c.vouched.insert("ancien".into());
        c
    }

    #[test]
    fn each_version_has_its_standing_and_only_counted_ones_count() {
        let mut c = catalogue();
        let cases = [
            ("reseau", "reseau", Some("kr"), Standing::Counts),
            ("reseau", "reseau", None, Standing::Unsigned),
            ("inconnu", "inconnu", Some("ki"), Standing::FirstMet),
            ("retire", "retire", Some("old"), Standing::Revoked),
            ("retire", "retire", Some("kn"), Standing::FirstMet),
            // Another centre's key, or the owner's key on another centre's version.
            ("reseau", "reseau", Some("ki"), Standing::UnknownKey),
            ("reseau", "inconnu", Some("kr"), Standing::UnknownKey),
            // A key the centre lists in a version it did not sign is no key of its own.
            ("ancien", "ancien", Some("ka"), Standing::UnknownKey),
            ("personne", "personne", Some("kp"), Standing::UnknownKey),
        ];
        for (n, (owner, author, key, _)) in cases.iter().enumerate() {
            c.ratings.insert(
                format!("p{n}:{owner}"),
                Record::new(version(author, *key, report(owner))),
            );
        }
        let counted = Counted::of(&c);
        for (n, (owner, author, key, expected)) in cases.iter().enumerate() {
            let id = format!("p{n}:{owner}");
            let standing = counted.standing(rating_owner(&id), c.ratings[&id].winner());
            assert_eq!(standing, *expected, "{author} signing {key:?} for {owner}");
            assert_eq!(standing.counts(), counted.rating(&id), "{id}");
            assert_eq!(standing.reason().is_none(), standing.counts());
        }
    }

    #[test]
    fn a_centre_is_trusted_as_vouched_first_met_or_not_at_all() {
        let c = catalogue();
        let keyring = Keyring::of(&c);
        let mut vouches = Vouches::default();
        vouches.add("reseau", Vouch::Network);
        vouches.add("retire", Vouch::Checked);
        // Vouched for, but its keys are not its own here: it has none.
        vouches.add("ancien", Vouch::Network);
        let trust = |id| CentreTrust::of(&keyring, &vouches, id);
        assert_eq!(trust("reseau"), CentreTrust::Vouched(Vouch::Network));
        assert_eq!(trust("retire"), CentreTrust::Vouched(Vouch::Checked));
        assert_eq!(trust("inconnu"), CentreTrust::FirstMet);
        assert_eq!(trust("ancien"), CentreTrust::NoKey);
        assert_eq!(trust("personne"), CentreTrust::NoKey);
        assert_eq!(trust("reseau").label(), "liste du réseau");
        assert_eq!(trust("retire").label(), "vérifié à la main");
        assert_eq!(trust("inconnu").label(), "première rencontre");
        assert_eq!(trust("ancien").label(), "aucune clé");
    }

    #[test]
    fn a_browser_writes_its_centre_s_records_unless_signed_ones_need_a_key_it_lacks() {
        let unsigned = Record::new(version("echo", None, ()));
        let mut signed = unsigned.clone();
        // A conflict: one of the versions is signed.
        signed.heads.push(version("echo", Some("ke"), ()));
        let cases = [
            ("echo", None, "echo", false, Writing::Unsigned),
            ("echo", None, "echo", true, Writing::Signed),
            ("echo", Some(&unsigned), "echo", false, Writing::Unsigned),
            ("echo", Some(&unsigned), "echo", true, Writing::Signed),
            ("echo", Some(&signed), "echo", false, Writing::Locked),
            ("echo", Some(&signed), "echo", true, Writing::Signed),
            ("echo", Some(&unsigned), "lazare", true, Writing::Others),
            ("echo", Some(&signed), "lazare", false, Writing::Others),
        ];
        for (owner, record, me, signs, expected) in cases {
            let writing = Writing::of(owner, record, me, signs);
            assert_eq!(writing, expected, "{me} on {owner}'s, signs: {signs}");
            assert_eq!(
                writing.allowed(),
                matches!(expected, Writing::Signed | Writing::Unsigned)
            );
        }
    }

    #[test]
    fn the_reports_on_a_prototype_are_its_range_of_ids() {
        let mut c = Catalogue::default();
        for id in ["a:x", "a:y", "a-b:x", "ab:x", "b:x", "a:z"] {
            let (prototype, centre) = id.split_once(':').unwrap();
            let mut rating = report(centre);
            rating.prototype = prototype.into();
            let mut record = Record::new(version(centre, None, rating));
            if id == "a:z" {
                record.heads[0].body = None;
            }
            c.ratings.insert(id.into(), record);
        }
        let on = |p| c.live_ratings_on(p).map(|(id, _)| id).collect::<Vec<_>>();
        assert_eq!(on("a"), ["a:x", "a:y"]);
        assert_eq!(on("a-b"), ["a-b:x"]);
        assert_eq!(on("ab"), ["ab:x"]);
        assert!(on("c").is_empty());
    }

    #[test]
    fn only_a_person_s_check_is_withdrawn() {
        let mut v = Vouches::default();
        v.add("echo", Vouch::Checked);
        v.add("reseau", Vouch::Network);
        assert!(v.withdraw_check("echo"));
        assert!(!v.withdraw_check("reseau"));
        assert!(!v.withdraw_check("personne"));
        assert_eq!(v.text(), "reseau reseau\n");
    }

    #[test]
    fn vouches_round_trip_and_keep_the_strongest_reason() {
        let mut v = Vouches::default();
        v.add("echo", Vouch::Checked);
        v.add("echo", Vouch::Network);
        v.add("phalempins", Vouch::Device);
        v.add("phalempins", Vouch::Checked);
        assert_eq!(v.text(), "echo reseau\nphalempins appareil\n");
        assert_eq!(Vouches::parse(&v.text()), v);
        assert_eq!(Vouches::parse("echo\nx inconnu\ny main\n").0.len(), 1);
    }
}

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
}

#[cfg(test)]
mod tests {
    use super::*;

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

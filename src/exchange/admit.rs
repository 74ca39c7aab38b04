//! What a file may change: the ownership and key rules, applied to a file's catalogue before it
//! is merged (`store::import`, and [`super::merge_checked`]'s callers in the law tests).
//!
//! The door has read the file and the caller has checked every signature's bytes
//! ([`signature_checks`], then WebCrypto in the browser or `native_crypto` natively); [`admit`]
//! then keeps, of each record, only the versions the rules let in:
//! - a version whose signature does not match its bytes is refused;
//! - a centre is signed only by itself, with a key it already had here (or, met for the first
//!   time, a key its own version lists: trust on first use; or a key the network's list gives
//!   it); a key change not signed by a known key is refused, never a silent switch;
//! - a prototype belongs to the centre its first version names, a report to the centre its id
//!   names: a signed version by anyone else, or signed with a key that is not the owner's
//!   (another centre's, or a revoked one), is refused; no version may give a prototype to another
//!   centre;
//! - a signed version whose owner has published no key (here or in the file) is refused: so every
//!   signed version kept was its owner's when it came in;
//! - an unsigned version is kept « non vérifié », unless the record already has its owner's
//!   signed version: then it is left out (it could never replace it; the merge drops unsigned
//!   versions beside a signed one too, whichever came first).
//!
//! What is refused is named, with the reason, in French; the rest of the file still imports
//! (one forged record does not stop a centre from receiving everyone else's work).

use super::preview::EntityKind;
use super::signing::{fingerprint, message};
use crate::model::{
    prototype_owner, rating_owner, Catalogue, Centre, Keyring, Prototype, Record, Version,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One signature to check: the key, the signed bytes, the signature, and which version it is
/// (the record, and the version's place among the record's versions as the door read them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub kind: EntityKind,
    pub id: String,
    pub head: usize,
    pub key: Vec<u8>,
    pub message: Vec<u8>,
    pub signature: Vec<u8>,
}

/// The signatures of `catalogue` (a file as the door read it) to check, in a stable order.
pub fn signature_checks(catalogue: &Catalogue) -> Vec<Check> {
    fn of<T: Serialize>(
        kind: EntityKind,
        records: &BTreeMap<String, Record<T>>,
        out: &mut Vec<Check>,
    ) {
        for (id, record) in records {
            for (head, version) in record.heads.iter().enumerate() {
                let Some(signature) = &version.signature else {
                    continue;
                };
                // The door checked both are base64url of the right length.
                let (Some(key), Some(value)) = (
                    super::b64::decode(&signature.key),
                    super::b64::decode(&signature.value),
                ) else {
                    continue;
                };
                out.push(Check {
                    kind,
                    id: id.clone(),
                    head,
                    key,
                    message: message(kind, id, version),
                    signature: value,
                });
            }
        }
    }
    let mut out = Vec::new();
    of(EntityKind::Centre, &catalogue.centres, &mut out);
    of(EntityKind::Prototype, &catalogue.prototypes, &mut out);
    of(EntityKind::Rating, &catalogue.ratings, &mut out);
    out
}

/// The versions whose signature did not match: built from the checks and their verdicts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdicts {
    failed: BTreeSet<(EntityKind, String, usize)>,
}

impl Verdicts {
    /// `verdicts[i]` says whether `checks[i]` held.
    pub fn of(checks: &[Check], verdicts: &[bool]) -> Self {
        let failed = checks
            .iter()
            .zip(verdicts.iter().chain(std::iter::repeat(&false)))
            .filter(|(_, ok)| !**ok)
            .map(|(c, _)| (c.kind, c.id.clone(), c.head))
            .collect();
        Verdicts { failed }
    }

    /// Every signature held (what is left of a file once [`admit`] removed those that did not).
    fn all_held() -> Self {
        Verdicts::default()
    }

    fn failed(&self, kind: EntityKind, id: &str, head: usize) -> bool {
        self.failed.contains(&(kind, id.to_owned(), head))
    }
}

/// The centres the network's list names, with their keys (see `exchange::network`): for them,
/// the list, not the first file met, says which keys are theirs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkKeys {
    pub centres: BTreeMap<String, Vec<String>>,
}

/// What [`admit`] let in and kept out, for the preview and the import's report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Admission {
    /// Versions signed by their owner with one of its keys.
    pub verified: usize,
    /// Versions kept « non vérifié »: unsigned.
    pub unverified: usize,
    /// Unverified versions left out because their record has its owner's signed version.
    pub ignored: usize,
    /// Versions refused, with the reason.
    pub refused: Vec<Refusal>,
    /// Centres met for the first time, with the fingerprint of the key now pinned for them.
    pub pinned: Vec<(String, String)>,
    /// Keys a centre added (a new device), with their fingerprints.
    pub keys_added: Vec<(String, String)>,
    /// Keys a centre revoked, with their fingerprints.
    pub keys_revoked: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub kind: EntityKind,
    pub id: String,
    pub reason: String,
}

/// A file's catalogue once [`admit`] has applied the rules to it: only `admit` makes one, so
/// whoever holds one (`store::import`) knows every signature in it matched its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admitted {
    catalogue: Catalogue,
    pub admission: Admission,
    /// Records whose stored state the file's replaces rather than merges with: the stored one
    /// holds none of its owner's signed work, and the file brings it (see [`admit`]).
    replaces: BTreeSet<(EntityKind, String)>,
}

impl Admitted {
    /// What the rules let in.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    pub fn into_catalogue(self) -> Catalogue {
        self.catalogue
    }

    /// Whether the file's record replaces the stored one rather than merging with it.
    pub fn replaces(&self, kind: EntityKind, id: &str) -> bool {
        self.replaces.contains(&(kind, id.to_owned()))
    }

    /// The records the file replaces rather than merges with.
    pub fn replaced(&self) -> BTreeSet<(EntityKind, String)> {
        self.replaces.clone()
    }

    /// `stored` without the records the file replaces: what the merge starts from.
    pub fn base(&self, stored: &Catalogue) -> Catalogue {
        let mut base = stored.clone();
        for (kind, id) in &self.replaces {
            match kind {
                EntityKind::Centre => base.centres.remove(id).map(|_| ()),
                EntityKind::Prototype => base.prototypes.remove(id).map(|_| ()),
                EntityKind::Rating => base.ratings.remove(id).map(|_| ()),
            };
        }
        base
    }

    /// The rules applied again, against `stored` as it is now (an import applies them inside its
    /// transaction, to what is stored then, which may have changed since the preview). The
    /// signatures were checked the first time: what is left of them matched.
    pub fn again(self, stored: &Catalogue, network: &NetworkKeys) -> Admitted {
        let Admission {
            mut refused,
            ignored,
            ..
        } = self.admission;
        let mut again = admit(stored, self.catalogue, &Verdicts::all_held(), network);
        refused.append(&mut again.admission.refused);
        again.admission.refused = refused;
        again.admission.ignored += ignored;
        again
    }
}

/// Several admitted files as one (the feeds of one refresh, written in one import with one
/// undo): their catalogues merged, then the rules applied again against `stored`. Each was
/// admitted on its own first, so a forged version in one file never meets another file's
/// versions in the merge; every signature left in them matched.
pub fn combine(stored: &Catalogue, files: Vec<Admitted>, network: &NetworkKeys) -> Admitted {
    let mut refused = Vec::new();
    let mut ignored = 0;
    let mut merged: Option<Catalogue> = None;
    for file in files {
        refused.extend(file.admission.refused);
        ignored += file.admission.ignored;
        merged = Some(match merged {
            None => file.catalogue,
            Some(so_far) => super::merge::merge_catalogues(&so_far, &file.catalogue),
        });
    }
    let again = Admitted {
        catalogue: merged.unwrap_or_default(),
        admission: Admission {
            refused,
            ignored,
            ..Admission::default()
        },
        replaces: BTreeSet::new(),
    };
    again.again(stored, network)
}

/// How one version stands against the rules.
enum Standing {
    Verified,
    Unverified,
    Refused(String),
}

const BAD_BYTES: &str = "la signature ne correspond pas au contenu : la version a été modifiée \
                         après avoir été signée";
const REVOKED: &str = "signée avec une clé que le centre a retirée (appareil perdu ou remplacé)";

/// The versions of `incoming` (a file, as the door read it, whose signatures `verdicts` judged)
/// that the rules let into `stored`, and what was kept out (see the module documentation).
pub fn admit(
    stored: &Catalogue,
    mut incoming: Catalogue,
    verdicts: &Verdicts,
    network: &NetworkKeys,
) -> Admitted {
    let mut admission = Admission::default();
    let known = Keyring::of(stored);

    // Centres first: their keys decide everything else.
    for (id, record) in std::mem::take(&mut incoming.centres) {
        let kept = admit_centre(
            &id,
            record,
            stored,
            &known,
            network,
            verdicts,
            &mut admission,
        );
        if let Some(record) = kept {
            incoming.centres.insert(id, record);
        }
    }
    // Centres whose stored record the file's replaces: the stored one is not the centre's
    // signed work under the keys that count (its own, or the network's list's).
    let mut replaces = BTreeSet::new();
    let file_keys = Keyring::of(&incoming);
    for (id, record) in &incoming.centres {
        let stored_record = stored.centres.get(id);
        let stale = |r: &Record<Centre>| {
            !known.verified(id, r.winner())
                || network
                    .centres
                    .get(id)
                    .is_some_and(|listed| !agrees_with_network(&known, id, listed))
        };
        if stored_record.is_some_and(stale)
            && record.heads.iter().any(|v| file_keys.verified(id, v))
        {
            replaces.insert((EntityKind::Centre, id.clone()));
        }
    }
    // The keys once the file's centres are in.
    let mut centres = stored.centres.clone();
    for (id, record) in &incoming.centres {
        let merged = match centres.get(id) {
            Some(existing) if !replaces.contains(&(EntityKind::Centre, id.clone())) => {
                super::merge_records(existing, record)
            }
            _ => record.clone(),
        };
        centres.insert(id.clone(), merged);
    }
    let with_centres = Catalogue {
        centres,
        ..Catalogue::default()
    };
    let keyring = Keyring::of(&with_centres);

    for (id, record) in std::mem::take(&mut incoming.prototypes) {
        let stored_record = stored.prototypes.get(&id);
        let claimed = prototype_owner(&record).to_owned();
        let owner = match stored_record.map(prototype_owner) {
            // What is stored is not a vouched centre's signed work, and the file brings the
            // signed work of a centre this browser vouches for: the file's owner takes it over
            // (a record squatted by a file met first gives way to its vouched owner).
            Some(held)
                if held != claimed
                    && !(stored.vouched.contains(held)
                        && stored_record.is_some_and(|r| keyring.verified(held, r.winner())))
                    && stored.vouched.contains(&claimed)
                    && record.heads.iter().any(|v| keyring.verified(&claimed, v)) =>
            {
                claimed
            }
            Some(held) => held.to_owned(),
            None => claimed,
        };
        let kept = admit_versions(
            (EntityKind::Prototype, &id),
            record,
            stored_record,
            &owner,
            &keyring,
            verdicts,
            &mut admission,
            |p: &Prototype| {
                (p.centre != owner).then(|| {
                    format!(
                        "ce prototype appartient au centre « {owner} » : une version ne peut \
                         pas le donner au centre « {} » (pour le reprendre, adaptez-le)",
                        p.centre
                    )
                })
            },
        );
        if let Some((record, takes_over)) = kept {
            if takes_over {
                replaces.insert((EntityKind::Prototype, id.clone()));
            }
            incoming.prototypes.insert(id, record);
        }
    }
    for (id, record) in std::mem::take(&mut incoming.ratings) {
        let owner = rating_owner(&id).to_owned();
        let kept = admit_versions(
            (EntityKind::Rating, &id),
            record,
            stored.ratings.get(&id),
            &owner,
            &keyring,
            verdicts,
            &mut admission,
            |_| None,
        );
        if let Some((record, takes_over)) = kept {
            if takes_over {
                replaces.insert((EntityKind::Rating, id.clone()));
            }
            incoming.ratings.insert(id, record);
        }
    }
    Admitted {
        catalogue: incoming,
        admission,
        replaces,
    }
}

/// The rules for a prototype's or a report's versions (see the module documentation).
#[allow(clippy::too_many_arguments)]
fn admit_versions<T: Serialize + Clone>(
    (kind, id): (EntityKind, &str),
    mut record: Record<T>,
    stored: Option<&Record<T>>,
    owner: &str,
    keyring: &Keyring,
    verdicts: &Verdicts,
    admission: &mut Admission,
    moved: impl Fn(&T) -> Option<String>,
) -> Option<(Record<T>, bool)> {
    let standings: Vec<Standing> = record
        .heads
        .iter()
        .enumerate()
        .map(|(head, v)| {
            if let Some(why) = v.body.as_ref().and_then(&moved) {
                return Standing::Refused(why);
            }
            let Some(signature) = &v.signature else {
                return Standing::Unverified;
            };
            if verdicts.failed(kind, id, head) {
                Standing::Refused(BAD_BYTES.into())
            } else if v.author != owner {
                Standing::Refused(format!(
                    "signée par le centre « {} », alors que seul le centre « {owner} » peut \
                     écrire cet enregistrement",
                    v.author
                ))
            } else if keyring.holds(owner, &signature.key) {
                Standing::Verified
            } else if keyring.revoked(owner, &signature.key) {
                Standing::Refused(REVOKED.into())
            } else if keyring.knows(owner) {
                Standing::Refused(format!(
                    "signée avec une clé qui n'est pas une clé du centre « {owner} »"
                ))
            } else {
                // Nothing says whose key it is: the centre's own signed record, which a file
                // carries with what it signed, is missing.
                Standing::Refused(format!(
                    "signée, mais les clés du centre « {owner} » sont inconnues ici (le fichier \
                     ne contient pas sa fiche signée)"
                ))
            }
        })
        .collect();
    let brings_verified = standings.iter().any(|s| matches!(s, Standing::Verified));
    let stored_verified = stored.is_some_and(|r| keyring.verified(owner, r.winner()));
    keep(
        &mut record.heads,
        standings,
        brings_verified || stored_verified,
        kind,
        id,
        admission,
    );
    // The owner's signed work replaces a stored record that holds none of it: its unsigned
    // versions could never be shown beside it, and the ids they listed as replaced are dropped
    // with them.
    let takes_over = stored.is_some() && brings_verified && !stored_verified;
    (!record.heads.is_empty()).then_some((record, takes_over))
}

/// Keeps the versions their standings let in, and counts them in `admission`.
fn keep<T>(
    heads: &mut Vec<Version<T>>,
    standings: Vec<Standing>,
    has_verified: bool,
    kind: EntityKind,
    id: &str,
    admission: &mut Admission,
) {
    let mut standings = standings.into_iter();
    heads.retain(|_| match standings.next() {
        Some(Standing::Verified) => {
            admission.verified += 1;
            true
        }
        Some(Standing::Unverified) if has_verified => {
            admission.ignored += 1;
            false
        }
        Some(Standing::Unverified) => {
            admission.unverified += 1;
            true
        }
        Some(Standing::Refused(reason)) => {
            admission.refused.push(Refusal {
                kind,
                id: id.to_owned(),
                reason,
            });
            false
        }
        None => false,
    });
}

/// The rules for a centre's versions: signed by itself, with a key it had (or, first met, one it
/// lists, or one the network gives it); each accepted version's keys and revocations count for
/// the next one, oldest first.
fn admit_centre(
    id: &str,
    mut record: Record<Centre>,
    stored: &Catalogue,
    known: &Keyring,
    network: &NetworkKeys,
    verdicts: &Verdicts,
    admission: &mut Admission,
) -> Option<Record<Centre>> {
    let named = network.centres.get(id);
    let first_met = !known.knows(id) && named.is_none();
    // For a centre the network's list names, the list says which keys are its own, and keys it
    // added since with one of them; keys pinned from a file that share none with the list are
    // set aside (the list overrides first use).
    let mut keys: BTreeSet<&str> = match named {
        Some(listed) if !agrees_with_network(known, id, listed) => {
            listed.iter().map(String::as_str).collect()
        }
        _ => known.keys(id).iter().map(String::as_str).collect(),
    };
    let stored_centre = stored.centre(id);
    let mut revoked: BTreeSet<&str> = stored_centre
        .map(|c| c.revoked.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let had: BTreeSet<String> = keys.iter().map(|k| k.to_string()).collect();

    // Oldest first, so that a key is judged by what came before it.
    let mut order: Vec<usize> = (0..record.heads.len()).collect();
    order.sort_by(|&a, &b| {
        let (va, vb) = (&record.heads[a], &record.heads[b]);
        (va.revision, &va.at).cmp(&(vb.revision, &vb.at))
    });
    let mut standings: Vec<Option<Standing>> = (0..record.heads.len()).map(|_| None).collect();
    let mut pinned = None;
    for i in order {
        let v = &record.heads[i];
        let standing = match &v.signature {
            None => Standing::Unverified,
            Some(_) if verdicts.failed(EntityKind::Centre, id, i) => {
                Standing::Refused(BAD_BYTES.into())
            }
            Some(_) if v.author != id => Standing::Refused(format!(
                "un centre ne peut être signé que par lui-même : cette version est signée au nom \
                 du centre « {} »",
                v.author
            )),
            Some(s) if revoked.contains(s.key.as_str()) => Standing::Refused(REVOKED.into()),
            Some(s) if keys.contains(s.key.as_str()) => Standing::Verified,
            Some(s) if first_met && keys.is_empty() => match &v.body {
                Some(body) if body.keys.contains(&s.key) && !body.revoked.contains(&s.key) => {
                    pinned = Some(s.key.clone());
                    Standing::Verified
                }
                _ => Standing::Refused(
                    "signée avec une clé que le centre ne publie pas dans ses clés".into(),
                ),
            },
            Some(_) if named.is_some_and(|listed| !agrees_with_network(known, id, listed)) => {
                Standing::Refused(
                    "signée avec une clé que la liste du réseau ne donne pas à ce centre".into(),
                )
            }
            Some(_) => Standing::Refused(
                "la clé de ce centre a changé sans que le changement soit signé par une de ses \
                 clés connues : vérifiez auprès du centre avant de lui faire confiance"
                    .into(),
            ),
        };
        if let (Standing::Verified, Some(body)) = (&standing, &v.body) {
            revoked.extend(body.revoked.iter().map(String::as_str));
            keys.extend(body.keys.iter().map(String::as_str));
            keys.retain(|k| !revoked.contains(k));
        }
        standings[i] = Some(standing);
    }
    if let Some(key) = pinned {
        admission
            .pinned
            .push((id.to_owned(), fingerprint(&key).unwrap_or_default()));
    } else {
        for key in keys.iter().filter(|k| !had.contains(**k)) {
            admission
                .keys_added
                .push((id.to_owned(), fingerprint(key).unwrap_or_default()));
        }
    }
    for key in revoked
        .iter()
        .filter(|k| stored_centre.is_none_or(|c| !c.revoked.iter().any(|r| r == *k)))
    {
        admission
            .keys_revoked
            .push((id.to_owned(), fingerprint(key).unwrap_or_default()));
    }
    let standings: Vec<Standing> = standings
        .into_iter()
        .map(|s| s.unwrap_or(Standing::Unverified))
        .collect();
    let has_verified = known.knows(id) || standings.iter().any(|s| matches!(s, Standing::Verified));
    keep(
        &mut record.heads,
        standings,
        has_verified,
        EntityKind::Centre,
        id,
        admission,
    );
    (!record.heads.is_empty()).then_some(record)
}

/// Whether the keys held for centre `id` share one with those the network's list gives it.
fn agrees_with_network(known: &Keyring, id: &str, listed: &[String]) -> bool {
    known.keys(id).iter().any(|k| listed.contains(k))
}

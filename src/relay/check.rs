//! A feed's checks, as the browser makes them on « Abonnements »: the door, the header's
//! signature, the versions' signatures ([`check`], on the worker threads), then, in the order of
//! the list, the judgement against the source's pin, admission and the merge ([`apply`]).

use super::failure::Failure;
use super::network::Network;
use super::state::SourceState;
use crate::exchange::feed::{judge, FeedKind, Judgement, Pinned};
use crate::exchange::{
    admit, merge_admitted_into, read_document, signature_checks, Document, Limits, Verdicts,
};
use crate::model::{Catalogue, Keyring};
use crate::native_crypto::{verify, verify_feed};

/// A feed the door read, whose header signature holds, with its versions' verdicts.
pub struct Checked {
    pub document: Document,
    pub verdicts: Verdicts,
}

/// The door, then every signature.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Checked, Failure> {
    let document = read_document(bytes, limits).map_err(|problems| {
        Failure::NotACatalogue(
            problems
                .list
                .first()
                .map(|p| {
                    if p.path.is_empty() {
                        p.message.clone()
                    } else {
                        format!("{} ({})", p.message, p.path)
                    }
                })
                .unwrap_or_else(|| "le fichier est refusé".into()),
        )
    })?;
    let header = document.feed.as_ref().ok_or(Failure::NoHeader)?;
    if !verify_feed(header) {
        return Err(Failure::BadSignature);
    }
    let checks = signature_checks(&document.catalogue);
    let held: Vec<bool> = checks
        .iter()
        .map(|c| verify(&c.key, &c.message, &c.signature))
        .collect();
    Ok(Checked {
        verdicts: Verdicts::of(&checks, &held),
        document,
    })
}

/// What applying a checked feed did.
pub enum Applied {
    /// The same sequence as last time.
    Unchanged,
    /// Merged: how many records changed, and how many versions admission refused (with the
    /// first reason).
    Merged {
        changed: usize,
        refused: usize,
        first_refusal: Option<String>,
    },
}

/// Judges `checked` against the source's pin (`known`), then admits and merges it into
/// `catalogue`, whose records' compact forms add up to `bytes`. `rebuilding`: the catalogue is
/// being made again from the sources, so an unchanged feed is merged too. On success the pin in
/// `known` follows the feed.
pub fn apply(
    checked: Checked,
    known: &mut SourceState,
    catalogue: &mut Catalogue,
    bytes: &mut usize,
    rebuilding: bool,
    network: &Network,
    limits: &Limits,
) -> Result<Applied, Failure> {
    let Checked { document, verdicts } = checked;
    let header = document.feed.as_ref().expect("checked feeds have a header");
    let (listed, by_network) = if header.kind == FeedKind::Centre {
        let by_network = network.keys_of(&header.publisher);
        let mut listed = listed_keys(catalogue, &header.publisher);
        listed.extend(by_network.iter().cloned());
        (listed, by_network.first())
    } else {
        (Vec::new(), None)
    };
    // A centre the network's list names is pinned to the list's keys from its first feed, as a
    // browser subscribing from the directory is.
    let pin = if !known.cle.is_empty() {
        Some(Pinned {
            publisher: known.editeur.clone(),
            key: known.cle.clone(),
            sequence: known.sequence,
        })
    } else {
        by_network.map(|key| Pinned {
            publisher: header.publisher.clone(),
            key: key.clone(),
            sequence: 0,
        })
    };
    let new_key = match judge(header, pin.as_ref(), &listed) {
        Judgement::Fresh { new_key } => new_key,
        Judgement::Unchanged if !rebuilding => return Ok(Applied::Unchanged),
        Judgement::Unchanged => None,
        Judgement::Older { seen, got } => return Err(Failure::Older { seen, got }),
        Judgement::OtherPublisher { expected, got } => {
            return Err(Failure::OtherPublisher { expected, got })
        }
        Judgement::OtherKey { pinned, got } => return Err(Failure::OtherKey { pinned, got }),
    };
    let (publisher, key, sequence) = (
        header.publisher.clone(),
        new_key
            .or_else(|| header.key().map(str::to_owned))
            .unwrap_or_default(),
        header.sequence,
    );
    let admitted = admit(catalogue, document.catalogue, &verdicts, &network.keys);
    let refused = admitted.admission.refused.len();
    let first_refusal = admitted
        .admission
        .refused
        .first()
        .map(|r| format!("« {} » : {}", r.id, r.reason));
    let changed = merge_admitted_into(catalogue, bytes, &admitted, limits).map_err(|problems| {
        Failure::OverLimits(
            problems
                .list
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default(),
        )
    })?;
    known.editeur = publisher;
    known.cle = key;
    known.sequence = sequence;
    Ok(Applied::Merged {
        changed,
        refused,
        first_refusal,
    })
}

/// The keys `catalogue`'s self-signed record of centre `id` lists (a device added or replaced:
/// the pin may follow them).
fn listed_keys(catalogue: &Catalogue, id: &str) -> Vec<String> {
    let Some(record) = catalogue.centres.get(id) else {
        return Vec::new();
    };
    let one = Catalogue {
        centres: [(id.to_owned(), record.clone())].into(),
        ..Catalogue::default()
    };
    Keyring::of(&one).keys(id).to_vec()
}

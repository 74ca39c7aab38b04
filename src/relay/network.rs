//! The network's list (`--reseau`): read through the door (`exchange::read_network`), its
//! signature checked against the network's key the app carries, never older than the one the
//! hub already read. It gives what a browser holding it gets: the listed centres' keys, which
//! override first use in admission and pin those centres' feeds, the centres vouched for, and
//! the network's directory of feeds, read as sources.

use super::sources::Source;
use crate::exchange::{read_network, NetworkKeys, NetworkList};
use crate::native_crypto::verify;
use std::collections::BTreeSet;
use std::path::Path;

/// What the hub takes from the network's list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Network {
    pub keys: NetworkKeys,
    pub vouched: BTreeSet<String>,
    /// The directory's feeds, as sources.
    pub feeds: Vec<Source>,
    pub sequence: u64,
}

impl Network {
    /// The keys the list gives centre `id`.
    pub fn keys_of(&self, id: &str) -> &[String] {
        self.keys.centres.get(id).map_or(&[], Vec::as_slice)
    }
}

/// Reads the list at `place` (an address, or a file path relative to the working folder),
/// checks its signature, and refuses it when older than `last_sequence`. The error is French.
pub fn read(place: &str, agent: &ureq::Agent, last_sequence: u64) -> Result<Network, String> {
    let bytes = if place.contains("://") {
        let url = crate::exchange::feed::feed_address(place)
            .map_err(|why| format!("L'adresse de la liste du réseau n'est pas valide : {why}"))?;
        let mut response = agent
            .get(&url)
            .call()
            .map_err(|e| format!("La liste du réseau n'a pas pu être téléchargée : {e}"))?;
        if response.status().as_u16() != 200 {
            return Err(format!(
                "La liste du réseau n'a pas pu être téléchargée (code HTTP {}).",
                response.status().as_u16()
            ));
        }
        response
            .body_mut()
            .with_config()
            .limit(16 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| format!("La liste du réseau n'a pas pu être téléchargée : {e}"))?
    } else {
        std::fs::read(place)
            .map_err(|e| format!("La liste du réseau {place} est illisible : {e}"))?
    };
    let list = read_network(&bytes).map_err(|problems| {
        format!(
            "La liste du réseau est refusée : {}",
            problems
                .list
                .first()
                .map(ToString::to_string)
                .unwrap_or_default()
        )
    })?;
    let signed = list.signed_by_network()
        && match (
            crate::exchange::b64::decode(&list.signature.key),
            crate::exchange::b64::decode(&list.signature.value),
        ) {
            (Some(key), Some(value)) => verify(&key, &list.message, &value),
            _ => false,
        };
    if !signed {
        return Err(
            "La liste du réseau n'est pas signée par la clé du réseau que porte \
                    Prototèque : elle est refusée (une liste falsifiée, ou la clé d'un autre \
                    réseau)."
                .into(),
        );
    }
    if list.sequence < last_sequence {
        return Err(format!(
            "La liste du réseau est plus ancienne que celle déjà lue (numéro {}, déjà lu \
             {last_sequence}) : elle est refusée.",
            list.sequence
        ));
    }
    Ok(of_list(&list, place))
}

/// What the hub takes from a list whose signature was checked, read at `place` (its directory's
/// relative references start from there).
pub fn of_list(list: &NetworkList, place: &str) -> Network {
    let feeds = list
        .feeds
        .values()
        .map(|reference| {
            if reference.contains("://") {
                Source::Url(reference.clone())
            } else if place.contains("://") {
                let base = place.rsplit_once('/').map_or(place, |(base, _)| base);
                Source::Url(format!("{base}/{reference}"))
            } else {
                let path = Path::new(place)
                    .parent()
                    .unwrap_or(Path::new(""))
                    .join(reference);
                Source::File {
                    written: path.display().to_string(),
                    path,
                }
            }
        })
        .collect();
    Network {
        keys: list.keys(),
        vouched: list.centres.keys().cloned().collect(),
        feeds,
        sequence: list.sequence,
    }
}

//! Signatures in the browser: checking a file's (WebCrypto, then `exchange::admit`), reading the
//! network's list, and signing this browser's edits with its device key. No business rule here:
//! what is signed is `exchange::signing`'s, who may sign what is `exchange::admit`'s.

use crate::exchange::signing::{self, ToSign};
use crate::exchange::{
    admit, read_network, signature_checks, Admitted, EntityKind, NetworkKeys, NetworkList, Verdicts,
};
use crate::model::{prototype_owner, rating_owner, Catalogue, Record, Version, Vouch};
use crate::store::{self, Change};
use crate::webcrypto;
use indexed_db_futures::database::Database;
use serde::Serialize;

/// Where the network's list lives, relative to the page's `<base>`.
pub const NETWORK_URL: &str = "reseau.json";

/// `incoming`'s signatures checked by WebCrypto, then the ownership and key rules applied
/// against `stored` (see `exchange::admit`).
pub async fn admitted(
    stored: &Catalogue,
    incoming: Catalogue,
    network: &NetworkKeys,
) -> Result<Admitted, String> {
    let checks = signature_checks(&incoming);
    let asked: Vec<webcrypto::Check> = checks
        .iter()
        .map(|c| webcrypto::Check {
            public: &c.key,
            message: &c.message,
            signature: &c.signature,
        })
        .collect();
    let verdicts = webcrypto::verify_all(&asked)
        .await
        .map_err(|e| e.to_string())?;
    drop(asked);
    Ok(admit(
        stored,
        incoming,
        &Verdicts::of(&checks, &verdicts),
        network,
    ))
}

/// The network's list in `bytes`, if it is signed by the network's key and its signature holds.
pub async fn checked_network(bytes: &[u8]) -> Result<NetworkList, String> {
    let list = read_network(bytes)
        .map_err(|p| format!("La liste du réseau est invalide : {}", p.summary()))?;
    let key = crate::exchange::b64::decode(&list.signature.key).unwrap_or_default();
    let signature = crate::exchange::b64::decode(&list.signature.value).unwrap_or_default();
    let held = list.signed_by_network()
        && webcrypto::verify_all(&[webcrypto::Check {
            public: &key,
            message: &list.message,
            signature: &signature,
        }])
        .await
        .map_err(|e| e.to_string())?
        .first()
        .copied()
        .unwrap_or(false);
    if held {
        Ok(list)
    } else {
        Err("La liste du réseau n'est pas signée par la clé du réseau : elle est ignorée.".into())
    }
}

/// Fetches the network's list shipped with the page and, when it is newer than the one kept,
/// keeps it and vouches for the centres it names. Gives the keys of the list kept.
pub async fn refresh_network(db: &Database) -> NetworkKeys {
    let fetched = async {
        let response = gloo::net::http::Request::get(NETWORK_URL)
            .send()
            .await
            .ok()?;
        if !response.ok() {
            return None;
        }
        response.binary().await.ok()
    }
    .await;
    let kept = stored_network(db).await;
    let Some(bytes) = fetched else {
        return kept.map(|l| l.keys()).unwrap_or_default();
    };
    match checked_network(&bytes).await {
        Ok(list) if kept.as_ref().is_none_or(|k| list.sequence > k.sequence) => {
            let text = String::from_utf8_lossy(&bytes);
            let mut vouches = store::vouches(db).await.unwrap_or_default();
            for id in list.centres.keys() {
                vouches.add(id, Vouch::Network);
            }
            // Kept only once both are written: the list, then what it vouches for.
            if store::put_setting(db, store::NETWORK_LIST, &text)
                .await
                .is_ok()
            {
                let _ = store::put_vouches(db, &vouches).await;
            }
            list.keys()
        }
        // An older list never replaces a newer one (rollback), nor a forged one a checked one.
        _ => kept.map(|l| l.keys()).unwrap_or_default(),
    }
}

/// The network's list as last checked, if any (read again through the door; its signature was
/// checked when it was kept).
pub async fn stored_network(db: &Database) -> Option<NetworkList> {
    let text = store::get_setting(db, store::NETWORK_LIST).await.ok()??;
    read_network(text.as_bytes()).ok()
}

/// Signs `what` (versions of `catalogue` that `centre` wrote) with this browser's key for
/// `centre`, if it holds one. Gives how many were signed.
pub async fn sign_in_catalogue(
    db: &Database,
    centre: &str,
    catalogue: &mut Catalogue,
    what: &[ToSign],
) -> Result<usize, String> {
    let Some(key) = store::device_key(db, centre).await.map_err(|e| e.message)? else {
        return Ok(0);
    };
    for item in what {
        let signature = webcrypto::sign(&key.private, &item.message)
            .await
            .map_err(|e| e.to_string())?;
        signing::sign_in(catalogue, item, &key.public, &signature);
    }
    Ok(what.len())
}

/// Signs the new versions of `changes` that `centre` wrote, with this browser's key for
/// `centre`, if it holds one (otherwise they stay unsigned: « non vérifié » for everyone else).
pub async fn sign_changes(
    db: &Database,
    centre: Option<&str>,
    mut changes: Vec<Change>,
) -> Result<Vec<Change>, String> {
    let Some(centre) = centre else {
        return Ok(changes);
    };
    let Some(key) = store::device_key(db, centre).await.map_err(|e| e.message)? else {
        return Ok(changes);
    };
    // Only the owner's versions are signed: a signed version by anyone else would be refused
    // everywhere (and the pages offer to adapt, not edit, what another centre owns).
    for change in &mut changes {
        match change {
            Change::Centre(id, r) if id == centre => {
                sign_heads(EntityKind::Centre, id, r, centre, &key).await?
            }
            Change::Prototype(id, r) if prototype_owner(r) == centre => {
                sign_heads(EntityKind::Prototype, id, r, centre, &key).await?
            }
            Change::Rating(id, r) if rating_owner(id) == centre => {
                sign_heads(EntityKind::Rating, id, r, centre, &key).await?
            }
            _ => {}
        }
    }
    Ok(changes)
}

async fn sign_heads<T: Serialize>(
    kind: EntityKind,
    id: &str,
    record: &mut Record<T>,
    centre: &str,
    key: &webcrypto::DeviceKey,
) -> Result<(), String> {
    for version in record.heads.iter_mut() {
        if version.author == centre && version.signature.is_none() {
            sign_version(kind, id, version, key).await?;
        }
    }
    Ok(())
}

async fn sign_version<T: Serialize>(
    kind: EntityKind,
    id: &str,
    version: &mut Version<T>,
    key: &webcrypto::DeviceKey,
) -> Result<(), String> {
    let message = signing::message(kind, id, version);
    let signature = webcrypto::sign(&key.private, &message)
        .await
        .map_err(|e| e.to_string())?;
    signing::attach(version, &key.public, &signature);
    Ok(())
}

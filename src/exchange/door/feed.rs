//! A feed's `flux` header (see `exchange::feed`): who publishes the file, its sequence, its date
//! and the publisher's signature, whose bytes are computed here from the header as written.

use super::fields::{Cx, Fields, Path};
use super::values::{id, public_key, revision, signature_value, timestamp, title};
use crate::exchange::feed::{message_of, FeedHeader, FeedKind};
use crate::exchange::json::Value;
use crate::model::Signature;

/// Reads the `flux` field.
pub(super) fn feed_header(cx: &mut Cx, value: &Value, at: Path) -> Option<FeedHeader> {
    let mut obj = Fields::of(cx, value, at)?;
    let publisher = obj.required(cx, "editeur", id);
    let name = obj.required(cx, "nom", title);
    let kind = obj.required(cx, "nature", |cx, v, p| {
        let kind = v.as_str().and_then(FeedKind::of_key);
        if kind.is_none() {
            cx.report(p, "doit être « centre » ou « relais »");
        }
        kind
    });
    let sequence = obj.required(cx, "sequence", revision);
    let published = obj.required(cx, "publie_le", timestamp);
    let signature = obj.required(cx, "signature", |cx, v, p| {
        let mut sig = Fields::of(cx, v, p)?;
        let key = sig.required(cx, "cle", public_key);
        let value = sig.required(cx, "valeur", signature_value);
        Some(Signature {
            key: key?,
            value: value?,
        })
    });
    Some(FeedHeader {
        publisher: publisher?,
        name: name?,
        kind: kind?,
        sequence: sequence?,
        published: published?,
        signature: Some(signature?),
        message: message_of(value),
    })
}

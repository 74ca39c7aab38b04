//! The exchange layer: the versioned JSON catalogue file that centres swap, the one door through
//! which outside bytes become trusted data ([`read_document`]), deterministic export, the
//! order-independent merge that import performs, and the import preview.

mod admit;
pub mod b64;
mod closure;
mod door;
mod edit;
pub mod feed;
mod json;
mod merge;
mod preview;
mod problem;
mod scan;
pub mod signing;
mod wire;

pub use admit::{
    admit, combine, signature_checks, Admission, Admitted, Check, NetworkKeys, Refusal, Verdicts,
};
pub use closure::{
    check_merged, check_stored_record, document_bytes, merge_admitted, merge_admitted_into,
    merge_checked, record_bytes, EXPORT_HEADROOM, MAX_CONFLICTS, MAX_REVISION, MAX_SUPERSEDED,
};
pub use door::{
    check_centre, check_prototype, check_rating, is_valid_id, read_centre_record, read_document,
    read_document_plain, read_network, read_prototype_record, read_rating_record, Limits,
    NetworkList, Reading, NETWORK_CONTEXT, NETWORK_FORMAT, NETWORK_KEY,
};
pub use edit::{compare, new_id, slug, subset, FieldChange};
pub use merge::{merge_catalogues, merge_records, version_id, with_edit};
pub use preview::{
    outcome, preview, preview_item, preview_keys, EntityKind, Outcome, Preview, PreviewItem,
};
pub use problem::{Problem, Problems};
pub use wire::{assemble_document, export, export_within, record_json, stored_document, Assembly};

use crate::model::{Catalogue, Extra};

/// Value of the `format` field: says "this is a Prototèque catalogue".
pub const FORMAT_NAME: &str = "prototheque-catalogue";
/// Major version this build reads and writes. Files of another major version are refused.
pub const FORMAT_MAJOR: u64 = 1;
/// Minor version this build writes. Newer minors are read; their unknown fields are kept.
pub const FORMAT_MINOR: u64 = 1;

/// A catalogue file: who exported what, when.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// `YYYY-MM-DDTHH:MM:SSZ`, if the file says.
    pub exported_at: Option<String>,
    /// Id of the exporting centre, if the file says.
    pub exported_by: Option<String>,
    pub catalogue: Catalogue,
    /// The `flux` header when the file is a feed (see [`feed`]).
    pub feed: Option<feed::FeedHeader>,
    /// Top-level fields unknown to this version, kept for the next export.
    pub extra: Extra,
}

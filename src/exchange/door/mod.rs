//! The one door for untrusted input. Any byte string — a file from another centre, a record read
//! back from storage written by an older version — goes through [`read_document`] and comes out
//! either as a valid [`Document`](super::Document) or as every problem found, in French, with its
//! JSON path. Defaults and normalisation are applied here and nowhere else.
//!
//! One room per seam, each using only the ones listed before it:
//! - `invisible`: which characters a text may not hide (bidi controls, tags, invisible-only);
//! - `fields`: where a value stands (`Path`), where problems go (`Cx`), and how an object is read
//!   (`Fields`, which records the keys it takes, so what is left over are the unknown fields);
//! - `values`: the readers of single values (texts, lists, numbers, ids, dates, links);
//! - `record`: the envelope every entity shares (id, versions, conflicts, replaced versions);
//! - `entities`: the bodies of centres, prototypes and reports, and their references;
//! - `entries`: a file's header, then its lists' entries read one by one, a slice at a time;
//! - `reading`: size limits, the slice-by-slice [`Reading`], and the plain whole-file way;
//! - `feed`: a feed's `flux` header;
//! - `network`: the network's signed list of centres and their keys;
//! - `stored` and `forms`: one record as storage keeps it, and content typed in a form, read by
//!   the same rules as a file.

mod entities;
mod entries;
mod feed;
mod fields;
mod forms;
mod invisible;
mod network;
mod reading;
mod record;
mod stored;
mod values;

pub use forms::{check_centre, check_prototype, check_rating, is_valid_id};
pub use network::{read_network, NetworkList, NETWORK_CONTEXT, NETWORK_FORMAT, NETWORK_KEY};
pub use reading::{read_document, read_document_plain, Limits, Reading};
pub use stored::{read_centre_record, read_prototype_record, read_rating_record};

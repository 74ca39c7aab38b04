//! What the code fetched on first use shares (release builds cut it into wasm chunks: see
//! `pages!` in `ui/mod.rs`): a chunk that could not be downloaded.

/// A chunk of the app's code could not be downloaded (no network before the service worker has
/// everything). Without the `split` feature there is nothing to download and it never happens.
#[cfg_attr(not(feature = "split"), allow(dead_code))]
pub struct ChunkUnavailable;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkUnavailable
    }
}

/// What a file writer whose chunk could not be downloaded says.
pub const FILE_UNAVAILABLE: &str =
    "Le fichier n'a pas pu être préparé : vérifiez la connexion à Internet, puis réessayez.";

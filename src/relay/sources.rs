//! The list of sources a hub reads: one per line, a feed address (`https://…`, or `http://` on
//! this machine) or a file path (relative to the list's folder); blank lines and lines starting
//! with `#` are skipped.

use std::path::{Path, PathBuf};

/// Where one feed is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An address, as written in the list (its key in the hub's state).
    Url(String),
    /// A file on this machine: as written in the list, and resolved.
    File { written: String, path: PathBuf },
}

impl Source {
    /// The source as written in the list: how progress names it and the state keys it.
    pub fn name(&self) -> &str {
        match self {
            Source::Url(url) => url,
            Source::File { written, .. } => written,
        }
    }
}

/// The sources of a list's `text`, each once, in order; `folder` is the list's folder, which
/// relative paths start from. The duplicates are given back too, to be reported.
pub fn parse(text: &str, folder: &Path) -> (Vec<Source>, Vec<String>) {
    let mut sources: Vec<Source> = Vec::new();
    let mut duplicates = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if sources.iter().any(|s| s.name() == line) {
            duplicates.push(line.to_owned());
            continue;
        }
        sources.push(if line.contains("://") {
            Source::Url(line.to_owned())
        } else {
            let path = line.strip_prefix("file:").unwrap_or(line);
            Source::File {
                written: line.to_owned(),
                path: folder.join(path),
            }
        });
    }
    (sources, duplicates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_addresses_and_paths_once_each() {
        let text = "# Centres du Nord\n\nhttps://a.fr/prototheque-flux-a.json\n  flux/b.json  \n\
                    https://a.fr/prototheque-flux-a.json\n/srv/c.json\n";
        let (sources, duplicates) = parse(text, Path::new("/etc/relais"));
        assert_eq!(
            sources,
            [
                Source::Url("https://a.fr/prototheque-flux-a.json".into()),
                Source::File {
                    written: "flux/b.json".into(),
                    path: "/etc/relais/flux/b.json".into()
                },
                Source::File {
                    written: "/srv/c.json".into(),
                    path: "/srv/c.json".into()
                },
            ]
        );
        assert_eq!(duplicates, ["https://a.fr/prototheque-flux-a.json"]);
    }
}

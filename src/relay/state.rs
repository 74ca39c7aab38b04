//! The hub's state folder, its own memory between runs (never published):
//! - `etat.json`: per source, the pin (publisher, key, highest sequence applied), the HTTP
//!   validators of the last good answer (`ETag`, `Last-Modified`, or a file's date and size), the
//!   consecutive failures and when to try again; and the sequence of the last output;
//! - `catalogue.json`: the merged catalogue so far, a plain catalogue file (read back through the
//!   door at the next run, like a browser's stored catalogue: no cryptography at load);
//! - `corps/`: each source's last good body, given again when the host answers 304 while the
//!   catalogue is being rebuilt (`catalogue.json` missing).
//!
//! The hub's key lives in its own file (`--cle`), created on first run with mode 0600.
//! Every file is written whole to a temporary name, then renamed: a run stopped half-way
//! leaves the previous files.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name of the state file's format.
const STATE_FORMAT: &str = "prototheque-relais-etat";

/// What the hub remembers of one source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceState {
    /// The publisher, key and sequence of the feed last applied (empty before the first).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub editeur: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cle: String,
    #[serde(default)]
    pub sequence: u64,
    /// Validators of the last good answer, sent back as `If-None-Match` / `If-Modified-Since`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modifie: Option<String>,
    /// Consecutive failures, the last one's message, and when to try again (Unix seconds).
    #[serde(default)]
    pub echecs: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derniere_erreur: Option<String>,
    #[serde(default)]
    pub prochain_essai: u64,
}

/// What the hub remembers of its last output.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputState {
    pub sequence: u64,
    pub editeur: String,
    pub nom: String,
    pub chemin: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub sortie: Option<OutputState>,
    #[serde(default)]
    pub sources: BTreeMap<String, SourceState>,
    /// The sequence of the network's list last read (`--reseau`): an older one is refused.
    #[serde(default)]
    pub reseau: u64,
}

/// Back-off after `failures` consecutive failures: 15 min × 2^(n−1), at most 24 h (the
/// browser's rule).
pub fn back_off(failures: u32) -> u64 {
    let minutes = 15u64.saturating_mul(1u64 << failures.saturating_sub(1).min(20));
    (minutes * 60).min(24 * 3_600)
}

/// The state folder.
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// Opens (and creates) the state folder.
    pub fn open(root: &Path) -> Result<Folder, String> {
        std::fs::create_dir_all(root.join("corps")).map_err(|e| {
            format!(
                "Le dossier d'état {} ne peut pas être créé : {e}",
                root.display()
            )
        })?;
        Ok(Folder {
            root: root.to_owned(),
        })
    }

    fn state_path(&self) -> PathBuf {
        self.root.join("etat.json")
    }

    pub fn catalogue_path(&self) -> PathBuf {
        self.root.join("catalogue.json")
    }

    /// The cached body of `source`.
    pub fn body_path(&self, source: &str) -> PathBuf {
        self.root
            .join("corps")
            .join(format!("{:016x}.json", fnv(source)))
    }

    /// The state as last saved (empty on the first run).
    pub fn load(&self) -> Result<State, String> {
        let path = self.state_path();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(State {
                    format: STATE_FORMAT.into(),
                    ..State::default()
                })
            }
            Err(e) => {
                return Err(format!(
                    "L'état du relais ({}) est illisible : {e}",
                    path.display()
                ))
            }
        };
        let state: State = serde_json::from_slice(&bytes)
            .ok()
            .filter(|s: &State| s.format == STATE_FORMAT)
            .ok_or_else(|| {
                format!(
                    "L'état du relais ({}) est abîmé. Supprimez le dossier d'état pour repartir \
                     de zéro : le relais téléchargera de nouveau chaque flux et enregistrera de \
                     nouveau la clé de chaque source.",
                    path.display()
                )
            })?;
        Ok(state)
    }

    pub fn save(&self, state: &State) -> Result<(), String> {
        let mut text = serde_json::to_vec_pretty(state).expect("the state serialises");
        text.push(b'\n');
        write_atomically(&self.state_path(), &text)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, then renames it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let fail =
        |e: std::io::Error| format!("Le fichier {} ne peut pas être écrit : {e}", path.display());
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(fail(e));
    }
    Ok(())
}

/// The hub's private key: read from `path`, or made from the system's random source and written
/// there (mode 0600) on the first run. The second value says whether it was just made.
pub fn hub_key(path: &Path) -> Result<([u8; 32], bool), String> {
    use crate::exchange::b64;
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let secret = b64::decode(text.trim())
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| {
                    format!(
                        "Le fichier de clé {} ne contient pas une clé du relais. Rétablissez-le \
                         depuis une sauvegarde : avec une nouvelle clé, les abonnés refuseraient \
                         le flux du relais.",
                        path.display()
                    )
                })?;
            Ok((secret, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = [0u8; 32];
            std::fs::File::open("/dev/urandom")
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut secret))
                .map_err(|e| format!("Impossible de tirer une clé au hasard : {e}"))?;
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    format!(
                        "Le dossier {} ne peut pas être créé : {e}",
                        parent.display()
                    )
                })?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options
                .open(path)
                .and_then(|mut file| {
                    file.write_all(format!("{}\n", b64::encode(&secret)).as_bytes())
                        .and_then(|()| file.sync_all())
                })
                .map_err(|e| {
                    format!(
                        "Le fichier de clé {} ne peut pas être écrit : {e}",
                        path.display()
                    )
                })?;
            Ok((secret, true))
        }
        Err(e) => Err(format!(
            "Le fichier de clé {} est illisible : {e}",
            path.display()
        )),
    }
}

/// FNV-1a, 64 bits: a cached body's file name.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_a_quarter_of_an_hour_to_a_day() {
        assert_eq!(back_off(1), 15 * 60);
        assert_eq!(back_off(2), 30 * 60);
        assert_eq!(back_off(4), 2 * 3_600);
        assert_eq!(back_off(7), 16 * 3_600);
        assert_eq!(back_off(8), 24 * 3_600);
        assert_eq!(back_off(400), 24 * 3_600);
    }
}

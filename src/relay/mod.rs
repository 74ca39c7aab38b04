//! The hub (« relais », native only): reads many centres' feeds, checks each exactly as the
//! browser does, merges them, and writes one feed for a region or the country to put on a static
//! host or a CDN. A browser then subscribes to the hub instead of to every centre, and gets the
//! same catalogue (the merge laws; `tests/relais.rs`).
//!
//! One run:
//! 1. the list of sources (`sources`), the state folder (`state`: pins, validators, back-off,
//!    the merged catalogue so far) and the hub's key;
//! 2. a few sources at a time on worker threads: a conditional request or a file's date
//!    (`fetch`), then the door, the header's signature and every version's signature (`check`);
//! 3. in the list's order, on the main thread: the judgement against the source's pin, admission
//!    and the merge into the catalogue (`check::apply`), through `exchange` like any file;
//! 4. when anything changed, the hub's feed: `nature` « relais », its `sequence` the next after
//!    its previous output, its header signed by the hub's key, each version keeping its author's
//!    signature; written to a temporary file, then renamed.
//!
//! A source that fails keeps its last good content in the hub's catalogue, and is tried again
//! after a back-off (`state::back_off`). Every message is French (`failure`).

pub mod check;
pub mod clock;
pub mod failure;
pub mod fetch;
pub mod network;
pub mod options;
pub mod sources;
pub mod state;

use crate::exchange::feed::{next_sequence, FeedHeader, FeedKind};
use crate::exchange::signing::fingerprint;
use crate::exchange::{b64, export, read_document, record_bytes, Document, Limits};
use crate::model::Catalogue;
use crate::native_crypto::{public_of, sign_feed};
use check::{Applied, Checked};
use failure::Failure;
use fetch::Fetched;
use network::Network;
use options::{exit, Options};
use sources::Source;
use state::{Folder, OutputState, SourceState, State};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What the worker threads hand the main thread for one source.
enum Got {
    NotModified,
    Checked(Box<Fed>),
}

/// A feed a source gave, checked, with what to keep of the answer if it is accepted.
struct Fed {
    checked: Checked,
    bytes: Vec<u8>,
    etag: Option<String>,
    modified: Option<String>,
    cached: bool,
}

/// The merged catalogue, read from the state folder when first needed.
struct Merged {
    catalogue: Catalogue,
    bytes: usize,
    changed: bool,
}

/// French plural: `n` then the noun.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n <= 1 { one } else { many })
}

/// Runs the hub once; gives the exit code (see `options::exit`).
pub fn run(options: &Options) -> u8 {
    run_with(options, |agent, last| match &options.network {
        Some(place) => network::read(place, agent, last),
        None => Ok(Network::default()),
    })
}

/// [`run`], the network's list given by `network` (called with the HTTP client and the sequence
/// of the list last read) once its signature is checked: tests give a list of their own here.
pub fn run_with(
    options: &Options,
    network: impl FnOnce(&ureq::Agent, u64) -> Result<Network, String>,
) -> u8 {
    let limits = Limits::default();
    let mut sources = Vec::new();
    if let Some(list) = &options.sources {
        let text = match std::fs::read_to_string(list) {
            Ok(text) => text,
            Err(e) => {
                eprintln!(
                    "La liste des sources {} est illisible : {e}",
                    list.display()
                );
                return exit::USAGE;
            }
        };
        let folder = list.parent().map(Path::to_path_buf).unwrap_or_default();
        let duplicates;
        (sources, duplicates) = sources::parse(&text, &folder);
        for duplicate in duplicates {
            eprintln!("Source en double dans la liste, lue une seule fois : {duplicate}");
        }
    }
    let folder = match Folder::open(&options.state) {
        Ok(folder) => folder,
        Err(message) => {
            eprintln!("{message}");
            return exit::NOTHING_WRITTEN;
        }
    };
    let mut state = match folder.load() {
        Ok(state) => state,
        Err(message) => {
            eprintln!("{message}");
            return exit::NOTHING_WRITTEN;
        }
    };
    let agent = fetch::agent();
    let network = match network(&agent, state.reseau) {
        Ok(network) => network,
        Err(message) => {
            eprintln!("{message}");
            return exit::NOTHING_WRITTEN;
        }
    };
    state.reseau = state.reseau.max(network.sequence);
    for feed in &network.feeds {
        if !sources.iter().any(|s| s.name() == feed.name()) {
            sources.push(feed.clone());
        }
    }
    if sources.is_empty() {
        eprintln!(
            "Aucune source à lire : écrivez une adresse de flux (ou un chemin de fichier) par \
             ligne dans la liste --sources, ou donnez une liste du réseau dont l'annuaire nomme \
             des flux (--reseau)."
        );
        return exit::USAGE;
    }
    let secret = match state::hub_key(&options.key) {
        Ok((secret, made)) => {
            if made {
                eprintln!(
                    "Clé du relais créée dans {} (empreinte {}) : sauvegardez ce fichier, les \
                     abonnés refusent un flux signé par une autre clé.",
                    options.key.display(),
                    fingerprint(&b64::encode(&public_of(&secret))).unwrap_or_default()
                );
            }
            secret
        }
        Err(message) => {
            eprintln!("{message}");
            return exit::NOTHING_WRITTEN;
        }
    };

    let rebuilding = !folder.catalogue_path().exists();
    let now = clock::now();
    let mut merged: Option<Merged> = None;
    let (mut fine, mut updated, mut failed) = (0usize, 0usize, 0usize);
    let total = sources.len();
    let mut done = 0usize;

    for chunk in sources.chunks(options.parallel * 4) {
        // Sources waiting after failures are not asked this time.
        let waiting: Vec<Option<Failure>> = chunk
            .iter()
            .map(|source| {
                let known = state.sources.get(source.name())?;
                (!options.force && known.echecs > 0 && known.prochain_essai > now).then(|| {
                    Failure::Waiting {
                        last: known.derniere_erreur.clone().unwrap_or_default(),
                        until: clock::for_people(known.prochain_essai),
                    }
                })
            })
            .collect();
        let results = gather(
            chunk,
            &waiting,
            &state,
            &folder,
            &agent,
            rebuilding,
            &limits,
            options.parallel,
        );

        for ((source, waiting), result) in chunk.iter().zip(waiting).zip(results) {
            done += 1;
            let name = source.name().to_owned();
            let mut known = state.sources.get(&name).cloned().unwrap_or_default();
            let result = match waiting {
                Some(failure) => Err(failure),
                None => result.expect("asked"),
            };
            if matches!(result, Ok(Got::Checked { .. })) && merged.is_none() {
                match load(&folder, rebuilding, &network, &limits) {
                    Ok(m) => merged = Some(m),
                    Err(message) => {
                        eprintln!("{message}");
                        return exit::NOTHING_WRITTEN;
                    }
                }
            }
            let outcome = result.and_then(|got| {
                settle(
                    got,
                    source,
                    &mut known,
                    merged.as_mut(),
                    &folder,
                    rebuilding,
                    &network,
                    &limits,
                )
            });
            match outcome {
                Ok(settled) => {
                    let text = match settled {
                        Settled::UpToDate => {
                            fine += 1;
                            "à jour".to_owned()
                        }
                        Settled::Updated(text) => {
                            updated += 1;
                            text
                        }
                    };
                    known.echecs = 0;
                    known.derniere_erreur = None;
                    known.prochain_essai = 0;
                    eprintln!("[{done}/{total}] {name} : {text}");
                }
                Err(failure) => {
                    failed += 1;
                    if !matches!(failure, Failure::Waiting { .. }) {
                        known.echecs = known.echecs.saturating_add(1);
                        known.derniere_erreur = Some(failure.message());
                        known.prochain_essai = now + state::back_off(known.echecs);
                    }
                    eprintln!("[{done}/{total}] {name} : échec — {}", failure.message());
                }
            }
            state.sources.insert(name, known);
        }
    }

    let summary = format!(
        "{} : {} déjà à jour, {} à jour, {} en échec",
        count(total, "source", "sources"),
        fine,
        count(updated, "mise", "mises"),
        failed
    );
    let code = write_output(
        options,
        &folder,
        &mut state,
        merged,
        rebuilding,
        &network,
        fine + updated,
        now,
        &secret,
        &limits,
    );
    eprintln!("{summary}");
    match code {
        Some(code) => code,
        None if failed > 0 => exit::SOME_FAILED,
        None => exit::ALL_FINE,
    }
}

/// How a source that gave something ends this run.
enum Settled {
    UpToDate,
    /// Applied: what to say about it.
    Updated(String),
}

/// Applies what a source gave to the merged catalogue (loaded when it gave a feed), and keeps
/// its body and validators when the feed is accepted.
#[allow(clippy::too_many_arguments)]
fn settle(
    got: Got,
    source: &Source,
    known: &mut SourceState,
    merged: Option<&mut Merged>,
    folder: &Folder,
    rebuilding: bool,
    network: &Network,
    limits: &Limits,
) -> Result<Settled, Failure> {
    let Got::Checked(got) = got else {
        return Ok(Settled::UpToDate);
    };
    let Fed {
        checked,
        bytes,
        etag,
        modified,
        cached,
    } = *got;
    let hub = merged.expect("loaded for a feed");
    let (name, sequence) = checked
        .document
        .feed
        .as_ref()
        .map(|h| (h.name.clone(), h.sequence))
        .unwrap_or_default();
    let applied = check::apply(
        checked,
        known,
        &mut hub.catalogue,
        &mut hub.bytes,
        rebuilding,
        network,
        limits,
    )?;
    // A file is its own cache.
    if !cached && matches!(source, Source::Url(_)) {
        if let Err(message) = state::write_atomically(&folder.body_path(source.name()), &bytes) {
            eprintln!("{message}");
        }
    }
    known.etag = etag;
    known.modifie = modified;
    let Applied::Merged {
        changed,
        refused,
        first_refusal,
    } = applied
    else {
        return Ok(Settled::UpToDate);
    };
    hub.changed |= changed > 0;
    let what = if changed == 0 {
        "rien de nouveau".to_owned()
    } else {
        count(
            changed,
            "fiche nouvelle ou modifiée",
            "fiches nouvelles ou modifiées",
        )
    };
    let mut text = format!("mis à jour (flux n° {sequence} de « {name} », {what})");
    if let Some(first) = first_refusal {
        text.push_str(&format!(
            " ; {} : {first}",
            count(refused, "version refusée", "versions refusées")
        ));
    }
    Ok(Settled::Updated(text))
}

/// Asks the sources of `chunk` not `waiting`, `parallel` at a time, and checks what they give.
#[allow(clippy::too_many_arguments)]
fn gather(
    chunk: &[Source],
    waiting: &[Option<Failure>],
    state: &State,
    folder: &Folder,
    agent: &ureq::Agent,
    rebuilding: bool,
    limits: &Limits,
    parallel: usize,
) -> Vec<Option<Result<Got, Failure>>> {
    let results: Vec<Mutex<Option<Result<Got, Failure>>>> =
        chunk.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(source) = chunk.get(i) else { break };
        if waiting[i].is_some() {
            continue;
        }
        let none = SourceState::default();
        let known = state.sources.get(source.name()).unwrap_or(&none);
        let got = fetch::fetch(
            agent,
            source,
            known,
            &folder.body_path(source.name()),
            rebuilding,
            limits.max_bytes,
        )
        .and_then(|fetched| match fetched {
            Fetched::NotModified => Ok(Got::NotModified),
            Fetched::Body {
                bytes,
                etag,
                modified,
                cached,
            } => check::check(&bytes, limits).map(|checked| {
                Got::Checked(Box::new(Fed {
                    checked,
                    bytes,
                    etag,
                    modified,
                    cached,
                }))
            }),
        });
        *results[i].lock().expect("no worker panics holding it") = Some(got);
    };
    std::thread::scope(|scope| {
        for _ in 0..parallel.min(chunk.len()) {
            scope.spawn(work);
        }
    });
    results
        .into_iter()
        .map(|slot| slot.into_inner().expect("no worker panicked"))
        .collect()
}

/// The merged catalogue so far: empty when it is being rebuilt, else read back from the state
/// folder through the door; vouching for the centres the network's list names, as a browser
/// holding that list does.
fn load(
    folder: &Folder,
    rebuilding: bool,
    network: &Network,
    limits: &Limits,
) -> Result<Merged, String> {
    if rebuilding {
        return Ok(Merged {
            catalogue: Catalogue {
                vouched: network.vouched.clone(),
                ..Catalogue::default()
            },
            bytes: record_bytes(&Catalogue::default()),
            changed: true,
        });
    }
    let path = folder.catalogue_path();
    let bytes = std::fs::read(&path).map_err(|e| {
        format!(
            "Le catalogue du relais {} est illisible : {e}",
            path.display()
        )
    })?;
    let document = read_document(&bytes, limits).map_err(|problems| {
        format!(
            "Le catalogue du relais {} est refusé par la porte ({}) : supprimez-le, le relais \
             le refera depuis les flux.",
            path.display(),
            problems
                .list
                .first()
                .map(ToString::to_string)
                .unwrap_or_default()
        )
    })?;
    let mut catalogue = document.catalogue;
    catalogue.vouched = network.vouched.clone();
    Ok(Merged {
        bytes: record_bytes(&catalogue),
        catalogue,
        changed: false,
    })
}

/// Writes the hub's feed (and the merged catalogue and the state) when anything changed, or the
/// output is missing or named otherwise. `None` when all went well (or nothing needed writing),
/// else the exit code.
#[allow(clippy::too_many_arguments)]
fn write_output(
    options: &Options,
    folder: &Folder,
    state: &mut State,
    merged: Option<Merged>,
    rebuilding: bool,
    network: &Network,
    sources_read: usize,
    now: u64,
    secret: &[u8; 32],
    limits: &Limits,
) -> Option<u8> {
    let path = options.output.display().to_string();
    let same_output = state.sortie.as_ref().is_some_and(|s| {
        s.editeur == options.publisher && s.nom == options.name && s.chemin == path
    }) && options.output.exists();
    let changed = merged.as_ref().is_some_and(|m| m.changed);
    if !changed && same_output {
        if let Err(message) = folder.save(state) {
            eprintln!("{message}");
            return Some(exit::NOTHING_WRITTEN);
        }
        eprintln!(
            "Flux du relais inchangé : {path} (n° {})",
            state.sortie.as_ref().map_or(0, |s| s.sequence)
        );
        return None;
    }
    let merged = match merged {
        Some(merged) => merged,
        None => match load(folder, rebuilding, network, limits) {
            Ok(merged) => merged,
            Err(message) => {
                eprintln!("{message}");
                return Some(exit::NOTHING_WRITTEN);
            }
        },
    };
    if sources_read == 0 && rebuilding {
        let _ = folder.save(state);
        eprintln!("Aucune source n'a pu être lue : rien n'est écrit.");
        return Some(exit::NOTHING_WRITTEN);
    }
    let sequence = next_sequence(state.sortie.as_ref().map(|s| s.sequence), now);
    let published = clock::utc(now);
    let mut header = FeedHeader::new(
        &options.publisher,
        &options.name,
        FeedKind::Hub,
        sequence,
        &published,
    );
    sign_feed(secret, &mut header);
    let counts = (
        merged.catalogue.centres.len(),
        merged.catalogue.prototypes.len(),
        merged.catalogue.ratings.len(),
    );
    let mut document = Document {
        exported_at: Some(published),
        exported_by: None,
        catalogue: merged.catalogue,
        feed: Some(header),
        extra: Default::default(),
    };
    // The feed first: if it cannot be written, neither the catalogue nor the state moves, and
    // the next run does the same work again.
    if let Err(message) = state::write_atomically(&options.output, &export(&document)) {
        eprintln!("{message}");
        return Some(exit::NOTHING_WRITTEN);
    }
    if merged.changed || rebuilding {
        document.feed = None;
        if let Err(message) = state::write_atomically(&folder.catalogue_path(), &export(&document))
        {
            eprintln!("{message}");
            return Some(exit::NOTHING_WRITTEN);
        }
    }
    state.sortie = Some(OutputState {
        sequence,
        editeur: options.publisher.clone(),
        nom: options.name.clone(),
        chemin: path.clone(),
    });
    if let Err(message) = folder.save(state) {
        eprintln!("{message}");
        return Some(exit::NOTHING_WRITTEN);
    }
    eprintln!(
        "Flux du relais écrit : {path} (n° {sequence} ; {}, {}, {})",
        count(counts.0, "centre", "centres"),
        count(counts.1, "prototype", "prototypes"),
        count(counts.2, "rapport d'expérience", "rapports d'expérience")
    );
    None
}

//! Getting a source's bytes: over HTTP with conditional requests (`If-None-Match`,
//! `If-Modified-Since` from the last good answer), or from a file (its date and size play the
//! validators' part). Nothing here reads the bytes: that is the door's work.

use super::failure::Failure;
use super::sources::Source;
use super::state::SourceState;
use std::path::Path;
use std::time::Duration;

/// What asking a source gave.
pub enum Fetched {
    /// The host answered 304, or the file has not changed: what was applied last time stands.
    NotModified,
    /// A body, with the validators to send next time. `cached` when it is the last good body,
    /// given again after a 304.
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
        modified: Option<String>,
        cached: bool,
    },
}

/// The hub's HTTP client: one per run, shared by the threads.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .timeout_connect(Some(Duration::from_secs(20)))
        .max_redirects(5)
        .user_agent(concat!("prototheque-relais/", env!("CARGO_PKG_VERSION")))
        .accept("application/json")
        .build()
        .into()
}

/// Asks `source` for its feed. `known` holds the validators of the last good answer;
/// `cached_body` is where that answer's body was kept, and `need_body` says that a 304 must still
/// give a body (the hub's catalogue is being rebuilt).
pub fn fetch(
    agent: &ureq::Agent,
    source: &Source,
    known: &SourceState,
    cached_body: &Path,
    need_body: bool,
    max_bytes: usize,
) -> Result<Fetched, Failure> {
    match source {
        Source::Url(url) => {
            let url = crate::exchange::feed::feed_address(url).map_err(Failure::Address)?;
            let cached = || -> Option<Vec<u8>> { std::fs::read(cached_body).ok() };
            let conditional = !need_body || cached_body.exists();
            match http(agent, &url, known, conditional, max_bytes)? {
                Fetched::NotModified if need_body => match cached() {
                    Some(bytes) => Ok(Fetched::Body {
                        bytes,
                        etag: known.etag.clone(),
                        modified: known.modifie.clone(),
                        cached: true,
                    }),
                    // The cached copy went missing meanwhile: ask again, plainly.
                    None => http(agent, &url, known, false, max_bytes),
                },
                other => Ok(other),
            }
        }
        Source::File { path, .. } => file(path, known, need_body, max_bytes),
    }
}

fn http(
    agent: &ureq::Agent,
    url: &str,
    known: &SourceState,
    conditional: bool,
    max_bytes: usize,
) -> Result<Fetched, Failure> {
    let mut request = agent.get(url);
    if conditional {
        if let Some(etag) = &known.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(modified) = &known.modifie {
            request = request.header("If-Modified-Since", modified);
        }
    }
    let mut response = request.call().map_err(network)?;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    match status {
        304 => Ok(Fetched::NotModified),
        200 => {
            let (etag, modified) = (header("etag"), header("last-modified"));
            if header("content-length")
                .and_then(|l| l.trim().parse::<u64>().ok())
                .is_some_and(|l| l > max_bytes as u64)
            {
                return Err(Failure::TooBig { limit: max_bytes });
            }
            let bytes = response
                .body_mut()
                .with_config()
                .limit(max_bytes as u64)
                .read_to_vec()
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(_) => Failure::TooBig { limit: max_bytes },
                    other => network(other),
                })?;
            Ok(Fetched::Body {
                bytes,
                etag,
                modified,
                cached: false,
            })
        }
        404 | 410 => Err(Failure::NotFound(format!("code HTTP {status}"))),
        500..=599 => Err(Failure::HostDown(format!("code HTTP {status}"))),
        other => Err(Failure::Refused(other)),
    }
}

/// A network-level failure, said in French.
fn network(error: ureq::Error) -> Failure {
    let why = match &error {
        ureq::Error::HostNotFound => "nom de site introuvable".to_owned(),
        ureq::Error::ConnectionFailed => "connexion impossible".to_owned(),
        ureq::Error::Timeout(_) => "délai dépassé".to_owned(),
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
            "trop de redirections".to_owned()
        }
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connexion refusée".to_owned()
        }
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
            format!("certificat ou chiffrement refusé : {error}")
        }
        other => format!("erreur réseau : {other}"),
    };
    Failure::HostDown(why)
}

fn file(
    path: &Path,
    known: &SourceState,
    need_body: bool,
    max_bytes: usize,
) -> Result<Fetched, Failure> {
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Failure::NotFound(format!("le fichier {} n'existe pas", path.display()))
        }
        _ => Failure::Io(format!("{} : {e}", path.display())),
    })?;
    if metadata.len() > max_bytes as u64 {
        return Err(Failure::TooBig { limit: max_bytes });
    }
    let stamp = metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| format!("{}.{:09} {}", d.as_secs(), d.subsec_nanos(), metadata.len()));
    if !need_body && stamp.is_some() && stamp == known.modifie {
        return Ok(Fetched::NotModified);
    }
    let bytes =
        std::fs::read(path).map_err(|e| Failure::Io(format!("{} : {e}", path.display())))?;
    Ok(Fetched::Body {
        bytes,
        etag: None,
        modified: stamp,
        cached: false,
    })
}

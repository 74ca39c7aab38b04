//! The hub command (`prototheque-relais`, `src/relay/`): run as a program over feed files on disk
//! and over a loopback HTTP server started here; and the law that subscribing to the hub's file
//! gives the catalogue that subscribing to every centre's feed gives.

use prototheque::exchange::feed::{centre_feed, FeedKind};
use prototheque::exchange::signing::{sign_in, to_sign};
use prototheque::exchange::{
    admit, merge_admitted, read_document, record_bytes, signature_checks, with_edit, Admitted,
    Document, Limits, NetworkKeys, Verdicts,
};
use prototheque::model::Catalogue;
use prototheque::native_crypto::{public_of, sign, verify, verify_feed};
use prototheque::synth::feeds::{
    centre_feed_file, feed_file, file_name, secret_of, signed_catalogue,
};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

const SEED: u64 = 5;
const SEQUENCE: u64 = 1_780_000_000;

/// A fresh folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("prototheque-relais-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the hub with `sources` listed, in `dir`; gives the exit code and what it printed.
fn relais(dir: &Path, sources: &[String], more: &[&str]) -> (i32, String) {
    std::fs::write(
        dir.join("sources.txt"),
        format!("# sources du test\n{}\n", sources.join("\n")),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_prototheque-relais"))
        .arg("--sources")
        .arg(dir.join("sources.txt"))
        .arg("--sortie")
        .arg(dir.join("public/relais.json"))
        .arg("--etat")
        .arg(dir.join("etat"))
        .args(["--editeur", "relais-test", "--nom", "Relais du test"])
        .args(more)
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "progress goes to stderr");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn output(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("public/relais.json")).unwrap()
}

/// The line the hub printed about `source`.
fn line<'a>(stderr: &'a str, source: &str) -> &'a str {
    stderr
        .lines()
        .find(|l| l.contains(&format!("] {source} : ")))
        .unwrap_or_else(|| panic!("no line for {source} in:\n{stderr}"))
}

/// A feed's versions' signatures checked, then admitted into `stored`, as a browser does.
fn admitted(stored: &Catalogue, document: Document, network: &NetworkKeys) -> Admitted {
    let checks = signature_checks(&document.catalogue);
    let held: Vec<bool> = checks
        .iter()
        .map(|c| verify(&c.key, &c.message, &c.signature))
        .collect();
    admit(
        stored,
        document.catalogue,
        &Verdicts::of(&checks, &held),
        network,
    )
}

/// What a browser that subscribes to `feeds`, in this order, holds: each feed's header checked,
/// then admitted and merged.
fn subscribed(feeds: &[&[u8]]) -> Catalogue {
    subscribed_in(feeds, &NetworkKeys::default())
}

/// [`subscribed`] for a browser holding a network's list that gives `network`'s keys (and so
/// vouches for its centres).
fn subscribed_in(feeds: &[&[u8]], network: &NetworkKeys) -> Catalogue {
    let limits = Limits::default();
    let mut catalogue = Catalogue {
        vouched: network.centres.keys().cloned().collect(),
        ..Catalogue::default()
    };
    for bytes in feeds {
        let document = read_document(bytes, &limits).unwrap();
        if !verify_feed(document.feed.as_ref().expect("a feed")) {
            continue;
        }
        let admitted = admitted(&catalogue, document, network);
        let bytes = record_bytes(&catalogue);
        catalogue = merge_admitted(catalogue, bytes, &admitted, &limits).unwrap();
    }
    catalogue.vouched.clear();
    catalogue
}

/// The feeds of a small network: every centre's, plus (for the law) a centre that edits its
/// prototype in a second publication, and a feed that carries a version forged in another
/// centre's name.
struct Network {
    catalogue: Catalogue,
    feeds: BTreeMap<String, Vec<u8>>,
}

fn network(centres: usize) -> Network {
    let catalogue = signed_catalogue(centres, 3, SEED);
    let feeds = catalogue
        .centres
        .keys()
        .map(|id| (id.clone(), centre_feed_file(&catalogue, id, SEQUENCE, SEED)))
        .collect();
    Network { catalogue, feeds }
}

/// `centre`'s catalogue after it edited the title of its first prototype, signed.
fn edited(catalogue: &Catalogue, centre: &str, title: &str) -> Catalogue {
    let mut catalogue = catalogue.clone();
    let (id, record) = catalogue
        .prototypes
        .iter()
        .find(|(_, r)| r.winner().body.as_ref().is_some_and(|p| p.centre == centre))
        .map(|(id, r)| (id.clone(), r.clone()))
        .unwrap();
    let mut body = record.winner().body.clone().unwrap();
    body.title = title.into();
    catalogue.prototypes.insert(
        id,
        with_edit(Some(&record), centre, "2026-06-02T10:00:00Z", Some(body)),
    );
    let secret = secret_of(centre, SEED);
    for item in to_sign(&catalogue, centre, &[]) {
        sign_in(
            &mut catalogue,
            &item,
            &public_of(&secret),
            &sign(&secret, &item.message),
        );
    }
    catalogue
}

/// A feed of `centre` that also carries a version of `victim`'s prototype, signed by `centre`.
fn squatting(catalogue: &Catalogue, centre: &str, victim: &str) -> Vec<u8> {
    let mut feed = centre_feed(catalogue, centre);
    let (id, record) = catalogue
        .prototypes
        .iter()
        .find(|(_, r)| r.winner().body.as_ref().is_some_and(|p| p.centre == victim))
        .map(|(id, r)| (id.clone(), r.clone()))
        .unwrap();
    let mut body = record.winner().body.clone().unwrap();
    body.summary = "Réécrit par un autre centre.".into();
    let mut forged = with_edit(Some(&record), centre, "2026-06-02T10:00:00Z", Some(body));
    let secret = secret_of(centre, SEED);
    let message = prototheque::exchange::signing::message(
        prototheque::exchange::EntityKind::Prototype,
        &id,
        &forged.heads[0],
    );
    prototheque::exchange::signing::attach(
        &mut forged.heads[0],
        &public_of(&secret),
        &sign(&secret, &message),
    );
    feed.prototypes.insert(id, forged);
    feed.centres.extend(
        catalogue
            .centres
            .iter()
            .filter(|(id, _)| *id == victim)
            .map(|(id, r)| (id.clone(), r.clone())),
    );
    let name = format!("Centre {centre}");
    feed_file(feed, centre, &name, FeedKind::Centre, SEQUENCE + 5, &secret)
}

#[test]
fn the_hub_merges_feed_files_and_its_output_is_a_signed_hub_feed() {
    let dir = folder("fichiers");
    let net = network(6);
    let mut sources = Vec::new();
    for (id, bytes) in &net.feeds {
        let path = dir.join("flux").join(file_name(id));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        sources.push(format!("flux/{}", file_name(id)));
    }
    sources.push("flux/absent.json".into());
    let (code, stderr) = relais(&dir, &sources, &[]);
    assert_eq!(code, 2, "written, one source failed:\n{stderr}");
    assert!(line(&stderr, "flux/absent.json").contains("échec — Aucun flux à cette adresse"));
    assert!(line(&stderr, &sources[0]).contains("mis à jour"));
    assert!(stderr.contains("Clé du relais créée"));

    let first = output(&dir);
    let doc = read_document(&first, &Limits::default()).expect("the output opens");
    let header = doc.feed.as_ref().unwrap();
    assert_eq!(header.kind, FeedKind::Hub);
    assert_eq!(
        (header.publisher.as_str(), header.name.as_str()),
        ("relais-test", "Relais du test")
    );
    assert!(verify_feed(header), "the header is signed by the hub's key");
    assert_eq!(
        doc.catalogue, net.catalogue,
        "every centre's work, each version its author's"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("etat/cle-relais"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the hub's key is its owner's alone");
    }

    // Nothing changed: the output stays as it was (the same bytes, so a CDN's ETag holds).
    let (code, stderr) = relais(&dir, &sources, &["--forcer"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(line(&stderr, &sources[0]).ends_with(": à jour"), "{stderr}");
    assert!(stderr.contains("Flux du relais inchangé"));
    assert_eq!(output(&dir), first);
    // Without --forcer, the failing source waits for its back-off.
    let (code, stderr) = relais(&dir, &sources, &[]);
    assert_eq!(code, 2);
    assert!(
        line(&stderr, "flux/absent.json").contains("Nouvel essai après le"),
        "{stderr}"
    );

    // A centre publishes an edit: merged, a new output with a higher sequence.
    let centre = net.feeds.keys().nth(1).unwrap().clone();
    let edited = edited(&net.catalogue, &centre, "Titre changé par le centre");
    std::fs::write(
        dir.join("flux").join(file_name(&centre)),
        centre_feed_file(&edited, &centre, SEQUENCE + 1, SEED),
    )
    .unwrap();
    let without_absent = &sources[..sources.len() - 1];
    let (code, stderr) = relais(&dir, without_absent, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        line(&stderr, &format!("flux/{}", file_name(&centre)))
            .contains("1 fiche nouvelle ou modifiée"),
        "{stderr}"
    );
    let second = read_document(&output(&dir), &Limits::default()).unwrap();
    assert!(second.feed.as_ref().unwrap().sequence > header.sequence);
    assert_eq!(second.catalogue, subscribed(&[&first, &output(&dir)]));
    assert!(second.catalogue.prototypes.values().any(|r| r
        .winner()
        .body
        .as_ref()
        .is_some_and(|p| p.title == "Titre changé par le centre")));

    // Rollback, forgery, another key: refused, nothing changes.
    let before = output(&dir);
    let path = |i: usize| {
        dir.join("flux")
            .join(file_name(net.feeds.keys().nth(i).unwrap()))
    };
    std::fs::write(path(1), &net.feeds[&centre]).unwrap(); // its older publication
    let forged = String::from_utf8(net.feeds.values().nth(2).unwrap().clone())
        .unwrap()
        .replacen(
            &format!("\"sequence\": {SEQUENCE}"),
            &format!("\"sequence\": {}", SEQUENCE + 9),
            1,
        );
    std::fs::write(path(2), forged).unwrap();
    let third = net.feeds.keys().nth(3).unwrap();
    let other_key = feed_file(
        centre_feed(&net.catalogue, third),
        third,
        "Centre usurpé",
        FeedKind::Centre,
        SEQUENCE + 1,
        &[42; 32],
    );
    std::fs::write(path(3), other_key).unwrap();
    std::fs::write(path(4), b"{\"format\": \"autre-chose\"}").unwrap();
    let (code, stderr) = relais(&dir, without_absent, &[]);
    assert_eq!(code, 2, "{stderr}");
    let said = |i: usize| line(&stderr, &without_absent[i]).to_owned();
    assert!(
        said(1).contains(
            "Ce flux est plus ancien que celui déjà reçu (numéro 1780000000, déjà reçu 1780000001)"
        ),
        "{stderr}"
    );
    assert!(
        said(2).contains("La signature de ce flux n'est pas valide"),
        "{stderr}"
    );
    assert!(
        said(3).contains("Attention : ce flux est signé par une autre clé que celle enregistrée"),
        "{stderr}"
    );
    assert!(
        said(4).contains("Ce fichier n'est pas un flux Prototèque"),
        "{stderr}"
    );
    assert!(said(0).ends_with(": à jour"));
    assert_eq!(output(&dir), before, "nothing is written for refused feeds");
}

#[test]
fn bad_usage_and_help() {
    let bin = env!("CARGO_BIN_EXE_prototheque-relais");
    let help = Command::new(bin).arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    assert!(text.contains("Codes de sortie"), "{text}");
    for (code, meaning) in [
        ("0", "toutes les sources"),
        ("1", "mauvaise utilisation"),
        ("2", "des sources sont en échec"),
        ("3", "rien n'a été écrit"),
    ] {
        assert!(
            text.contains(&format!("  {code}  ")) && text.contains(meaning),
            "{code}"
        );
    }
    let bad = Command::new(bin).arg("--inconnue").output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8(bad.stderr)
        .unwrap()
        .contains("Option inconnue"));
    let dir = folder("usage");
    let (code, stderr) = relais(&dir, &[], &[]);
    assert_eq!(code, 1, "an empty list is bad usage: {stderr}");
    let (code, stderr) = relais(&dir, &["absent.json".into()], &[]);
    assert_eq!(code, 3, "nothing read, nothing written: {stderr}");
    assert!(!dir.join("public/relais.json").exists());
}

/// What the loopback host serves at a path, and what it saw.
#[derive(Default)]
struct Host {
    files: BTreeMap<String, (u16, Vec<u8>)>,
    /// (path, conditional, status) for every request.
    requests: Vec<(String, bool, u16)>,
}

/// A loopback HTTP/1.1 host: ETag and Last-Modified on every 200 (from the body), 304 on
/// `If-None-Match` or `If-Modified-Since` that match, the status given for each path.
fn serve(host: Arc<Mutex<Host>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
            let mut headers = BTreeMap::new();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = header.split_once(':') {
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                }
            }
            let mut host = host.lock().unwrap();
            let (status, body) = host
                .files
                .get(&path)
                .cloned()
                .unwrap_or((404, b"absent".to_vec()));
            let tag = format!(
                "\"{:x}\"",
                body.iter()
                    .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b)))
            );
            let modified = format!("Mon, 01 Jun 2026 10:{:02}:00 GMT", body.len() % 60);
            let conditional =
                headers.contains_key("if-none-match") || headers.contains_key("if-modified-since");
            // RFC 9110: If-Modified-Since counts only without If-None-Match.
            let fresh = match headers.get("if-none-match") {
                Some(t) => *t == tag,
                None => headers
                    .get("if-modified-since")
                    .is_some_and(|m| *m == modified),
            };
            let status = if status == 200 && fresh { 304 } else { status };
            host.requests.push((path, conditional, status));
            drop(host);
            let reason = match status {
                200 => "OK",
                304 => "Not Modified",
                404 => "Not Found",
                _ => "Error",
            };
            let mut head = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
            if status == 200 || status == 304 {
                head += &format!(
                    "ETag: {tag}\r\nLast-Modified: {modified}\r\nCache-Control: no-cache\r\n"
                );
            }
            let body: &[u8] = if status == 304 { b"" } else { &body };
            head += &format!(
                "Content-Length: {}\r\n\r\n",
                if status == 304 { 0 } else { body.len() }
            );
            let _ = stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.write_all(body));
        }
    });
    address
}

#[test]
fn the_hub_over_http_asks_conditionally_and_says_what_failed() {
    let dir = folder("http");
    let net = network(5);
    let ids: Vec<&String> = net.feeds.keys().collect();
    let host = Arc::new(Mutex::new(Host::default()));
    {
        let mut h = host.lock().unwrap();
        for id in &ids {
            h.files
                .insert(format!("/{}", file_name(id)), (200, net.feeds[*id].clone()));
        }
        h.files
            .insert("/panne.json".into(), (500, b"panne".to_vec()));
        // Forged: its header changed after signing.
        let forged = String::from_utf8(net.feeds[ids[4]].clone())
            .unwrap()
            .replacen("\"nature\": \"centre\"", "\"nature\": \"relais\"", 1);
        h.files.insert(
            format!("/{}", file_name(ids[4])),
            (200, forged.into_bytes()),
        );
    }
    let base = serve(host.clone());
    let mut sources: Vec<String> = ids
        .iter()
        .map(|id| format!("{base}/{}", file_name(id)))
        .collect();
    sources.push(format!("{base}/absent.json"));
    sources.push(format!("{base}/panne.json"));
    sources.push("http://example.org/prototheque-flux-x.json".into());

    let (code, stderr) = relais(&dir, &sources, &[]);
    assert_eq!(code, 2, "{stderr}");
    let said = |stderr: &str, i: usize| line(stderr, &sources[i]).to_owned();
    for i in 0..4 {
        assert!(said(&stderr, i).contains("mis à jour"), "{stderr}");
    }
    assert!(
        said(&stderr, 4).contains("La signature de ce flux n'est pas valide"),
        "{stderr}"
    );
    assert!(
        said(&stderr, 5).contains("Aucun flux à cette adresse (code HTTP 404)"),
        "{stderr}"
    );
    assert!(
        said(&stderr, 6).contains("Le site qui héberge ce flux ne répond pas (code HTTP 500)"),
        "{stderr}"
    );
    assert!(
        said(&stderr, 7).contains("ne lit que les flux en https://"),
        "{stderr}"
    );
    let first = output(&dir);
    let expected = subscribed(
        &ids[..4]
            .iter()
            .map(|id| net.feeds[*id].as_slice())
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        read_document(&first, &Limits::default()).unwrap().catalogue,
        expected
    );
    {
        let h = host.lock().unwrap();
        assert_eq!(h.requests.len(), 7, "the address refused is never asked");
        assert!(h.requests.iter().all(|(_, conditional, _)| !conditional));
    }

    // Second run: only conditional requests for what was fetched, 304s, the same output.
    host.lock().unwrap().requests.clear();
    let (code, stderr) = relais(&dir, &sources, &["--forcer"]);
    assert_eq!(code, 2, "{stderr}");
    for i in 0..4 {
        assert!(said(&stderr, i).ends_with(": à jour"), "{stderr}");
    }
    assert_eq!(
        output(&dir),
        first,
        "the same merged content, the file untouched"
    );
    {
        let h = host.lock().unwrap();
        let good: Vec<_> = h
            .requests
            .iter()
            .filter(|(p, _, _)| {
                ids[..4]
                    .iter()
                    .any(|id| *p == format!("/{}", file_name(id)))
            })
            .collect();
        assert_eq!(good.len(), 4);
        assert!(
            good.iter()
                .all(|(_, conditional, status)| *conditional && *status == 304),
            "{good:?}"
        );
        // What failed is asked again in full.
        assert!(h
            .requests
            .iter()
            .filter(|(p, _, _)| p == "/panne.json")
            .all(|(_, c, _)| !c));
    }

    // A host serving an older sequence than the one received: rollback, nothing changes.
    let older = centre_feed_file(&net.catalogue, ids[0], SEQUENCE - 1, SEED);
    host.lock()
        .unwrap()
        .files
        .insert(format!("/{}", file_name(ids[0])), (200, older));
    let (code, stderr) = relais(&dir, &sources, &["--forcer"]);
    assert_eq!(code, 2);
    assert!(
        said(&stderr, 0).contains("Ce flux est plus ancien que celui déjà reçu"),
        "{stderr}"
    );
    assert_eq!(output(&dir), first);

    // The catalogue lost from the state folder: rebuilt from the cached bodies after 304s.
    std::fs::remove_file(dir.join("etat/catalogue.json")).unwrap();
    host.lock().unwrap().files.insert(
        format!("/{}", file_name(ids[0])),
        (200, net.feeds[ids[0]].clone()),
    );
    host.lock().unwrap().requests.clear();
    let (_, stderr) = relais(&dir, &sources, &["--forcer"]);
    let rebuilt = read_document(&output(&dir), &Limits::default()).unwrap();
    assert_eq!(rebuilt.catalogue, expected, "{stderr}");
    assert!(host
        .lock()
        .unwrap()
        .requests
        .iter()
        .filter(|(_, c, _)| *c)
        .all(|(_, _, s)| *s == 304));
}

/// The law: the hub's output, read back through the door, holds what a browser subscribed to
/// every centre gets, whatever the order; and a browser subscribed to the hub gets the same.
#[test]
fn subscribing_to_the_hub_is_subscribing_to_every_centre() {
    let dir = folder("loi");
    let net = network(8);
    let ids: Vec<String> = net.feeds.keys().cloned().collect();
    let mut feeds: Vec<Vec<u8>> = net.feeds.values().cloned().collect();
    // A centre published twice (the hub sees only the second; a direct subscriber both).
    let edited = edited(&net.catalogue, &ids[2], "Nouveau titre");
    let republished = centre_feed_file(&edited, &ids[2], SEQUENCE + 1, SEED);
    // A feed that carries a version forged in another centre's name.
    let squat = squatting(&net.catalogue, &ids[5], &ids[6]);
    feeds[5] = squat.clone();
    let mut sources = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let bytes = if i == 2 { &republished } else { &feeds[i] };
        std::fs::write(dir.join(file_name(id)), bytes).unwrap();
        sources.push(file_name(id));
    }
    let (code, stderr) = relais(&dir, &sources, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        line(&stderr, &sources[5]).contains("1 version refusée"),
        "{stderr}"
    );
    let hub = output(&dir);
    let through_hub = read_document(&hub, &Limits::default()).unwrap().catalogue;

    let mut direct: Vec<&[u8]> = feeds.iter().map(Vec::as_slice).collect();
    direct.push(&republished);
    let forward = subscribed(&direct);
    direct.reverse();
    let backward = subscribed(&direct);
    assert_eq!(
        forward, backward,
        "the order feeds arrive in does not matter"
    );
    assert_eq!(
        through_hub, forward,
        "the hub holds what every centre's feed gives"
    );
    assert_eq!(
        subscribed(&[&hub]),
        forward,
        "subscribing to the hub gives the same"
    );
    assert!(
        !forward.prototypes.values().flat_map(|r| &r.heads).any(|v| v
            .body
            .as_ref()
            .is_some_and(|p| p.summary == "Réécrit par un autre centre."))
    );
}

/// « Ce flux est trop volumineux »: told by the announced length, or by the bytes themselves.
#[test]
fn a_feed_past_the_size_limit_is_not_read() {
    use prototheque::relay::failure::Failure;
    use prototheque::relay::fetch::{agent, fetch};
    use prototheque::relay::sources::Source;
    use prototheque::relay::state::SourceState;
    let host = Arc::new(Mutex::new(Host::default()));
    host.lock()
        .unwrap()
        .files
        .insert("/gros.json".into(), (200, vec![b' '; 5_000]));
    let base = serve(host.clone());
    let dir = folder("taille");
    let cache = dir.join("corps.json");
    let known = SourceState::default();
    let url = Source::Url(format!("{base}/gros.json"));
    let too_big = fetch(&agent(), &url, &known, &cache, false, 4_000)
        .err()
        .unwrap();
    assert_eq!(too_big, Failure::TooBig { limit: 4_000 });
    assert!(Failure::TooBig { limit: 128 << 20 }
        .message()
        .starts_with("Ce flux est trop volumineux : plus de 128 Mo"));
    let path = dir.join("gros.json");
    std::fs::write(&path, vec![b' '; 5_000]).unwrap();
    let file = Source::File {
        written: "gros.json".into(),
        path,
    };
    assert!(matches!(
        fetch(&agent(), &file, &known, &cache, false, 4_000),
        Err(Failure::TooBig { .. })
    ));
}

/// With the network's list (`--reseau`): the directory's feeds are read as sources, and a listed
/// centre is pinned to the list's keys from its first feed, so a feed that an impostor signed
/// with a key of its own, met first, is refused and cannot lock the centre out.
#[test]
fn the_network_list_gives_sources_and_pins_its_centres_keys() {
    use prototheque::exchange::b64;
    use prototheque::relay::network::of_list;
    use prototheque::relay::options::Options;
    use prototheque::synth::feeds::key_of;
    let dir = folder("reseau");
    let net = network(5);
    let ids: Vec<String> = net.feeds.keys().cloned().collect();
    for (id, bytes) in &net.feeds {
        std::fs::create_dir_all(dir.join("flux")).unwrap();
        std::fs::write(dir.join("flux").join(file_name(id)), bytes).unwrap();
    }
    let centres: Vec<_> = ids
        .iter()
        .map(|id| {
            serde_json::json!({
                "id": id, "nom": format!("Centre {id}"), "cles": [key_of(id, SEED)],
                "flux": format!("flux/{}", file_name(id)),
            })
        })
        .collect();
    let list = serde_json::json!({
        "format": "prototheque-reseau", "version": "1.0", "nom": "Réseau du test",
        "publie_le": "2026-06-01T10:00:00Z", "sequence": 3, "illustratif": true,
        "centres": centres,
        "signature": { "cle": key_of("reseau", SEED), "valeur": b64::encode(&[0; 64]) },
    });
    let list = prototheque::exchange::read_network(list.to_string().as_bytes()).unwrap();
    let place = dir.join("reseau.json").display().to_string();
    let network = of_list(&list, &place);
    assert_eq!(network.feeds.len(), 5);

    // An impostor publishes centre-0001's feed with its own key, listed in a forged record.
    let victim = &ids[1];
    let mut forged = net.catalogue.clone();
    for version in &mut forged.centres.get_mut(victim).unwrap().heads {
        version.body.as_mut().unwrap().keys = vec![b64::encode(&public_of(&[42; 32]))];
        version.signature = None;
    }
    for item in to_sign(&forged, victim, &[]) {
        sign_in(
            &mut forged,
            &item,
            &public_of(&[42; 32]),
            &sign(&[42; 32], &item.message),
        );
    }
    let impostor = feed_file(
        centre_feed(&forged, victim),
        victim,
        "Imposteur",
        FeedKind::Centre,
        SEQUENCE + 1,
        &[42; 32],
    );
    std::fs::write(dir.join("intrus.json"), &impostor).unwrap();
    std::fs::write(dir.join("sources.txt"), "intrus.json\n").unwrap();

    let options = Options {
        sources: Some(dir.join("sources.txt")),
        network: Some(place),
        output: dir.join("public/relais.json"),
        state: dir.join("etat"),
        key: dir.join("etat/cle-relais"),
        publisher: "relais-test".into(),
        name: "Relais du test".into(),
        parallel: 2,
        force: false,
    };
    let code = prototheque::relay::run_with(&options, |_, last| {
        assert_eq!(last, 0);
        Ok(network.clone())
    });
    assert_eq!(code, 2, "the impostor's feed failed, the rest was written");
    let hub = output(&dir);
    let through_hub = read_document(&hub, &Limits::default()).unwrap().catalogue;
    let genuine: Vec<&[u8]> = net.feeds.values().map(Vec::as_slice).collect();
    assert_eq!(through_hub, subscribed_in(&genuine, &network.keys));
    assert_eq!(
        through_hub, net.catalogue,
        "the victim's own record, its own key"
    );
    // What a browser holding the list gets from the impostor first, then the centres: the same.
    let mut with_impostor = vec![impostor.as_slice()];
    with_impostor.extend(&genuine);
    assert_eq!(subscribed_in(&with_impostor, &network.keys), through_hub);
    // An older list is refused.
    let older = prototheque::relay::run_with(&options, |_, last| {
        assert_eq!(last, 3, "the list's sequence is kept");
        Err("plus ancienne".into())
    });
    assert_eq!(older, 3);
}

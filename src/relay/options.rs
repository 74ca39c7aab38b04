//! The command line, in French: options, `--help`, and the exit codes.

use std::path::PathBuf;

/// Exit codes, one per outcome (stated in `--help`).
pub mod exit {
    /// Every source read (up to date or updated); the output is written and up to date.
    pub const ALL_FINE: u8 = 0;
    /// Bad usage: an unknown option, a missing one, a list of sources that cannot be read.
    pub const USAGE: u8 = 1;
    /// The output is written (or already up to date) but some sources failed.
    pub const SOME_FAILED: u8 = 2;
    /// Nothing written: the state, the key or the output could not be used, or no source gave
    /// anything.
    pub const NOTHING_WRITTEN: u8 = 3;
}

pub const HELP: &str = "\
prototheque-relais — le relais de Prototèque : lit les flux de nombreux centres, vérifie chaque
signature comme le fait l'application, et publie un seul flux fusionné (« relais ») à mettre sur
un hébergement statique. Un navigateur peut alors s'abonner au relais plutôt qu'à chaque centre.

Utilisation :
  prototheque-relais --sources <fichier> --sortie <fichier> --etat <dossier> [options]
  prototheque-relais --reseau <liste> --sortie <fichier> --etat <dossier> [options]

Options :
  --sources <fichier>   la liste des flux, un par ligne : une adresse https:// (http:// seulement
                        sur cette machine) ou un chemin de fichier (relatif au dossier de la
                        liste) ; les lignes vides et celles qui commencent par # sont ignorées
  --reseau <liste>      la liste signée du réseau (reseau.json, fichier ou adresse) : ses
                        centres et leurs clés font foi, comme dans l'application, et les flux de
                        son annuaire (champ « flux ») s'ajoutent aux sources ; il faut --sources,
                        --reseau, ou les deux
  --sortie <fichier>    le flux fusionné à publier (écrit d'un coup : jamais à moitié)
  --etat <dossier>      la mémoire du relais entre deux passages : la clé enregistrée pour chaque
                        source, les numéros déjà reçus, les validateurs HTTP (ETag,
                        Last-Modified), le catalogue fusionné ; ne pas publier
  --cle <fichier>       la clé privée du relais (par défaut <etat>/cle-relais) ; créée au premier
                        passage, lisible par son seul propriétaire : sauvegardez-la, les abonnés
                        refusent un flux signé par une autre clé
  --editeur <id>        l'identifiant du relais dans son flux (par défaut « relais »), par
                        exemple relais-hauts-de-france
  --nom <texte>         le nom du relais pour les personnes (par défaut « Relais Prototèque »)
  --paralleles <n>      nombre de flux demandés à la fois (par défaut 4, de 1 à 16)
  --forcer              essaie maintenant les sources en échec, sans attendre le délai
                        (15 min après un échec, doublé à chaque échec suivant, au plus 24 h)
  --help                affiche cette aide

Chaque passage envoie des requêtes conditionnelles (If-None-Match, If-Modified-Since) : un flux
inchangé ne coûte qu'une réponse 304. Un flux est appliqué comme un fichier importé : lu par la
porte du format, en-tête signé par l'éditeur, même clé qu'au premier passage, numéro plus grand
que le dernier reçu, chaque version signée par son auteur. Les versions gardent la signature de
leur auteur ; seul l'en-tête du flux du relais est signé par le relais. Une source en échec garde
son dernier contenu dans le flux du relais.

La progression s'affiche sur la sortie d'erreur, une ligne par source (à jour, mis à jour, échec
et sa raison).

Codes de sortie :
  0  toutes les sources ont été lues ; le flux du relais est écrit et à jour
  1  mauvaise utilisation (option inconnue ou manquante, liste des sources illisible)
  2  le flux du relais est écrit (ou déjà à jour), mais des sources sont en échec
  3  rien n'a été écrit (état, clé ou fichier de sortie inutilisables, ou aucune source lue)

Exemple (crontab, toutes les heures) :
  0 * * * * cd /srv/relais && prototheque-relais --sources sources.txt --sortie public/relais.json --etat etat/
";

/// The options of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub sources: Option<PathBuf>,
    /// The network's list (a path or an address).
    pub network: Option<String>,
    pub output: PathBuf,
    pub state: PathBuf,
    pub key: PathBuf,
    pub publisher: String,
    pub name: String,
    pub parallel: usize,
    pub force: bool,
}

/// What the command line asks.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Run(Options),
}

/// Reads the command line (without the program's name). The error is the French message.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let (mut sources, mut output, mut state, mut key) = (None, None, None, None);
    let mut network = None;
    let mut publisher = "relais".to_owned();
    let mut name = "Relais Prototèque".to_owned();
    let mut parallel = 4;
    let mut force = false;
    while let Some(arg) = args.next() {
        let (option, inline) = match arg.split_once('=') {
            Some((option, value)) if option.starts_with("--") => {
                (option.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("L'option {option} attend une valeur."))
        };
        match option.as_str() {
            "--help" | "-h" | "--aide" => return Ok(Command::Help),
            "--sources" => sources = Some(PathBuf::from(value()?)),
            "--reseau" => network = Some(value()?),
            "--sortie" => output = Some(PathBuf::from(value()?)),
            "--etat" => state = Some(PathBuf::from(value()?)),
            "--cle" => key = Some(PathBuf::from(value()?)),
            "--editeur" => {
                publisher = value()?;
                if !crate::exchange::is_valid_id(&publisher) {
                    return Err(format!(
                        "L'identifiant « {publisher} » n'est pas valide : lettres minuscules sans \
                         accent, chiffres et tirets (par exemple relais-hauts-de-france)."
                    ));
                }
            }
            "--nom" => name = value()?.trim().to_owned(),
            "--paralleles" => {
                parallel = value()?
                    .parse()
                    .ok()
                    .filter(|n| (1..=16).contains(n))
                    .ok_or("--paralleles attend un nombre de 1 à 16.")?
            }
            "--forcer" => force = true,
            _ => return Err(format!("Option inconnue : {arg}")),
        }
    }
    header_accepted(&publisher, &name)?;
    let missing = |what: &str| format!("Il manque l'option {what}.");
    let state = state.ok_or_else(|| missing("--etat <dossier>"))?;
    if sources.is_none() && network.is_none() {
        return Err(missing("--sources <fichier> (ou --reseau <liste>)"));
    }
    Ok(Command::Run(Options {
        sources,
        network,
        output: output.ok_or_else(|| missing("--sortie <fichier>"))?,
        key: key.unwrap_or_else(|| state.join("cle-relais")),
        state,
        publisher,
        name,
        parallel,
        force,
    }))
}

/// Whether the door accepts a hub feed header with this id and name (as subscribers will read
/// it): checked before any work, with the door's own message.
fn header_accepted(publisher: &str, name: &str) -> Result<(), String> {
    use crate::exchange::feed::{FeedHeader, FeedKind};
    use crate::exchange::{export, read_document, Document, Limits};
    let mut header = FeedHeader::new(publisher, name, FeedKind::Hub, 1, "2026-01-01T00:00:00Z");
    crate::native_crypto::sign_feed(&[1; 32], &mut header);
    let probe = export(&Document {
        feed: Some(header),
        ..Document::default()
    });
    read_document(&probe, &Limits::default())
        .map(|_| ())
        .map_err(|problems| {
            format!(
                "L'identifiant ou le nom du relais est refusé : {}",
                problems
                    .list
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_are_read_with_their_defaults() {
        let Command::Run(options) = parse(args(
            "--sources s.txt --sortie=public/relais.json --etat etat/ --forcer",
        ))
        .unwrap() else {
            panic!()
        };
        assert_eq!(options.key, PathBuf::from("etat/cle-relais"));
        assert_eq!(options.output, PathBuf::from("public/relais.json"));
        assert_eq!((options.parallel, options.force), (4, true));
        assert_eq!(options.publisher, "relais");
        assert_eq!(parse(args("--sources s --help")).unwrap(), Command::Help);
        assert!(parse(args("--sources s --sortie o"))
            .unwrap_err()
            .contains("--etat"));
        assert!(parse(args("--etat e --sortie o"))
            .unwrap_err()
            .contains("--reseau"));
        assert!(parse(args("--etat e --sortie o --reseau reseau.json")).is_ok());
        assert!(parse(args("--inconnue")).unwrap_err().contains("inconnue"));
        assert!(parse(args("--etat e --sources s --sortie o --paralleles 0")).is_err());
        assert!(parse(args("--etat e --sources s --sortie o --editeur Relais!")).is_err());
        let long = format!("--etat e --sources s --sortie o --nom {}", "x".repeat(5000));
        assert!(parse(args(&long)).unwrap_err().contains("flux.nom"));
    }
}

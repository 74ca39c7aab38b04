//! The store's one error type, [`StoreError`], and every message it shows people, in French. A
//! browser failure is turned into a message here (its own error goes to the console, for whoever
//! helps them); the other rooms name the failure they detect and never write a message.

use crate::exchange::Problems;
use indexed_db_futures::error::{Error as IdbError, OpenDbError};
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// A storage failure, with the message shown to people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    pub message: String,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub(super) type Result<T> = std::result::Result<T, StoreError>;

impl StoreError {
    fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
        }
    }

    /// A stored value that could not be read back (not in the form this version writes: a
    /// damaged row, or one written by a newer version open in another tab).
    pub(super) fn from_read(e: IdbError) -> Self {
        if !matches!(e, IdbError::Serialisation(_)) {
            return StoreError::from_idb(e);
        }
        warn("lecture", &e.to_string().into());
        StoreError::new(
            "Les données enregistrées dans ce navigateur n'ont pas pu être relues ; rien n'a été \
             modifié. Rechargez la page : si une version plus récente de Prototèque est ouverte \
             dans un autre onglet, le rechargement l'installe aussi ici.",
        )
    }

    /// Turns an IndexedDB failure into the French message shown to people; the browser's own
    /// error goes to the console for whoever helps them. A full storage is told by the
    /// exception's name, never by formatting the error (release builds format no `Debug`).
    pub(super) fn from_idb(e: IdbError) -> Self {
        let exception = match &e {
            IdbError::DomException(d) => Some(AsRef::<JsValue>::as_ref(d)),
            _ => None,
        };
        match exception {
            Some(exception) => warn("stockage", exception),
            None => warn("stockage", &e.to_string().into()),
        }
        let full = exception.is_some_and(|x| {
            x.unchecked_ref::<web_sys::DomException>().name() == "QuotaExceededError"
        });
        if full {
            StoreError::full()
        } else {
            StoreError::refused()
        }
    }

    pub(super) fn from_open(e: OpenDbError) -> Self {
        match e {
            OpenDbError::Base(e) => StoreError::from_idb(e),
            other => {
                warn("stockage", &other.to_string().into());
                StoreError::refused()
            }
        }
    }

    pub(super) fn full() -> Self {
        StoreError::new(
            "L'espace de stockage du navigateur est plein : rien n'a été enregistré. \
             Libérez de la place (exportez puis supprimez d'anciennes données) et réessayez.",
        )
    }

    pub(super) fn refused() -> Self {
        StoreError::new(
            "Le navigateur a refusé d'enregistrer les données : rien n'a été enregistré. \
             Réessayez ; si le problème continue, exportez votre catalogue pour le garder.",
        )
    }

    /// One stored record that the door refuses.
    pub(super) fn unreadable_record(problems: Problems) -> Self {
        StoreError::new(format!(
            "Un enregistrement de ce navigateur est illisible : {}",
            problems.summary()
        ))
    }

    /// The stored catalogue as a whole, refused by the door.
    pub(super) fn unreadable(problems: Problems) -> Self {
        StoreError::new(format!(
            "Les données enregistrées dans ce navigateur sont illisibles ({}, par exemple : {}). \
             Rien n'a été modifié.",
            match problems.len() {
                1 => "1 problème".to_owned(),
                n => format!("{n} problèmes"),
            },
            problems
                .list
                .first()
                .map(|p| p.to_string())
                .unwrap_or_default()
        ))
    }

    /// A stored device key that is not one (damaged, or written by a newer version).
    pub(super) fn unreadable_device_key(centre: &str) -> Self {
        StoreError::new(format!(
            "La clé de signature de ce navigateur pour le centre « {centre} » est illisible : \
             rien n'a été signé. Rechargez la page ; si le problème continue, oubliez cette clé \
             pour en créer une nouvelle."
        ))
    }

    /// A batch of rows that did not hold exactly the keys asked for, inside one transaction.
    pub(super) fn changed_while_read() -> Self {
        StoreError::new(
            "Les données enregistrées ont changé pendant leur lecture : rechargez la page.",
        )
    }

    /// Stored rows that cannot all be read back, when the code that sets them aside (a chunk of
    /// its own in release builds, see `load`) could not be downloaded. Without the `split`
    /// feature there is nothing to download and it never happens.
    #[cfg_attr(not(feature = "split"), allow(dead_code))]
    pub(super) fn set_aside_unavailable() -> Self {
        StoreError::new(
            "Des éléments enregistrés dans ce navigateur n'ont pas pu être relus, et ce qui les \
             met de côté n'a pas pu être téléchargé : vérifiez la connexion à Internet, puis \
             rechargez la page. Rien n'a été modifié.",
        )
    }

    /// The failure a test asks of an import, to prove that nothing it wrote survives.
    pub(super) fn import_interrupted() -> Self {
        StoreError::new("Import interrompu (test) : rien n'a été enregistré.")
    }

    pub(super) fn nothing_to_undo() -> Self {
        StoreError::new("Il n'y a pas d'import à annuler.")
    }

    /// A record the last import wrote was changed since: undoing would lose that change.
    pub(super) fn changed_since_import() -> Self {
        StoreError::new(
            "Des modifications ont été faites depuis cet import : il ne peut plus être annulé \
             sans les perdre. Rien n'a été modifié.",
        )
    }

    pub(super) fn undo_unreadable() -> Self {
        StoreError::new(
            "Ce qu'il faut pour annuler le dernier import est illisible : il ne peut pas \
             être annulé. Rien n'a été modifié.",
        )
    }
}

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for StoreError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        StoreError::set_aside_unavailable()
    }
}

/// Why a stored row was set aside (see `aside`), as the file of rows set aside says it.
pub(super) mod reason {
    use crate::exchange::Problem;

    /// What the file of rows set aside says it holds.
    pub(in crate::store) const FILE_NOTE: &str =
        "Éléments enregistrés dans ce navigateur que Prototèque n'a pas pu relire : ils ont été \
         mis de côté, sans être effacés. Chacun est donné tel qu'il est enregistré (« ligne »), \
         avec ce qui empêche de le relire (« problemes »).";

    /// A row that is not in the form of a row at all.
    pub(in crate::store) fn not_a_row() -> Problem {
        whole(
            "cette ligne n'a pas la forme d'un enregistrement de Prototèque (elle a peut-être \
             été écrite par une version plus récente)"
                .to_owned(),
        )
    }

    /// A row holding another record than the one its key names.
    pub(in crate::store) fn not_its_key(id: &str, key: &str) -> Problem {
        whole(format!(
            "cette ligne, enregistrée sous « {key} », contient l'élément « {id} »"
        ))
    }

    fn whole(message: String) -> Problem {
        Problem {
            path: String::new(),
            message,
        }
    }
}

/// The technical detail of a failure, in the console.
pub(super) fn warn(what: &str, detail: &JsValue) {
    web_sys::console::warn_2(&format!("Prototèque, {what} :").into(), detail);
}

/// The first problems of a list, for a message (at most ten, then how many more).
fn first_problems(problems: &Problems) -> String {
    let mut listed: Vec<String> = problems
        .list
        .iter()
        .take(10)
        .map(|p| p.to_string())
        .collect();
    if problems.len() > listed.len() {
        listed.push(match problems.len() - listed.len() {
            1 => "… et 1 autre".to_owned(),
            n => format!("… et {n} autres"),
        });
    }
    listed.join(" ; ")
}

impl StoreError {
    /// A file that, merged with the stored catalogue, would break the rules a stored catalogue
    /// must meet: every problem named, and nothing written.
    pub(super) fn refused_import(problems: &Problems) -> Self {
        StoreError {
            message: format!(
                "Ce fichier n'a pas été importé : avec lui, le catalogue dépasserait les limites \
                 que Prototèque sait relire et exporter ({}). Rien n'a été modifié.",
                first_problems(problems)
            ),
        }
    }

    /// A local edit whose record, merged with what is stored, would break the rules of a stored
    /// catalogue: nothing written.
    pub(super) fn refused_edit(problems: &Problems) -> Self {
        StoreError {
            message: format!(
                "Cette modification n'a pas été enregistrée : l'enregistrement dépasserait les \
                 limites que Prototèque sait relire et exporter ({}). Rien n'a été modifié.",
                first_problems(problems)
            ),
        }
    }
}

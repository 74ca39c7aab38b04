//! The prototype form as one ordered table ([`FORM`]): for each field, where it is in the file
//! (the path a problem names), its form id, its French label and hint, and how its text is read
//! from a prototype and written back. The form is drawn from it, in its order; a problem is shown
//! next to the field its path names ([`field_of`]); the first field in error, in the same order,
//! gets focus ([`place`]); the draft keeps each field's text under its form id.
//!
//! Adding a field to a prototype is adding its row here (besides the model, the door that reads
//! it, and the livret's view).

use crate::model::{Prototype, Resource, Step, Theme, UsageKind};
use crate::ui::text_field::Input;

/// A `<fieldset>` of the form.
pub struct Section {
    pub legend: &'static str,
    pub content: Content,
}

pub enum Content {
    Fields(&'static [Field]),
    /// The numbered steps (déroulé), which can be added, removed and reordered.
    Steps(&'static List<Step>),
    Resources(&'static List<Resource>),
}

/// One field of the prototype or of its livret.
pub struct Field {
    /// Where the field is in the file, as problems name it (`livret.duree`; an item of a list
    /// is `outils[2]`).
    pub path: &'static str,
    /// The form control's id, also the key of its text in the draft.
    pub id: &'static str,
    pub label: &'static str,
    /// What to write, under the label ("" for none).
    pub hint: &'static str,
    pub value: Value,
}

/// How a field is typed, and how its text becomes the prototype's value.
pub enum Value {
    /// Free text, kept trimmed.
    Text(Input, fn(&mut Prototype) -> &mut String),
    /// A list typed one item per line, in a box.
    Lines(fn(&mut Prototype) -> &mut Vec<String>),
    /// A list typed on one line, items separated by commas.
    Commas(fn(&mut Prototype) -> &mut Vec<String>),
    /// One of fixed values, chosen in a list: (value, label) pairs.
    Choice {
        options: fn() -> Vec<(&'static str, &'static str)>,
        read: fn(&Prototype) -> String,
        write: fn(&mut Prototype, &str),
    },
}

/// A list of records typed item by item (the steps, the resources).
pub struct List<T: 'static> {
    /// Where the list is in the file: its items' problems are `{path}[2].{part path}`.
    pub path: &'static str,
    /// Its items' form ids are `{id}-{index}-{part id}`, counted from 0.
    pub id: &'static str,
    /// Its items' labels are "{noun} {number} : {part label}", counted from 1.
    pub noun: &'static str,
    pub items: fn(&mut Prototype) -> &mut Vec<T>,
    pub parts: &'static [Part<T>],
    /// A new item, before its parts are written.
    pub blank: fn() -> T,
}

/// One text of a list's item.
pub struct Part<T> {
    pub path: &'static str,
    pub id: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub value: fn(&mut T) -> &mut String,
}

pub const LICENCES: [(&str, &str); 3] = [
    (
        "CC BY-SA 4.0",
        "CC BY-SA 4.0 (partage dans les mêmes conditions)",
    ),
    ("CC BY 4.0", "CC BY 4.0 (attribution)"),
    ("CC0 1.0", "CC0 1.0 (domaine public)"),
];

const ONE_PER_LINE: &str = "Un par ligne.";

pub const STEPS: List<Step> = List {
    path: "livret.deroule",
    id: "etape",
    noun: "Étape",
    items: |p| &mut p.livret.steps,
    parts: &[
        Part {
            path: "titre",
            id: "titre",
            label: "titre",
            input: Input::Line,
            value: |s| &mut s.title,
        },
        Part {
            path: "duree",
            id: "duree",
            label: "durée",
            input: Input::Line,
            value: |s| &mut s.duration,
        },
        Part {
            path: "description",
            id: "description",
            label: "ce qui se passe",
            input: Input::Lines(3),
            value: |s| &mut s.description,
        },
    ],
    blank: Step::default,
};

pub const RESOURCES: List<Resource> = List {
    path: "livret.ressources",
    id: "ressource",
    noun: "Ressource",
    items: |p| &mut p.livret.resources,
    parts: &[
        Part {
            path: "titre",
            id: "titre",
            label: "titre",
            input: Input::Line,
            value: |r| &mut r.title,
        },
        Part {
            path: "url",
            id: "url",
            label: "adresse",
            input: Input::Url,
            value: |r| &mut r.url,
        },
    ],
    blank: || Resource {
        title: String::new(),
        url: String::new(),
        extra: Default::default(),
    },
};

/// The title, first in the form; the page's heading repeats it, and a problem no field has is
/// shown with it.
pub const TITLE: Field = Field {
    path: "titre",
    id: "titre",
    label: "Titre (obligatoire)",
    hint: "Un titre court qui dit ce que font les habitants.",
    value: Value::Text(Input::Line, |p| &mut p.title),
};

/// The form, in order.
pub const FORM: &[Section] = &[
    Section {
        legend: "Présentation",
        content: Content::Fields(&[
            TITLE,
            Field {
                path: "resume",
                id: "resume",
                label: "Résumé (obligatoire)",
                hint: "Deux ou trois phrases.",
                value: Value::Text(Input::Lines(4), |p| &mut p.summary),
            },
            Field {
                path: "theme",
                id: "theme",
                label: "Thème",
                hint: "",
                value: Value::Choice {
                    options: || Theme::ALL.iter().map(|t| (t.slug(), t.label())).collect(),
                    read: |p| p.theme.slug().into(),
                    write: |p, v| p.theme = Theme::from_slug(v).unwrap_or(p.theme),
                },
            },
            Field {
                path: "type_usage",
                id: "type",
                label: "Type d'usage numérique",
                hint: "",
                value: Value::Choice {
                    options: || {
                        UsageKind::ALL
                            .iter()
                            .map(|k| (k.slug(), k.label()))
                            .collect()
                    },
                    read: |p| p.kind.slug().into(),
                    write: |p, v| p.kind = UsageKind::from_slug(v).unwrap_or(p.kind),
                },
            },
            Field {
                path: "public",
                id: "public",
                label: "Public visé",
                hint: "",
                value: Value::Text(Input::Line, |p| &mut p.public),
            },
            Field {
                path: "scenario",
                id: "scenario",
                label: "Scénario d'usage choisi par les habitants",
                hint: "Comment les habitants l'ont choisi et ce qu'ils en font.",
                value: Value::Text(Input::Lines(4), |p| &mut p.scenario),
            },
            Field {
                path: "outils",
                id: "outils",
                label: "Outils utilisés",
                hint: ONE_PER_LINE,
                value: Value::Lines(|p| &mut p.tools),
            },
            Field {
                path: "etiquettes",
                id: "etiquettes",
                label: "Mots-clés",
                hint: "Séparés par des virgules.",
                value: Value::Commas(|p| &mut p.tags),
            },
            Field {
                path: "licence",
                id: "licence",
                label: "Licence",
                hint: "",
                value: Value::Choice {
                    options: || LICENCES.to_vec(),
                    read: |p| p.licence.clone(),
                    write: |p, v| p.licence = v.trim().into(),
                },
            },
        ]),
    },
    Section {
        legend: "Livret pédagogique",
        content: Content::Fields(&[
            Field {
                path: "livret.objectifs",
                id: "objectifs",
                label: "Objectifs",
                hint: ONE_PER_LINE,
                value: Value::Lines(|p| &mut p.livret.objectives),
            },
            Field {
                path: "livret.public",
                id: "livret-public",
                label: "Pour qui, avec quels prérequis",
                hint: "",
                value: Value::Text(Input::Lines(4), |p| &mut p.livret.public),
            },
            Field {
                path: "livret.duree",
                id: "duree",
                label: "Durée",
                hint: "Par exemple : 3 séances de 2 h.",
                value: Value::Text(Input::Line, |p| &mut p.livret.duration),
            },
            Field {
                path: "livret.taille_groupe",
                id: "taille-groupe",
                label: "Taille du groupe",
                hint: "Par exemple : 6 à 10 participants.",
                value: Value::Text(Input::Line, |p| &mut p.livret.group_size),
            },
            Field {
                path: "livret.materiel",
                id: "materiel",
                label: "Matériel",
                hint: "Un élément par ligne.",
                value: Value::Lines(|p| &mut p.livret.materials),
            },
            Field {
                path: "livret.cout",
                id: "cout",
                label: "Coût",
                hint: "Par exemple : environ 40 € (impressions, goûter).",
                value: Value::Text(Input::Line, |p| &mut p.livret.cost),
            },
            Field {
                path: "livret.preparation",
                id: "preparation",
                label: "Préparation",
                hint: "Une tâche par ligne.",
                value: Value::Lines(|p| &mut p.livret.preparation),
            },
        ]),
    },
    Section {
        legend: "Déroulé (étapes numérotées)",
        content: Content::Steps(&STEPS),
    },
    Section {
        legend: "Animer et évaluer",
        content: Content::Fields(&[
            Field {
                path: "livret.conseils_animation",
                id: "conseils",
                label: "Conseils d'animation",
                hint: ONE_PER_LINE,
                value: Value::Lines(|p| &mut p.livret.facilitation_tips),
            },
            Field {
                path: "livret.pieges",
                id: "pieges",
                label: "Pièges à éviter",
                hint: ONE_PER_LINE,
                value: Value::Lines(|p| &mut p.livret.pitfalls),
            },
            Field {
                path: "livret.evaluation",
                id: "evaluation",
                label: "Comment évaluer (indicateurs)",
                hint: ONE_PER_LINE,
                value: Value::Lines(|p| &mut p.livret.evaluation),
            },
        ]),
    },
    Section {
        legend: "Ressources (liens http, https ou mailto)",
        content: Content::Resources(&RESOURCES),
    },
];

/// Every field of the form that is not a list, in order.
pub fn fields() -> impl Iterator<Item = &'static Field> {
    FORM.iter().flat_map(|s| match s.content {
        Content::Fields(fields) => fields,
        _ => &[],
    })
}

impl Value {
    /// The field's text for `p` (taken `mut` only to reach the value: nothing is changed).
    pub fn read(&self, p: &mut Prototype) -> String {
        match self {
            Value::Text(_, at) => at(p).clone(),
            Value::Lines(at) => at(p).join("\n"),
            Value::Commas(at) => at(p).join(", "),
            Value::Choice { read, .. } => read(p),
        }
    }

    /// Writes the field's `text` into `p`.
    pub fn write(&self, p: &mut Prototype, text: &str) {
        match self {
            Value::Text(_, at) => *at(p) = text.trim().into(),
            Value::Lines(at) => *at(p) = split(text, '\n'),
            Value::Commas(at) => *at(p) = split(text, ','),
            Value::Choice { write, .. } => write(p, text),
        }
    }
}

/// The non-blank items of `text` cut at `by`, trimmed.
fn split(text: &str, by: char) -> Vec<String> {
    text.split(by)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether the problem path `path` is about the field at `at` (or one of its items).
fn names(path: &str, at: &str) -> bool {
    path.strip_prefix(at)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
}

impl<T: 'static> List<T> {
    /// The form id of the part that the problem path `path` names, if it is about one of this
    /// list's items (`livret.deroule[2].description` → `etape-2-description`; a problem with
    /// the item itself goes to its first part).
    fn field_of(&self, path: &str) -> Option<String> {
        let rest = path.strip_prefix(self.path)?.strip_prefix('[')?;
        let (index, part) = rest
            .split_once("].")
            .unwrap_or((rest.trim_end_matches(']'), ""));
        let part = self
            .parts
            .iter()
            .find(|p| names(part, p.path))
            .unwrap_or(&self.parts[0]);
        Some(self.part_id(index, part))
    }

    pub fn part_id(&self, index: impl std::fmt::Display, part: &Part<T>) -> String {
        format!("{}-{index}-{}", self.id, part.id)
    }

    /// Where the form id `id` is in one of this list's items: (index, part).
    fn place(&self, id: &str) -> Option<(usize, usize)> {
        let (index, part) = id
            .strip_prefix(self.id)?
            .strip_prefix('-')?
            .split_once('-')?;
        Some((
            index.parse().ok()?,
            self.parts.iter().position(|p| p.id == part)?,
        ))
    }
}

/// The form id of the field that shows a problem at `path` (`livret.duree` → `duree`,
/// `outils[2]` → `outils`, `livret.deroule[2].titre` → `etape-2-titre`); the title's when no
/// field has it.
pub fn field_of(path: &str) -> String {
    FORM.iter()
        .find_map(|section| match section.content {
            Content::Fields(fields) => fields
                .iter()
                .find(|f| names(path, f.path))
                .map(|f| f.id.to_owned()),
            Content::Steps(list) => list.field_of(path),
            Content::Resources(list) => list.field_of(path),
        })
        .unwrap_or_else(|| TITLE.id.to_owned())
}

/// Where the form id `id` comes in the form (section, field, item, part): fields in error are
/// gone through in this order. `None` for an id the form does not have.
pub fn place(id: &str) -> Option<(usize, usize, usize, usize)> {
    FORM.iter().enumerate().find_map(|(s, section)| {
        let (field, item, part) = match section.content {
            Content::Fields(fields) => (fields.iter().position(|f| f.id == id)?, 0, 0),
            Content::Steps(list) => list.place(id).map(|(i, p)| (0, i, p))?,
            Content::Resources(list) => list.place(id).map(|(i, p)| (0, i, p))?,
        };
        Some((s, field, item, part))
    })
}

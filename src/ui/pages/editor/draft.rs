//! The form's state, [`Draft`]: each field's text as typed, by form id (so that a half-written
//! draft can be kept and restored), turned into a prototype through the field table, and kept
//! in `localStorage` until the prototype is saved.

use super::fields::{fields, List, RESOURCES, STEPS};
use crate::model::{Livret, Prototype, Theme, UsageKind, DEFAULT_LICENCE};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The text of each field of the table, by form id.
    pub text: BTreeMap<String, String>,
    /// The items of each list (steps, resources), by the list's id.
    pub lists: BTreeMap<String, Vec<Item>>,
}

/// An item of a list (a step, a resource).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stays with the item when it moves; an item read from the prototype has its index there.
    pub key: u32,
    /// The text of each part, by part id.
    pub text: BTreeMap<String, String>,
}

/// A new prototype of `centre`, before anything is typed.
pub fn blank_prototype(centre: String, created: String) -> Prototype {
    Prototype {
        title: String::new(),
        summary: String::new(),
        theme: Theme::Welcome,
        centre,
        kind: UsageKind::Workshop,
        public: String::new(),
        scenario: String::new(),
        tools: vec![],
        licence: DEFAULT_LICENCE.into(),
        tags: vec![],
        created,
        forked_from: None,
        livret: Livret::default(),
    }
}

impl<T: 'static> List<T> {
    fn drafts(&self, items: &mut [T]) -> Vec<Item> {
        items
            .iter_mut()
            .enumerate()
            .map(|(key, item)| Item {
                key: key as u32,
                text: self
                    .parts
                    .iter()
                    .map(|part| (part.id.to_owned(), (part.value)(item).clone()))
                    .collect(),
            })
            .collect()
    }

    pub fn blank_item(&self, key: u32) -> Item {
        Item {
            key,
            text: self
                .parts
                .iter()
                .map(|p| (p.id.to_owned(), String::new()))
                .collect(),
        }
    }

    /// The items typed, on top of `old` (whose unknown fields each item keeps); items left
    /// blank are dropped.
    fn items_from(&self, drafts: &[Item], old: &[T]) -> Vec<T>
    where
        T: Clone,
    {
        drafts
            .iter()
            .filter(|d| d.text.values().any(|t| !t.trim().is_empty()))
            .map(|d| {
                let mut item = old.get(d.key as usize).cloned().unwrap_or_else(self.blank);
                for part in self.parts {
                    *(part.value)(&mut item) = d.text(part.id).trim().into();
                }
                item
            })
            .collect()
    }
}

impl Item {
    pub fn text(&self, id: &str) -> &str {
        self.text.get(id).map_or("", String::as_str)
    }
}

impl Draft {
    pub fn of(p: &Prototype) -> Draft {
        let mut p = p.clone();
        Draft {
            text: fields()
                .map(|f| (f.id.to_owned(), f.value.read(&mut p)))
                .collect(),
            lists: [
                (STEPS.id.to_owned(), STEPS.drafts((STEPS.items)(&mut p))),
                (
                    RESOURCES.id.to_owned(),
                    RESOURCES.drafts((RESOURCES.items)(&mut p)),
                ),
            ]
            .into(),
        }
    }

    /// A new prototype's draft, with three empty steps to fill.
    pub fn blank() -> Draft {
        let mut draft = Draft::of(&blank_prototype(String::new(), String::new()));
        *draft.items_mut(STEPS.id) = (0..3).map(|key| STEPS.blank_item(key)).collect();
        draft
    }

    pub fn text(&self, id: &str) -> &str {
        self.text.get(id).map_or("", String::as_str)
    }

    pub fn items(&self, list: &str) -> &[Item] {
        self.lists.get(list).map_or(&[], Vec::as_slice)
    }

    pub fn items_mut(&mut self, list: &str) -> &mut Vec<Item> {
        self.lists.entry(list.to_owned()).or_default()
    }

    /// A key no item has.
    pub fn next_key(&self) -> u32 {
        self.lists
            .values()
            .flatten()
            .map(|i| i.key)
            .max()
            .map_or(0, |k| k + 1)
    }

    /// The prototype this draft describes, on top of `base` (which keeps what the form does not
    /// show: lineage, creation day, unknown fields).
    pub fn prototype(&self, base: &Prototype) -> Prototype {
        let mut p = base.clone();
        for field in fields() {
            field.value.write(&mut p, self.text(field.id));
        }
        *(STEPS.items)(&mut p) = STEPS.items_from(self.items(STEPS.id), &base.livret.steps);
        *(RESOURCES.items)(&mut p) =
            RESOURCES.items_from(self.items(RESOURCES.id), &base.livret.resources);
        p
    }

    /// A kept draft made whole against `initial`, the form's starting draft: a text it lacks (a
    /// field added since it was kept) is `initial`'s, so that restoring the draft changes
    /// nothing there; a text the form no longer has is dropped.
    fn completed(mut self, initial: &Draft) -> Draft {
        complete(&mut self.text, fields().map(|f| f.id), |id| {
            initial.text(id)
        });
        self.lists
            .retain(|id, _| [STEPS.id, RESOURCES.id].contains(&id.as_str()));
        STEPS.complete(self.items_mut(STEPS.id), initial.items(STEPS.id));
        RESOURCES.complete(self.items_mut(RESOURCES.id), initial.items(RESOURCES.id));
        self
    }
}

impl<T: 'static> List<T> {
    fn complete(&self, items: &mut [Item], initial: &[Item]) {
        for item in items {
            let before = initial.iter().find(|i| i.key == item.key);
            complete(&mut item.text, self.parts.iter().map(|p| p.id), |id| {
                before.map_or("", |b| b.text(id))
            });
        }
    }
}

/// Keeps in `text` the texts of `ids` only, one it lacks being `missing(id)`.
fn complete<'a, 'b>(
    text: &mut BTreeMap<String, String>,
    ids: impl Iterator<Item = &'a str>,
    missing: impl Fn(&str) -> &'b str,
) {
    *text = ids
        .map(|id| {
            let t = text.remove(id).unwrap_or_else(|| missing(id).to_owned());
            (id.to_owned(), t)
        })
        .collect();
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn key(id: Option<&str>) -> String {
    format!("prototheque-brouillon:{}", id.unwrap_or("nouveau"))
}

/// The draft kept for prototype `id` (`None`: a new one), if any, made whole against the
/// form's starting draft `initial`.
pub fn restore(id: Option<&str>, initial: &Draft) -> Option<Draft> {
    let kept: serde_json::Value =
        serde_json::from_str(&storage()?.get_item(&key(id)).ok()??).ok()?;
    let draft = match kept.get("text") {
        Some(_) => serde_json::from_value(kept).ok()?,
        None => earlier(kept.as_object()?)?,
    };
    Some(draft.completed(initial))
}

pub fn keep(id: Option<&str>, draft: &Draft) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(draft)) {
        let _ = s.set_item(&key(id), &json);
    }
}

pub fn forget(id: Option<&str>) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key(id));
    }
}

/// Before the field table, a kept draft named each text after a field of the program; such
/// drafts are still read, so that one written before an update survives it. (Frozen: a new
/// field never needs a line here. Steps' and resources' parts were named the same way.)
const EARLIER_NAMES: [(&str, &str); 21] = [
    ("title", "titre"),
    ("summary", "resume"),
    ("theme", "theme"),
    ("kind", "type"),
    ("public", "public"),
    ("scenario", "scenario"),
    ("tools", "outils"),
    ("tags", "etiquettes"),
    ("licence", "licence"),
    ("objectives", "objectifs"),
    ("livret_public", "livret-public"),
    ("duration", "duree"),
    ("group_size", "taille-groupe"),
    ("materials", "materiel"),
    ("cost", "cout"),
    ("preparation", "preparation"),
    ("tips", "conseils"),
    ("pitfalls", "pieges"),
    ("evaluation", "evaluation"),
    ("description", "description"),
    ("url", "url"),
];

fn earlier(kept: &serde_json::Map<String, serde_json::Value>) -> Option<Draft> {
    let text = |from: &serde_json::Map<String, serde_json::Value>| {
        EARLIER_NAMES
            .iter()
            .filter_map(|(name, id)| {
                Some(((*id).to_owned(), from.get(*name)?.as_str()?.to_owned()))
            })
            .collect()
    };
    let items = |list: &str| -> Option<Vec<Item>> {
        kept.get(list)?
            .as_array()?
            .iter()
            .map(|item| {
                let item = item.as_object()?;
                Some(Item {
                    key: u32::try_from(item.get("key")?.as_u64()?).ok()?,
                    text: text(item),
                })
            })
            .collect()
    };
    Some(Draft {
        text: text(kept),
        lists: [
            (STEPS.id.to_owned(), items("steps")?),
            (RESOURCES.id.to_owned(), items("resources")?),
        ]
        .into(),
    })
}

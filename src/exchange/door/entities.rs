//! What a centre, a prototype (with its livret) and an experience report are made of, field by
//! field, as [`Kind`]s for the record envelope; and the references between them that must
//! resolve inside the file.

use super::fields::{Cx, Fields, Path};
use super::record::Kind;
use super::values::{
    day, id, key_list, list, long, long_list, long_or_empty, participants, revision, score, short,
    short_list, short_or_empty, title, url, valid_id,
};
use crate::exchange::json::Value;
use crate::exchange::Problems;
use crate::model::{adaptation_cycles, Catalogue};
use crate::model::{
    Centre, Criteria, ForkOrigin, Livret, Prototype, Rating, Record, Resource, Step, Theme,
    UsageKind, DEFAULT_LICENCE,
};
use std::collections::{BTreeMap, BTreeSet};

pub(super) const CENTRE: Kind<Centre> = Kind {
    body: centre,
    id,
    derive_id: None,
};

pub(super) const PROTOTYPE: Kind<Prototype> = Kind {
    body: prototype,
    id,
    derive_id: None,
};

pub(super) const RATING: Kind<Rating> = Kind {
    body: rating,
    id: rating_id,
    derive_id: Some(|r: &Rating| Rating::id_for(&r.prototype, &r.centre)),
};

pub(super) fn centre(cx: &mut Cx, obj: &mut Fields) -> Option<Centre> {
    let name = obj.required(cx, "nom", title);
    let territory = obj.or_default(cx, "territoire", short_or_empty);
    let commune = obj.or_default(cx, "commune", short_or_empty);
    let tiers_lieu = obj.or_default(cx, "tiers_lieu", short_or_empty);
    let keys = obj.or_empty(cx, "cles", key_list);
    let revoked = obj.or_empty(cx, "cles_revoquees", key_list);
    Some(Centre {
        name: name?,
        territory,
        commune,
        tiers_lieu,
        keys: keys?,
        revoked: revoked?,
    })
}

fn theme(cx: &mut Cx, value: &Value, path: Path) -> Option<Theme> {
    let found = value.as_str().and_then(Theme::from_slug);
    if found.is_none() {
        let all: Vec<&str> = Theme::ALL.iter().map(|t| t.slug()).collect();
        cx.report(
            path,
            format!("thème inconnu ; thèmes possibles : {}", all.join(", ")),
        );
    }
    found
}

fn usage_kind(cx: &mut Cx, value: &Value, path: Path) -> Option<UsageKind> {
    let found = value.as_str().and_then(UsageKind::from_slug);
    if found.is_none() {
        let all: Vec<&str> = UsageKind::ALL.iter().map(|k| k.slug()).collect();
        cx.report(
            path,
            format!(
                "type d'usage inconnu ; types possibles : {}",
                all.join(", ")
            ),
        );
    }
    found
}

fn fork_origin(cx: &mut Cx, value: &Value, path: Path) -> Option<ForkOrigin> {
    let mut obj = Fields::of(cx, value, path)?;
    let prototype = obj.required(cx, "prototype", id);
    let revision = obj.required(cx, "revision", revision);
    Some(ForkOrigin {
        prototype: prototype?,
        revision: revision?,
        extra: obj.unknown(cx),
    })
}

fn step(cx: &mut Cx, value: &Value, path: Path) -> Option<Step> {
    let mut obj = Fields::of(cx, value, path)?;
    let title = obj.required(cx, "titre", title);
    let description = obj.required(cx, "description", long);
    let duration = obj.or_default(cx, "duree", short_or_empty);
    Some(Step {
        title: title?,
        description: description?,
        duration,
        extra: obj.unknown(cx),
    })
}

fn resource(cx: &mut Cx, value: &Value, path: Path) -> Option<Resource> {
    let mut obj = Fields::of(cx, value, path)?;
    let title = obj.required(cx, "titre", title);
    let url = obj.required(cx, "url", url);
    Some(Resource {
        title: title?,
        url: url?,
        extra: obj.unknown(cx),
    })
}

fn steps(cx: &mut Cx, v: &Value, p: Path) -> Option<Vec<Step>> {
    list(cx, v, p, step)
}
fn resources(cx: &mut Cx, v: &Value, p: Path) -> Option<Vec<Resource>> {
    list(cx, v, p, resource)
}

/// A livret may be incomplete (a draft being written): completeness is a label criterion, not a
/// validity rule. Every part is optional; what is present must be well-formed.
fn livret(cx: &mut Cx, value: &Value, path: Path) -> Option<Livret> {
    let mut obj = Fields::of(cx, value, path)?;
    let objectives = obj.or_empty(cx, "objectifs", long_list);
    let public = obj.or_default(cx, "public", long_or_empty);
    let duration = obj.or_default(cx, "duree", short_or_empty);
    let group_size = obj.or_default(cx, "taille_groupe", short_or_empty);
    let materials = obj.or_empty(cx, "materiel", long_list);
    let cost = obj.or_default(cx, "cout", short_or_empty);
    let preparation = obj.or_empty(cx, "preparation", long_list);
    let steps = obj.or_empty(cx, "deroule", steps);
    let tips = obj.or_empty(cx, "conseils_animation", long_list);
    let pitfalls = obj.or_empty(cx, "pieges", long_list);
    let evaluation = obj.or_empty(cx, "evaluation", long_list);
    let resources = obj.or_empty(cx, "ressources", resources);
    Some(Livret {
        objectives: objectives?,
        public,
        duration,
        group_size,
        materials: materials?,
        cost,
        preparation: preparation?,
        steps: steps?,
        facilitation_tips: tips?,
        pitfalls: pitfalls?,
        evaluation: evaluation?,
        resources: resources?,
        extra: obj.unknown(cx),
    })
}

pub(super) fn prototype(cx: &mut Cx, obj: &mut Fields) -> Option<Prototype> {
    let title = obj.required(cx, "titre", title);
    let summary = obj.required(cx, "resume", long);
    let theme = obj.required(cx, "theme", theme);
    let centre = obj.required(cx, "centre", id);
    let kind = obj.required(cx, "type_usage", usage_kind);
    let public = obj.or_default(cx, "public", long_or_empty);
    let scenario = obj.or_default(cx, "scenario", long_or_empty);
    let tools = obj.or_empty(cx, "outils", short_list);
    let licence = obj
        .optional(cx, "licence", short)
        .unwrap_or_else(|| DEFAULT_LICENCE.to_owned());
    let tags = obj.or_empty(cx, "etiquettes", short_list);
    let created = obj.required(cx, "cree_le", day);
    let forked_from = obj.or_empty(cx, "adapte_de", |cx, v, p| fork_origin(cx, v, p).map(Some));
    let livret = obj.or_empty(cx, "livret", livret);
    Some(Prototype {
        title: title?,
        summary: summary?,
        theme: theme?,
        centre: centre?,
        kind: kind?,
        public,
        scenario,
        tools: tools?,
        licence,
        tags: tags?,
        created: created?,
        forked_from: forked_from?,
        livret: livret?,
    })
}

/// The label's criteria, each optional: one not valid makes the whole `criteres` not valid.
fn criteria(cx: &mut Cx, value: &Value, path: Path) -> Option<Criteria> {
    let mut obj = Fields::of(cx, value, path)?;
    let mut ok = true;
    let mut score_of = |cx: &mut Cx, key| {
        let before = cx.problems.len();
        let score = obj.optional(cx, key, score);
        ok &= cx.problems.len() == before;
        score
    };
    let reproducibility = score_of(cx, "reproductibilite");
    let digitally_excluded = score_of(cx, "publics_eloignes");
    let cost = score_of(cx, "cout");
    let empowerment = score_of(cx, "pouvoir_d_agir");
    let criteria = Criteria {
        reproducibility,
        digitally_excluded,
        cost,
        empowerment,
        extra: obj.unknown(cx),
    };
    ok.then_some(criteria)
}

pub(super) fn rating(cx: &mut Cx, obj: &mut Fields) -> Option<Rating> {
    let prototype = obj.required(cx, "prototype", id);
    let centre = obj.required(cx, "centre", id);
    let note = obj.required(cx, "note", score);
    let criteria = obj.or_empty(cx, "criteres", criteria);
    let comment = obj.or_default(cx, "commentaire", long_or_empty);
    let participants = obj.or_default(cx, "participants", participants);
    let date = obj.required(cx, "date", day);
    Some(Rating {
        prototype: prototype?,
        centre: centre?,
        note: note?,
        criteria: criteria?,
        comment,
        participants,
        date: date?,
    })
}

/// A report's id is `<prototype id>:<centre id>`.
fn rating_id(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    match value.as_str().and_then(|s| s.split_once(':')) {
        Some((prototype, centre)) if valid_id(prototype) && valid_id(centre) => {
            Some(Rating::id_for(prototype, centre))
        }
        _ => {
            cx.report(
                path,
                "l'identifiant d'un rapport d'expérience doit être « <prototype>:<centre> »",
            );
            None
        }
    }
}

/// Every reference inside the file must resolve inside the file: a prototype's author centre, a
/// report's prototype and centre. (`adapte_de` may name a prototype the file does not carry: the
/// credit is kept even when the original is elsewhere.)
pub(super) fn check_prototype_refs(
    cx: &mut Cx,
    at: Path,
    record: &Record<Prototype>,
    centres: &BTreeSet<String>,
) {
    for body in record.heads.iter().filter_map(|v| v.body.as_ref()) {
        check_centre_ref(cx, at, &body.centre, centres);
    }
}

/// A version names a centre of the file.
fn check_centre_ref(cx: &mut Cx, at: Path, centre: &str, centres: &BTreeSet<String>) {
    if !centres.contains(centre) {
        cx.report(
            Path::Key(&at, "centre"),
            format!("le centre « {centre} » est absent du fichier"),
        );
    }
}

/// A report's references, and every version of it (conflicts too, which a merge can make the
/// winner) about the (prototype, centre) its id names.
pub(super) fn check_rating_refs(
    cx: &mut Cx,
    at: Path,
    id: &str,
    record: &Record<Rating>,
    centres: &BTreeSet<String>,
    prototypes: &BTreeSet<String>,
) {
    for body in record.heads.iter().filter_map(|v| v.body.as_ref()) {
        // The file's own winner was checked with the id; a version that a merge can make the
        // winner (any head, once ordered) must be about the same pair.
        let expected = Rating::id_for(&body.prototype, &body.centre);
        if expected != id {
            cx.report(
                Path::Key(&at, "conflits"),
                format!(
                    "une version en conflit porte sur « {expected} » : chaque version du rapport \
                     « {id} » doit porter sur son prototype et son centre"
                ),
            );
        }
        if !prototypes.contains(&body.prototype) {
            cx.report(
                Path::Key(&at, "prototype"),
                format!("le prototype « {} » est absent du fichier", body.prototype),
            );
        }
        check_centre_ref(cx, at, &body.centre, centres);
    }
}

/// No prototype of the file is adapted from itself, or from one that descends from it: a cycle is
/// reported on each of its prototypes (`first_seen`: where each id of the list stands).
pub(super) fn check_adaptation_cycles(
    problems: &mut Problems,
    catalogue: &Catalogue,
    first_seen: &BTreeMap<String, usize>,
) {
    let list = Path::Key(&Path::Root, "prototypes");
    for cycle in adaptation_cycles(catalogue) {
        let mut round = cycle.clone();
        round.push(cycle[0].clone());
        let message = if cycle.len() == 1 {
            "ce prototype est adapté de lui-même (adapte_de)".to_owned()
        } else {
            format!(
                "adaptation en boucle ({}) : un prototype ne peut pas descendre de lui-même",
                round.join(" → ")
            )
        };
        for id in &cycle {
            let place = first_seen.get(id).copied().unwrap_or_default();
            let path = Path::Key(&Path::Index(&list, place), "adapte_de");
            problems.push(path.to_string(), message.clone());
        }
    }
}

//! Walks over `adapte_de` on extreme and forged data: a chain of 100,000 generations, cycles,
//! self-adaptations. Test threads run on 2 MiB stacks, so a walk that recursed once per
//! generation would overflow here. The catalogues are built in memory, not read through the
//! door: stored data from older versions may hold the cycles the door refuses.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use prototheque::indicators::{compute, compute_with, label_counts};
use prototheque::label::{self, Status};
use prototheque::model::{
    adaptation_cycles, adaptation_cycles_from, ancestry, family, Catalogue, Centre, Facts,
    ForkOrigin, LineageMember, Livret, Prototype, Record, Step, Theme, UsageKind, Version,
};
use prototheque::search::{Changed, Index, Query, Sort};

const AT: &str = "2026-04-01T10:00:00Z";

fn record<T>(author: &str, body: T) -> Record<T> {
    Record::new(Version {
        revision: 1,
        author: author.into(),
        at: AT.into(),
        body: Some(body),
        extra: Default::default(),
        signature: None,
    })
}

/// A prototype of `centre` adapted from `origin`, complete and free (a label candidate).
fn prototype(centre: &str, origin: Option<&str>) -> Prototype {
    let text = |s: &str| vec![s.to_owned()];
    let step = Step {
        title: "Étape".into(),
        description: "Faire.".into(),
        ..Step::default()
    };
    Prototype {
        title: "Atelier radio".into(),
        summary: "Une web radio du quartier.".into(),
        theme: Theme::ALL[0],
        centre: centre.into(),
        kind: UsageKind::ALL[0],
        public: "Adultes".into(),
        scenario: "Choisi par les habitants.".into(),
        tools: text("Audacity"),
        licence: "CC BY-SA 4.0".into(),
        tags: text("radio"),
        created: "2026-01-01".into(),
        forked_from: origin.map(|o| ForkOrigin {
            prototype: o.into(),
            revision: 1,
            extra: Default::default(),
        }),
        livret: Livret {
            objectives: text("Parler au micro"),
            public: "Adultes".into(),
            duration: "2 h".into(),
            group_size: "8".into(),
            materials: text("Micro"),
            cost: "Gratuit".into(),
            preparation: text("Réserver la salle"),
            steps: vec![step.clone(), step.clone(), step],
            evaluation: text("Émissions faites"),
            ..Livret::default()
        },
    }
}

/// [`prototype`] with only a title: what the index and the label spend least time on.
fn lean(centre: &str, origin: Option<&str>) -> Prototype {
    let full = prototype(centre, origin);
    Prototype {
        summary: String::new(),
        public: String::new(),
        scenario: String::new(),
        tools: Vec::new(),
        tags: Vec::new(),
        livret: Livret::default(),
        ..full
    }
}

/// Centres `a` and `b`, and the prototypes `(id, centre, origin)`.
fn catalogue<'a>(
    prototypes: impl IntoIterator<Item = (String, &'a str, Option<String>)>,
) -> Catalogue {
    catalogue_of(prototypes, prototype)
}

fn catalogue_of<'a>(
    prototypes: impl IntoIterator<Item = (String, &'a str, Option<String>)>,
    make: impl Fn(&str, Option<&str>) -> Prototype,
) -> Catalogue {
    let mut c = Catalogue::default();
    for id in ["a", "b"] {
        let centre = Centre {
            name: format!("Centre {id}"),
            territory: "Lille".into(),
            commune: "Lille".into(),
            tiers_lieu: String::new(),
            keys: Vec::new(),
            revoked: Vec::new(),
        };
        c.centres.insert(id.into(), record(id, centre));
    }
    for (id, centre, origin) in prototypes {
        let body = make(centre, origin.as_deref());
        c.prototypes.insert(id, record(centre, body));
    }
    common::vouched_for_all(c)
}

fn generation(n: usize) -> String {
    format!("g{n:06}")
}

const GENERATIONS: usize = 100_000;

/// `g000000`, then each generation adapted from the one before, by centres `a` and `b` in turn.
fn chain() -> Catalogue {
    let generations = (0..GENERATIONS).map(|n| {
        let centre = if n % 2 == 0 { "a" } else { "b" };
        (generation(n), centre, n.checked_sub(1).map(generation))
    });
    catalogue_of(generations, lean)
}

/// Whether `id` meets the label's "reproduced elsewhere", assessed from `facts`.
fn reproduced_with(c: &Catalogue, facts: &Facts, id: &str) -> bool {
    let criterion = label::CRITERIA
        .iter()
        .position(|c| c.key == "reproduit-ailleurs");
    label::assess_with(c.prototype(id).unwrap(), id, facts).met[criterion.unwrap()]
}

fn reproduced(c: &Catalogue, id: &str) -> bool {
    reproduced_with(c, &Facts::of(c), id)
}

#[test]
fn a_chain_of_100000_generations_is_walked_without_recursion() {
    let c = chain();
    let last = generation(GENERATIONS - 1);
    let middle = generation(GENERATIONS / 2);

    let up = ancestry(&c, &last);
    assert_eq!(up.len(), GENERATIONS - 1);
    assert_eq!(
        (up[0].as_str(), up[up.len() - 1].as_str()),
        ("g099998", "g000000")
    );
    assert!(adaptation_cycles(&c).is_empty());

    let facts = Facts::of(&c);
    let members = family(&c, &facts, &middle);
    let expected: Vec<LineageMember> = (0..GENERATIONS)
        .map(|n| LineageMember {
            id: generation(n),
            depth: n,
        })
        .collect();
    assert_eq!(members, expected);
    // From the last generation too: the whole chain, the original first.
    let from_last = family(&c, &facts, &last);
    assert_eq!(from_last.len(), GENERATIONS);
    assert_eq!(from_last[0].id, "g000000");

    // Every generation but the last was adapted by the other centre.
    assert!(reproduced_with(&c, &facts, "g000000"));
    assert!(!reproduced_with(&c, &facts, &last));
    // Lean livrets: in preparation.
    let counts = label_counts(&c);
    assert_eq!(counts, (0, 0));
    let i = compute_with(&c, counts);
    let between = |from: &str, to: &str| {
        i.adaptations
            .iter()
            .find(|(f, t, _)| (f.as_str(), t.as_str()) == (from, to))
            .map_or(0, |a| a.2)
    };
    assert_eq!(
        (
            between("Centre a", "Centre b"),
            between("Centre b", "Centre a")
        ),
        (GENERATIONS / 2, GENERATIONS / 2 - 1)
    );

    let mut index = Index::build(&c);
    assert_eq!(index.len(), GENERATIONS);
    let most_adapted = Query {
        sort: Sort::MostAdapted,
        ..Query::default()
    };
    let results = index.search(&most_adapted);
    assert_eq!(index.entry(results.hits[0]).adaptations, 1);
    // An edit in the middle of the chain walks it (for cycles) once, not once per generation.
    let mut edited = c.clone();
    let mut body = edited.prototype(&middle).unwrap().clone();
    body.title = "Radio refaite".into();
    edited.prototypes.insert(middle.clone(), record("a", body));
    let affected = index.affected(&edited, &[Changed::Prototype(middle.clone())]);
    assert_eq!(affected, [generation(GENERATIONS / 2 - 1), middle.clone()]);
    index.refresh(&edited, &[Changed::Prototype(middle)]);
    assert_eq!(index.search(&Query::default()).hits.len(), GENERATIONS);
}

/// `s` adapted from itself; `x` and `y` from each other, `t` (by `b`) from `x`; `m1` from `m2`
/// from `m3` from `m1`; `q` from `p`; `z` from `absent`, which the catalogue does not hold.
fn forged() -> Catalogue {
    let p = |id: &str, centre: &'static str, origin: Option<&str>| {
        (id.to_owned(), centre, origin.map(str::to_owned))
    };
    catalogue([
        p("s", "a", Some("s")),
        p("x", "a", Some("y")),
        p("y", "b", Some("x")),
        p("t", "b", Some("x")),
        p("m1", "a", Some("m2")),
        p("m2", "b", Some("m3")),
        p("m3", "a", Some("m1")),
        p("p", "a", None),
        p("q", "b", Some("p")),
        p("z", "b", Some("absent")),
    ])
}

#[test]
fn cycles_and_self_adaptations_are_found_each_once() {
    let c = forged();
    let ids = |cycles: &[&[&str]]| -> Vec<Vec<String>> {
        cycles
            .iter()
            .map(|c| c.iter().map(|s| s.to_string()).collect())
            .collect()
    };
    assert_eq!(
        adaptation_cycles(&c),
        ids(&[&["m1", "m2", "m3"], &["s"], &["x", "y"]])
    );
    // From the smallest id whatever the start; reached from a prototype that leads to it.
    assert_eq!(
        adaptation_cycles_from(&c, ["m3"]),
        ids(&[&["m1", "m2", "m3"]])
    );
    assert_eq!(adaptation_cycles_from(&c, ["t", "y"]), ids(&[&["x", "y"]]));
    assert!(adaptation_cycles_from(&c, ["q", "z", "absent"]).is_empty());
    // A deleted prototype has no origin: deleting one breaks its cycle.
    let mut c = c;
    c.prototypes.get_mut("m2").unwrap().heads[0].body = None;
    assert_eq!(adaptation_cycles(&c), ids(&[&["s"], &["x", "y"]]));
}

#[test]
fn walks_stop_at_a_cycle_and_ignore_its_links() {
    let c = forged();
    let facts = Facts::of(&c);
    let owned = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(ancestry(&c, "t"), owned(&["x"]));
    assert!(ancestry(&c, "x").is_empty());
    assert!(ancestry(&c, "s").is_empty());
    assert!(ancestry(&c, "m2").is_empty());
    assert_eq!(ancestry(&c, "q"), owned(&["p"]));
    assert_eq!(ancestry(&c, "z"), owned(&["absent"]));
    let member = |id: &str, depth| LineageMember {
        id: id.into(),
        depth,
    };
    assert_eq!(family(&c, &facts, "t"), [member("x", 0), member("t", 1)]);
    assert_eq!(family(&c, &facts, "x"), family(&c, &facts, "t"));
    assert_eq!(family(&c, &facts, "y"), [member("y", 0)]);
    assert_eq!(family(&c, &facts, "s"), [member("s", 0)]);
    assert_eq!(family(&c, &facts, "m1"), [member("m1", 0)]);
    let adapted = |id: &str| -> Vec<&str> { facts.adaptations(id).iter().map(|a| a.0).collect() };
    assert_eq!(adapted("x"), ["t"]);
    assert!(adapted("y").is_empty() && adapted("s").is_empty() && adapted("m3").is_empty());
    assert_eq!(adapted("p"), ["q"]);
}

#[test]
fn a_cycle_makes_no_prototype_reproduced_elsewhere() {
    let mut c = forged();
    // `x` (by a) is reproduced by `t` (by b), not by `y`; `y` is not reproduced by `x`.
    assert!(reproduced(&c, "x"));
    assert!(!reproduced(&c, "y"));
    assert!(!reproduced(&c, "m1") && !reproduced(&c, "m2") && !reproduced(&c, "m3"));
    assert!(reproduced(&c, "p"));
    c.prototypes.remove("t");
    assert!(!reproduced(&c, "x"));
    // Nothing is labelled without reports; the index agrees with the label.
    assert_eq!(label_counts(&c), (0, c.prototypes.len()));
    let index = Index::build(&c);
    assert_eq!(index.label_counts(), label_counts(&c));
    let facts = Facts::of(&c);
    for (id, p) in c.live_prototypes() {
        assert_eq!(label::assess_with(p, id, &facts).status, Status::Candidate);
    }
}

#[test]
fn cycles_count_as_no_adaptation_in_indicators_and_search() {
    let c = forged();
    // Only `t` (b from a's `x`) and `q` (b from a's `p`) count; `z`'s origin is absent.
    assert_eq!(
        compute(&c).adaptations,
        [("Centre a".to_owned(), "Centre b".to_owned(), 2)]
    );
    let index = Index::build(&c);
    let adaptations = |id: &str| {
        index
            .entries()
            .find(|e| e.id == id)
            .map(|e| e.adaptations)
            .unwrap()
    };
    assert_eq!(
        ["x", "y", "s", "m1", "m2", "m3", "p"].map(adaptations),
        [1, 0, 0, 0, 0, 0, 1]
    );
}

#[test]
fn closing_and_breaking_a_cycle_refreshes_every_prototype_on_it() {
    // m1 from m2 from m3 (by a, b, a): m2 and m3 are reproduced elsewhere.
    let p = |id: &str, centre: &'static str, origin: Option<&str>| {
        (id.to_owned(), centre, origin.map(str::to_owned))
    };
    let open = catalogue([
        p("m1", "a", Some("m2")),
        p("m2", "b", Some("m3")),
        p("m3", "a", None),
    ]);
    let mut closed = open.clone();
    closed
        .prototypes
        .insert("m3".into(), record("a", prototype("a", Some("m1"))));
    let seen = |index: &Index| {
        let mut entries: Vec<_> = index
            .entries()
            .map(|e| (e.id.clone(), e.adaptations, e.status))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries
    };
    let mut index = Index::build(&open);
    let change = [Changed::Prototype("m3".into())];
    // Closing: m2 is two links away from m3, and still loses its adaptation.
    assert_eq!(index.affected(&closed, &change), ["m1", "m2", "m3"]);
    index.refresh(&closed, &change);
    assert_eq!(seen(&index), seen(&Index::build(&closed)));
    assert!(seen(&index).iter().all(|e| e.1 == 0));
    // Breaking it again.
    assert_eq!(index.affected(&open, &change), ["m1", "m2", "m3"]);
    index.refresh(&open, &change);
    assert_eq!(seen(&index), seen(&Index::build(&open)));
    assert_eq!(
        seen(&index).iter().map(|e| e.1).collect::<Vec<_>>(),
        [0, 1, 1]
    );
}

#[test]
fn on_the_seed_every_family_is_a_well_formed_tree() {
    let c = common::seed();
    let facts = Facts::of(&c);
    for (id, _) in c.live_prototypes() {
        let members = family(&c, &facts, id);
        assert_eq!(members[0].depth, 0, "{id}: the original comes first");
        assert!(members.iter().any(|m| m.id == id), "{id} is in its family");
        // Depth first: each member is one generation below some member before it.
        for pair in members.windows(2) {
            assert!(pair[1].depth <= pair[0].depth + 1, "{id}: {pair:?}");
            assert!(pair[1].depth >= 1, "{id}: one original");
        }
        let mut ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), members.len(), "{id}: each member once");
    }
}

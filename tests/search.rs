//! Search over the shipped seed: folding, prefixes, ranking, facets, sorting, URL round trip.
#![cfg(not(target_arch = "wasm32"))]

use prototheque::label::Status;
use prototheque::model::{Catalogue, Theme, UsageKind};
use prototheque::search::{fold, Index, Query, Sort};

mod common;
use common::seed;

fn text_of(c: &Catalogue, id: &str) -> String {
    let p = c.prototype(id).unwrap();
    let centre = c.centre(&p.centre).unwrap();
    let mut t = vec![
        p.title.clone(),
        p.summary.clone(),
        p.public.clone(),
        p.scenario.clone(),
        p.theme.label().into(),
        p.kind.label().into(),
        centre.name.clone(),
        centre.commune.clone(),
    ];
    t.extend(p.tags.iter().cloned());
    t.extend(p.tools.iter().cloned());
    t.extend(p.livret.objectives.iter().cloned());
    t.extend(p.livret.steps.iter().map(|s| s.title.clone()));
    fold(&t.join(" "))
}

fn query(text: &str) -> Query {
    Query {
        text: text.into(),
        ..Query::default()
    }
}

#[test]
fn accent_and_case_insensitive_search_finds_every_matching_prototype() {
    let c = seed();
    let index = Index::build(&c);
    let hits = index.search(&query("DEMARCHES")).hits;
    assert!(hits.len() >= 5, "{}", hits.len());
    let ids: Vec<&str> = hits.iter().map(|&i| index.entry(i).id.as_str()).collect();
    // Exactly the prototypes whose indexed text holds the word.
    let expected: Vec<&str> = c
        .live_prototypes()
        .map(|(id, _)| id)
        .filter(|id| {
            text_of(&c, id)
                .split(|ch: char| !ch.is_alphanumeric())
                .any(|w| w == "demarches")
        })
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    assert_eq!(index.search(&query("démarches")).hits, hits);
}

#[test]
fn the_word_being_typed_matches_as_a_prefix() {
    let c = seed();
    let index = Index::build(&c);
    let hits = index.search(&query("pron")).hits;
    assert!(hits.len() >= 5);
    let starts = |id: &str| {
        text_of(&c, id)
            .split(|ch: char| !ch.is_alphanumeric())
            .any(|w| w.starts_with("pron"))
    };
    for &i in &hits {
        assert!(starts(&index.entry(i).id), "{}", index.entry(i).title);
    }
    assert_eq!(
        hits.len(),
        c.live_prototypes().filter(|(id, _)| starts(id)).count()
    );
    // Every word must match.
    assert!(index.search(&query("pronote radio")).hits.len() < hits.len());
    assert!(index.search(&query("zzzzzz")).hits.is_empty());
}

#[test]
fn a_title_match_ranks_above_a_body_match() {
    let index = Index::build(&seed());
    let hits = index.search(&query("radio")).hits;
    let first = index.entry(hits[0]);
    assert!(fold(&first.title).contains("radio"), "{}", first.title);
    let last = index.entry(*hits.last().unwrap());
    assert!(
        !fold(&last.title).contains("radio")
            || hits
                .iter()
                .all(|&i| fold(&index.entry(i).title).contains("radio"))
    );
}

#[test]
fn each_facet_narrows_and_its_counts_match_what_choosing_it_gives() {
    let index = Index::build(&seed());
    let all = index.search(&Query::default());
    assert_eq!(all.hits.len(), 48);
    assert_eq!(all.facets.themes.iter().map(|(_, n)| n).sum::<usize>(), 48);
    for &(theme, n) in &all.facets.themes {
        let r = index.search(&Query {
            theme: Some(theme),
            ..Query::default()
        });
        assert_eq!(r.hits.len(), n);
        assert!(r.hits.iter().all(|&i| index.entry(i).theme == theme));
        // The theme facet still shows the other themes' counts (you can switch).
        assert_eq!(r.facets.themes, all.facets.themes);
    }
    for (id, _, n) in &all.facets.centres {
        let r = index.search(&Query {
            centre: Some(id.clone()),
            ..Query::default()
        });
        assert_eq!(r.hits.len(), *n);
        assert_eq!(*n, 6);
    }
    for (territory, n) in &all.facets.territories {
        let r = index.search(&Query {
            territory: Some(territory.clone()),
            ..Query::default()
        });
        assert_eq!((r.hits.len(), *n), (24, 24));
    }
    for &(kind, n) in &all.facets.kinds {
        assert_eq!(
            index
                .search(&Query {
                    kind: Some(kind),
                    ..Query::default()
                })
                .hits
                .len(),
            n
        );
    }
    for &(status, n) in &all.facets.statuses {
        assert_eq!(
            index
                .search(&Query {
                    status: Some(status),
                    ..Query::default()
                })
                .hits
                .len(),
            n
        );
    }
    let labelled = all
        .facets
        .statuses
        .iter()
        .find(|(s, _)| *s == Status::Labelled)
        .unwrap()
        .1;
    assert!(labelled >= 3);
    let (rated, unrated) = all.facets.rated;
    assert_eq!(rated + unrated, 48);
    assert_eq!(
        index
            .search(&Query {
                rated: Some(false),
                ..Query::default()
            })
            .hits
            .len(),
        unrated
    );

    // Facets combine, and text combines with them.
    let q = Query {
        theme: Some(Theme::Parenting),
        kind: Some(UsageKind::Workshop),
        ..Query::default()
    };
    let r = index.search(&q);
    assert!(r
        .hits
        .iter()
        .all(|&i| index.entry(i).theme == Theme::Parenting
            && index.entry(i).kind == UsageKind::Workshop));
    let with_text = index.search(&Query {
        text: "pronote".into(),
        ..q
    });
    assert!(with_text.hits.len() <= r.hits.len());
}

#[test]
fn sorts_order_results_as_announced() {
    let index = Index::build(&seed());
    let recent = index
        .search(&Query {
            sort: Sort::Recent,
            ..Query::default()
        })
        .hits;
    assert!(recent
        .windows(2)
        .all(|w| index.entry(w[0]).updated >= index.entry(w[1]).updated));
    let rated = index
        .search(&Query {
            sort: Sort::BestRated,
            ..Query::default()
        })
        .hits;
    let avg = |i: usize| index.entry(i).average.unwrap_or(-1.0);
    assert!(rated.windows(2).all(|w| avg(w[0]) >= avg(w[1])));
    let adapted = index
        .search(&Query {
            sort: Sort::MostAdapted,
            ..Query::default()
        })
        .hits;
    assert!(adapted
        .windows(2)
        .all(|w| index.entry(w[0]).adaptations >= index.entry(w[1]).adaptations));
    assert!(index.entry(adapted[0]).adaptations >= 1);
}

#[test]
fn queries_round_trip_through_url_parameters() {
    let q = Query {
        text: "écran".into(),
        theme: Some(Theme::EAdministration),
        centre: Some("echo".into()),
        territory: Some("Lille Sud".into()),
        kind: Some(UsageKind::OnlineService),
        status: Some(Status::Candidate),
        rated: Some(false),
        sort: Sort::BestRated,
        page: 3,
    };
    let params = q.to_params();
    let back = Query::from_params(params.iter().map(|(k, v)| (*k, v.as_str())));
    assert_eq!(back, q);
    assert_eq!(q.secondary_choices(), 6);
    assert!(Query::default().to_params().is_empty());
    assert_eq!(Query::default().secondary_choices(), 0);
    // The words and the theme are not behind « Autres filtres et tri ».
    let first = Query {
        text: "radio".into(),
        theme: Some(Theme::EAdministration),
        page: 2,
        ..Query::default()
    };
    assert_eq!(first.secondary_choices(), 0);
    // Bad values in a shared link are ignored, not fatal.
    let odd = Query::from_params([("theme", "sport"), ("tri", "???"), ("q", "  radio ")]);
    assert_eq!(
        odd,
        Query {
            text: "radio".into(),
            ..Query::default()
        }
    );
}

#[test]
fn pages_cut_long_result_lists() {
    use prototheque::search::PAGE_SIZE;
    let q = Query {
        page: 2,
        ..Query::default()
    };
    assert_eq!(q.page_range(130), PAGE_SIZE..2 * PAGE_SIZE);
    assert_eq!(
        Query {
            page: 9,
            ..Query::default()
        }
        .page_range(130),
        2 * PAGE_SIZE..130
    );
    assert_eq!(Query::default().page_range(0), 0..0);
    assert_eq!(Query::from_params([("page", "0")]).page, 1);
    assert!(Query {
        page: 4,
        ..Query::default()
    }
    .is_unfiltered());
}

#[test]
fn centres_are_found_by_any_part_of_their_name() {
    let c = seed();
    let all = Index::build(&c).search(&Query::default());
    let names = |text: &str, limit: usize| {
        let (shown, total) = all.facets.centres_named(text, limit);
        (
            shown
                .iter()
                .map(|(_, name, _)| name.as_str())
                .collect::<Vec<_>>(),
            total,
        )
    };
    // Accents, case and word order aside; every typed word must be in the name.
    assert_eq!(
        names("bethune", 8),
        (vec!["Centre social du Faubourg de Béthune"], 1)
    );
    assert_eq!(
        names("BÉTHUNE faub", 8),
        (vec!["Centre social du Faubourg de Béthune"], 1)
    );
    assert_eq!(names("l'écho", 8), (vec!["Centre social l'Echo"], 1));
    assert_eq!(
        names("lempins", 8),
        (vec!["Centre social des Phalempins"], 1)
    );
    // Many matches: the first ones by name, and how many there are.
    let (shown, total) = names("centre social", 3);
    assert_eq!(total, 8);
    let in_facet_order: Vec<&str> = all
        .facets
        .centres
        .iter()
        .map(|(_, n, _)| n.as_str())
        .filter(|n| n.contains("Centre social"))
        .take(3)
        .collect();
    assert_eq!(shown, in_facet_order);
    // Nothing typed, or nothing that matches: no suggestion.
    assert_eq!(names("  ", 8), (vec![], 0));
    assert_eq!(names("marseille", 8), (vec![], 0));
    // The counts come with the names, as the facet gives them.
    let (shown, _) = all.facets.centres_named("echo", 1);
    assert_eq!(
        shown[0].2,
        all.facets
            .centres
            .iter()
            .find(|(_, n, _)| n.contains("Echo"))
            .unwrap()
            .2
    );
}

// ---- Incremental updates: refreshing after changes gives what a rebuild gives. ----

use proptest::prelude::*;
use prototheque::exchange::with_edit;
use prototheque::model::{adaptation_cycles, ancestry, Criteria, ForkOrigin, Rating};
use prototheque::search::Changed;

#[derive(Clone, Debug)]
enum Edit {
    Retitle(usize, usize),
    Delete(usize),
    Report(usize, usize, u8),
    RenameCentre(usize, usize),
    Adapt(usize, usize),
    /// A prototype now says it was adapted from another (or from itself): cycles close and
    /// break, as forged or old stored data can make them.
    Readapt(usize, usize),
    /// A chain of new adaptations below a prototype (generations, first centre).
    Extend(usize, usize, usize),
    /// The original of the deepest prototype's lineage now says it was adapted from it: a
    /// cycle through the whole chain (a self-adaptation for an original).
    CloseLoop(usize),
    /// A prototype on a cycle now says it is an original.
    BreakLoop(usize),
}

const WORDS: [&str; 5] = ["radio", "Démarches", "jardin partagé", "écran", "zzz"];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0..WORDS.len()).prop_map(|(p, w)| Edit::Retitle(p, w)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), any::<usize>(), 1u8..=5).prop_map(|(p, c, n)| Edit::Report(p, c, n)),
        (any::<usize>(), 0..WORDS.len()).prop_map(|(c, w)| Edit::RenameCentre(c, w)),
        (any::<usize>(), any::<usize>()).prop_map(|(p, c)| Edit::Adapt(p, c)),
        (any::<usize>(), any::<usize>()).prop_map(|(p, o)| Edit::Readapt(p, o)),
        (any::<usize>(), 1..4usize, any::<usize>()).prop_map(|(p, g, c)| Edit::Extend(p, g, c)),
        any::<usize>().prop_map(Edit::CloseLoop),
        any::<usize>().prop_map(Edit::BreakLoop),
    ]
}

const AT: &str = "2030-01-01T00:00:00Z";

/// Applies `edit` to `c` and says what changed.
fn play(c: &mut Catalogue, edit: &Edit, n: usize) -> Vec<Changed> {
    let live: Vec<String> = c.live_prototypes().map(|(id, _)| id.to_owned()).collect();
    let centres: Vec<String> = c.live_centres().map(|(id, _)| id.to_owned()).collect();
    if live.is_empty() {
        return Vec::new();
    }
    match *edit {
        Edit::Retitle(p, w) => {
            let id = &live[p % live.len()];
            let mut body = c.prototype(id).unwrap().clone();
            body.title = format!("{} {}", WORDS[w], n);
            let author = body.centre.clone();
            let r = with_edit(c.prototypes.get(id), &author, AT, Some(body));
            c.prototypes.insert(id.clone(), r);
            vec![Changed::Prototype(id.clone())]
        }
        Edit::Delete(p) => {
            let id = &live[p % live.len()];
            let author = c.prototype(id).unwrap().centre.clone();
            let r = with_edit(c.prototypes.get(id), &author, AT, None);
            c.prototypes.insert(id.clone(), r);
            vec![Changed::Prototype(id.clone())]
        }
        Edit::Report(p, centre, note) => {
            let prototype = live[p % live.len()].clone();
            let centre = centres[centre % centres.len()].clone();
            let id = Rating::id_for(&prototype, &centre);
            let body = Rating {
                prototype: prototype.clone(),
                centre: centre.clone(),
                note,
                criteria: Criteria::default(),
                comment: "Bien".into(),
                participants: 3,
                date: "2030-01-01".into(),
            };
            let r = with_edit(c.ratings.get(&id), &centre, AT, Some(body));
            c.ratings.insert(id, r);
            vec![Changed::ReportOn(prototype)]
        }
        Edit::RenameCentre(centre, w) => {
            let id = &centres[centre % centres.len()];
            let mut body = c.centre(id).unwrap().clone();
            body.name = format!("Centre {} {n}", WORDS[w]);
            let r = with_edit(c.centres.get(id), id, AT, Some(body));
            c.centres.insert(id.clone(), r);
            vec![Changed::Centre(id.clone())]
        }
        Edit::Adapt(p, centre) => {
            let parent = live[p % live.len()].clone();
            let centre = centres[centre % centres.len()].clone();
            let mut body = c.prototype(&parent).unwrap().clone();
            body.centre = centre.clone();
            body.forked_from = Some(ForkOrigin {
                prototype: parent.clone(),
                revision: 1,
                extra: Default::default(),
            });
            let id = format!("adaptation-{n}");
            c.prototypes
                .insert(id.clone(), with_edit(None, &centre, AT, Some(body)));
            vec![Changed::Prototype(id)]
        }
        Edit::Readapt(p, origin) => {
            let origin = live[origin % live.len()].clone();
            set_origin(c, &live[p % live.len()], Some(origin))
        }
        Edit::Extend(p, generations, centre) => {
            let mut origin = live[p % live.len()].clone();
            let mut changes = Vec::new();
            for g in 0..generations {
                let centre = centres[(centre + g) % centres.len()].clone();
                let mut body = c.prototype(&origin).unwrap().clone();
                body.centre = centre.clone();
                body.forked_from = Some(ForkOrigin {
                    prototype: origin.clone(),
                    revision: 1,
                    extra: Default::default(),
                });
                let id = format!("generation-{n}-{g}");
                c.prototypes
                    .insert(id.clone(), with_edit(None, &centre, AT, Some(body)));
                changes.push(Changed::Prototype(id.clone()));
                origin = id;
            }
            changes
        }
        Edit::CloseLoop(p) => {
            // The deepest prototype (the first after `p` among equals), so that the cycle is long.
            let depth = |id: &String| ancestry(c, id).len();
            let rotated = live.iter().cycle().skip(p % live.len()).take(live.len());
            let deepest = rotated
                .min_by_key(|id| std::cmp::Reverse(depth(id)))
                .unwrap()
                .clone();
            let original = ancestry(c, &deepest)
                .into_iter()
                .rev()
                .find(|a| c.prototype(a).is_some())
                .unwrap_or_else(|| deepest.clone());
            set_origin(c, &original, Some(deepest))
        }
        Edit::BreakLoop(p) => {
            let looped: Vec<String> = adaptation_cycles(c).into_iter().flatten().collect();
            if looped.is_empty() {
                return Vec::new();
            }
            set_origin(c, &looped[p % looped.len()], None)
        }
    }
}

/// Prototype `id` now says it was adapted from `origin`.
fn set_origin(c: &mut Catalogue, id: &str, origin: Option<String>) -> Vec<Changed> {
    let mut body = c.prototype(id).unwrap().clone();
    body.forked_from = origin.map(|prototype| ForkOrigin {
        prototype,
        revision: 1,
        extra: Default::default(),
    });
    let author = body.centre.clone();
    let r = with_edit(c.prototypes.get(id), &author, AT, Some(body));
    c.prototypes.insert(id.to_owned(), r);
    vec![Changed::Prototype(id.to_owned())]
}

/// Every entry, by id: what each card shows and what sorts and facets read.
fn entries(index: &Index) -> Vec<&prototheque::search::Entry> {
    let mut entries: Vec<_> = index.entries().collect();
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    entries
}

/// What a person sees of an index: for several queries, the hits (as ids, in order) and facets.
fn seen(index: &Index, c: &Catalogue) -> Vec<(Vec<String>, prototheque::search::Facets)> {
    let first_centre = c.live_centres().next().map(|(id, _)| id.to_owned());
    let queries = [
        Query::default(),
        query("radio"),
        query("demarch"),
        query("jardin par"),
        query("centre"),
        Query {
            sort: Sort::BestRated,
            ..Query::default()
        },
        Query {
            sort: Sort::MostAdapted,
            centre: first_centre,
            ..Query::default()
        },
        Query {
            status: Some(Status::Candidate),
            sort: Sort::Recent,
            ..Query::default()
        },
    ];
    queries
        .iter()
        .map(|q| {
            let r = index.search(q);
            let ids = r.hits.iter().map(|&i| index.entry(i).id.clone()).collect();
            (ids, r.facets)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn refreshing_after_changes_equals_rebuilding(
        edits in prop::collection::vec(edit(), 1..12),
        seed_n in 0u64..1000,
    ) {
        let mut c = prototheque::synth::catalogue(40, 6, seed_n);
        let mut index = Index::build(&c);
        for (n, e) in edits.iter().enumerate() {
            let changes = play(&mut c, e, n);
            index.refresh(&c, &changes);
            let rebuilt = Index::build(&c);
            prop_assert_eq!(index.len(), rebuilt.len());
            prop_assert_eq!(entries(&index), entries(&rebuilt), "after {:?}", e);
            prop_assert_eq!(seen(&index, &c), seen(&rebuilt, &c), "after {:?}", e);
        }
    }
}

#[test]
fn a_report_change_names_its_prototype_even_when_withdrawn() {
    let body = Rating {
        prototype: "radio".into(),
        centre: "echo".into(),
        note: 4,
        criteria: Criteria::default(),
        comment: "Bien".into(),
        participants: 3,
        date: "2030-01-01".into(),
    };
    let id = Rating::id_for("radio", "echo");
    let given = with_edit(None, "echo", AT, Some(body));
    let withdrawn = with_edit(Some(&given), "echo", "2030-02-01T00:00:00Z", None::<Rating>);
    assert!(withdrawn.current().is_none());
    assert_eq!(
        Changed::report(&id, &given),
        Changed::ReportOn("radio".into())
    );
    assert_eq!(
        Changed::report(&id, &withdrawn),
        Changed::ReportOn("radio".into())
    );
}

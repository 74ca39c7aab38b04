//! Deterministic synthetic catalogues for benchmarks and scale tests: N prototypes from C centres,
//! with full livrets, adaptations and experience reports, all valid for the exchange door;
//! `feeds` (native only) signs them and writes them as centre feeds.

#[cfg(not(target_arch = "wasm32"))]
pub mod feeds;

use crate::exchange::{with_edit, Document};
use crate::model::{
    Catalogue, Centre, Criteria, ForkOrigin, Livret, Prototype, Rating, Resource, Step, Theme,
    UsageKind,
};

/// Small, fast, deterministic generator (xorshift64*), so a seed always gives the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ACTIVITIES: &[&str] = &[
    "Atelier",
    "Permanence",
    "Café",
    "Parcours",
    "Défi",
    "Club",
    "Balade",
    "Rendez-vous",
    "Chantier",
    "Laboratoire",
];
const SUBJECTS: &[&str] = &[
    "démarches CAF en ligne",
    "compte Ameli",
    "Pronote pour les parents",
    "web radio du quartier",
    "réparation de téléphones",
    "visio avec la famille",
    "carte participative uMap",
    "sécurité sur internet",
    "recherche d'emploi sur France Travail",
    "déclaration d'impôts en ligne",
    "photos et réseaux sociaux",
    "tablettes pour les aînés",
    "traduction de courriers",
    "coffre-fort numérique",
    "podcast des habitants",
    "ordinateurs reconditionnés",
    "groupe WhatsApp du quartier",
    "code pour les enfants",
    "ENT du collège",
    "prise de rendez-vous médicaux en ligne",
];
const PUBLICS: &[&str] = &[
    "parents d'élèves",
    "aînés isolés",
    "jeunes de 12 à 17 ans",
    "femmes des ateliers sociolinguistiques",
    "demandeurs d'emploi",
    "familles du quartier",
    "habitants éloignés du numérique",
    "bénévoles du centre",
];
const TOOLS: &[&str] = &[
    "Tablette Android",
    "Ordinateur portable",
    "Smartphone",
    "Vidéoprojecteur",
    "Site caf.fr",
    "Application Ameli",
    "uMap",
    "Audacity",
    "WhatsApp",
    "Pronote",
    "FranceConnect",
    "Imprimante",
    "Enregistreur audio",
];
const VERBS: &[&str] = &[
    "Découvrir",
    "Pratiquer",
    "Accompagner",
    "Présenter",
    "Tester",
    "Partager",
    "Évaluer",
];
const TOWNS: &[&str] = &[
    "Lille",
    "Roubaix",
    "Tourcoing",
    "Lens",
    "Amiens",
    "Lyon",
    "Marseille",
    "Nantes",
    "Rennes",
    "Metz",
];

fn sentence(rng: &mut Rng, subject: &str, public: &str) -> String {
    format!(
        "{} {} avec des {} : {} en petit groupe, {} et bilan partagé.",
        rng.pick(VERBS),
        subject,
        public,
        rng.pick(&[
            "mise en pratique",
            "exercices guidés",
            "démonstration",
            "jeu de rôle"
        ]),
        rng.pick(&[
            "entraide entre habitants",
            "fiches mémo",
            "accompagnement individuel",
            "temps d'échange"
        ])
    )
}

/// A catalogue of `prototypes` prototypes shared by `centres` centres, deterministic from `seed`.
pub fn catalogue(prototypes: usize, centres: usize, seed: u64) -> Catalogue {
    let mut rng = Rng(seed.max(1));
    let at = "2026-06-01T10:00:00Z";
    let mut c = Catalogue::default();
    for i in 0..centres.max(1) {
        let id = format!("centre-{i:04}");
        let town = rng.pick(TOWNS);
        let centre = Centre {
            name: format!("Centre social n° {i} de {town}"),
            territory: format!("Territoire {}", i % 50),
            commune: town.to_owned(),
            tiers_lieu: format!("Tiers-lieu {i}"),
            keys: Vec::new(),
            revoked: Vec::new(),
        };
        c.centres
            .insert(id.clone(), with_edit(None, &id, at, Some(centre)));
    }
    let centre_of = |i: usize| format!("centre-{:04}", i % centres.max(1));
    for i in 0..prototypes {
        let id = format!("proto-{i:06}");
        let centre = centre_of(i * 7 + 3);
        let subject = rng.pick(SUBJECTS);
        let public = rng.pick(PUBLICS);
        let steps = (0..3 + rng.below(4))
            .map(|s| Step {
                title: format!("Étape {} : {}", s + 1, rng.pick(VERBS).to_lowercase()),
                description: sentence(&mut rng, subject, public),
                duration: format!("{} min", 15 + 5 * rng.below(10)),
                extra: Default::default(),
            })
            .collect();
        let forked_from = (i > 10 && rng.below(10) == 0).then(|| ForkOrigin {
            prototype: format!("proto-{:06}", rng.below(i)),
            revision: 1,
            extra: Default::default(),
        });
        let prototype = Prototype {
            title: format!("{} {} n° {i}", rng.pick(ACTIVITIES), subject),
            summary: sentence(&mut rng, subject, public),
            theme: Theme::ALL[rng.below(Theme::ALL.len())],
            centre: centre.clone(),
            kind: UsageKind::ALL[rng.below(UsageKind::ALL.len())],
            public: format!("Des {public}."),
            scenario: format!(
                "Choisi par les habitants lors d'un atelier : {}",
                sentence(&mut rng, subject, public)
            ),
            tools: (0..1 + rng.below(4))
                .map(|_| rng.pick(TOOLS).to_owned())
                .collect(),
            licence: "CC BY-SA 4.0".into(),
            tags: vec![
                subject
                    .split(' ')
                    .next()
                    .unwrap_or("numérique")
                    .to_lowercase(),
                public.split(' ').next().unwrap_or("").to_owned(),
            ],
            created: format!("2026-{:02}-{:02}", 1 + rng.below(9), 1 + rng.below(28)),
            forked_from,
            livret: Livret {
                objectives: vec![
                    format!("{} {subject}", rng.pick(VERBS)),
                    "Gagner en autonomie".into(),
                ],
                public: format!("{} à {} {public}", 4 + rng.below(4), 8 + rng.below(8)),
                duration: format!("{} séances de {} h", 1 + rng.below(4), 1 + rng.below(3)),
                group_size: format!("{} à {} participants", 4 + rng.below(4), 8 + rng.below(8)),
                materials: (0..2 + rng.below(3))
                    .map(|_| rng.pick(TOOLS).to_owned())
                    .collect(),
                cost: format!("Environ {} €", 10 * rng.below(30)),
                preparation: vec![
                    "Réserver la salle et le matériel".into(),
                    "Prévenir les participants".into(),
                ],
                steps,
                facilitation_tips: vec![sentence(&mut rng, subject, public)],
                pitfalls: vec!["Prévoir du temps pour les identifiants oubliés".into()],
                evaluation: vec![
                    "Nombre de participants".into(),
                    "Démarches réalisées seuls après l'atelier".into(),
                ],
                resources: vec![Resource {
                    title: "Les Bons Clics".into(),
                    url: "https://www.lesbonsclics.fr/".into(),
                    extra: Default::default(),
                }],
                extra: Default::default(),
            },
        };
        c.prototypes
            .insert(id.clone(), with_edit(None, &centre, at, Some(prototype)));
        for _ in 0..rng.below(4) {
            let rater = centre_of(rng.below(centres.max(1)));
            let rating = Rating {
                prototype: id.clone(),
                centre: rater.clone(),
                note: 1 + rng.below(5) as u8,
                criteria: Criteria {
                    reproducibility: Some(1 + rng.below(5) as u8),
                    ..Default::default()
                },
                comment: sentence(&mut rng, subject, public),
                participants: 3 + rng.below(20) as u32,
                date: "2026-07-01".into(),
            };
            let rid = Rating::id_for(&id, &rater);
            c.ratings
                .insert(rid, with_edit(None, &rater, at, Some(rating)));
        }
    }
    c
}

/// [`catalogue`] wrapped as an exchange document.
pub fn document(prototypes: usize, centres: usize, seed: u64) -> Document {
    Document {
        exported_at: Some("2026-06-01T10:00:00Z".into()),
        exported_by: None,
        feed: None,
        catalogue: catalogue(prototypes, centres, seed),
        extra: Default::default(),
    }
}

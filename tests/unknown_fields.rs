//! Issue 19.6–8: texts cannot hide what they show, unknown fields are kept exactly and within
//! bounds, and no file can make the door build a tree much larger than the file.
#![cfg(not(target_arch = "wasm32"))]

use prototheque::exchange::{
    export, read_document, read_document_plain, read_prototype_record, record_json, Limits,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/hostile/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

const NUMBERS: [&str; 7] = [
    "12345678901234567890123",
    "-98765432109876543210",
    "0.1000000000000000000001",
    "1.50",
    "1e3",
    "2E-7",
    "-0.0",
];

#[test]
fn numbers_in_unknown_fields_come_back_exactly_from_export_and_storage() {
    let doc = read_document(
        &fixture("unknown-field-numbers-are-exact"),
        &Limits::default(),
    )
    .unwrap();
    let exported = String::from_utf8(export(&doc)).unwrap();
    for n in NUMBERS {
        assert!(
            exported.contains(&format!("      {n}")),
            "export: {n}\n{exported}"
        );
    }
    // Again and again: export, read, export gives the same bytes.
    let again = read_document(exported.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(again, doc);
    assert_eq!(String::from_utf8(export(&again)).unwrap(), exported);
    // Storage keeps each record as compact JSON: read back, the numbers are the same.
    let (id, record) = doc.catalogue.prototypes.iter().next().unwrap();
    let row = record_json(id, record);
    for n in NUMBERS {
        assert!(row.contains(n), "row: {n}\n{row}");
    }
    let (_, back) = read_prototype_record(&row).unwrap();
    assert_eq!(&back, record);
}

/// The hostile file, smaller: one record whose unknown field is a very wide list. The
/// parse stops at the bound, sliced or whole, with the same French message and place.
#[test]
fn a_record_past_a_million_values_is_refused_before_it_is_built() {
    let base = String::from_utf8(fixture("unknown-fields-are-kept")).unwrap();
    let cut = base.find("\"couleur\"").unwrap();
    let mut wide = String::from(&base[..cut]);
    wide.push_str("\"large\": [0");
    for _ in 0..1_000_000 {
        wide.push_str(",0");
    }
    wide.push_str("],\n");
    wide.push_str(&base[cut..]);
    let sliced = read_document(wide.as_bytes(), &Limits::default()).unwrap_err();
    let plain = read_document_plain(wide.as_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(sliced, plain);
    let message = sliced.to_string();
    assert!(
        message.contains("enregistrement trop volumineux (ligne 37, colonne")
            && message.contains("au plus 1 000 000 valeurs"),
        "{message}"
    );
}

#[test]
fn a_record_nested_past_the_bound_is_refused_sliced_or_whole() {
    let base = String::from_utf8(fixture("unknown-fields-are-kept")).unwrap();
    let cut = base.find("\"couleur\"").unwrap();
    let deep = format!("\"profond\": {}0{},\n", "[".repeat(40), "]".repeat(40));
    let file = format!("{}{deep}{}", &base[..cut], &base[cut..]);
    let sliced = read_document(file.as_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(
        sliced,
        read_document_plain(file.as_bytes(), &Limits::default()).unwrap_err()
    );
    assert!(
        sliced.to_string().contains("imbriquées trop profondément"),
        "{sliced}"
    );
}

/// Every class of invisible character, in a known text and in an unknown field.
#[test]
fn invisible_characters_are_refused_in_known_and_unknown_texts() {
    let base = String::from_utf8(fixture("unknown-fields-are-kept")).unwrap();
    let with = |title: &str, unknown: &str| {
        let file = base
            .replace("Web radio du quartier", title)
            .replace("\"vert\"", &serde_json::to_string(unknown).unwrap());
        read_document(file.as_bytes(), &Limits::default())
    };
    for hidden in [
        "\u{202A}",
        "\u{202B}",
        "\u{202C}",
        "\u{202D}",
        "\u{202E}",
        "\u{2066}",
        "\u{2067}",
        "\u{2068}",
        "\u{2069}",
        "\u{E0001}",
        "\u{E0041}",
        "\u{E007F}",
        "\u{1}",
        "\u{1b}",
        "\u{7f}",
        "\u{85}",
        "\u{9f}",
    ] {
        let text = format!("Radio {hidden}du quartier");
        assert!(with(&text, "vert").is_err(), "title with {hidden:?}");
        let problems = with("Web radio", &text).unwrap_err().to_string();
        assert!(
            problems.starts_with("prototypes[0].couleur : le champ inconnu "),
            "unknown field with {hidden:?}: {problems}"
        );
    }
    for only in [
        "\u{200B}",
        "\u{200C}\u{200D}",
        "\u{FEFF}",
        "\u{2060} \u{00AD}",
    ] {
        assert!(with(only, "vert").is_err(), "title {only:?}");
        assert!(with("Web radio", only).is_err(), "unknown {only:?}");
    }
    for fine in [
        "Atelier « Démarches » à l'été",
        "👩‍👩‍👧 famille",
        "Drapeau 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
        "Cours d'arabe \u{200F}مرحبا",
        "Café\u{301} 🙂",
    ] {
        assert!(with(fine, fine).is_ok(), "{fine:?}");
    }
}

/// Known texts are checked on bytes (fast), unknown ones on characters: the two agree on every
/// character of the ranges where invisible ones live, alone or among visible ones.
#[test]
fn known_and_unknown_texts_follow_the_same_rules() {
    let base = String::from_utf8(fixture("unknown-fields-are-kept")).unwrap();
    let refused = |title: &str, unknown: &str| {
        let file = base
            .replace(
                "\"Web radio du quartier\"",
                &serde_json::to_string(title).unwrap(),
            )
            .replace("\"vert\"", &serde_json::to_string(unknown).unwrap());
        read_document(file.as_bytes(), &Limits::default()).is_err()
    };
    let ranges = [
        0..0x250,
        0x0340..0x0350,
        0x0600..0x0620,
        0x1100..0x1200,
        0x17B0..0x1810,
        0x2000..0x2070,
        0x3160..0x3170,
        0xFE00..0xFF00,
        0xFFA0..0xFFFF,
        0x1BCA0..0x1BCA4,
        0x1D170..0x1D180,
        0x1F3F0..0x1F3F8,
        0xE0000..0xE0100,
    ];
    for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
        // Known texts are trimmed first: white space is compared only inside a text.
        let alone = (!c.is_whitespace()).then(|| c.to_string());
        let inside = [format!("Radio {c} quartier"), format!("é{c}é")];
        for text in inside.into_iter().chain(alone) {
            assert_eq!(
                refused(&text, "vert"),
                refused("Web radio", &text),
                "U+{:04X} in {text:?}",
                c as u32
            );
        }
    }
}

//! The format's promise that a text holds no invisible control characters, for texts the door
//! knows and for those inside unknown fields alike: what is refused, and why, in French.
//!
//! Refused: the bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069),
//! which reorder what is shown (the "Trojan Source" trick); Unicode tag characters
//! (U+E0000–E007F) outside an emoji tag sequence (a subdivision flag such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿: U+1F3F4,
//! tags, then U+E007F); and a text made only of invisible characters (zero-width spaces and
//! joiners, direction marks, variation selectors, the soft hyphen… with white space), which shows
//! as nothing. Kept: invisible characters among visible ones where writing needs them — the
//! zero-width joiner inside emoji (👩‍👩‍👧), the direction marks of Arabic or Hebrew text.
//! C0 and C1 control characters are refused by the readers themselves (long texts keep their
//! line breaks).

/// Why a text is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Invisible {
    Bidi,
    Tag,
    ShowsNothing,
}

impl Invisible {
    pub fn message(self) -> &'static str {
        match self {
            Invisible::Bidi => {
                "le texte contient des caractères invisibles de contrôle de la direction \
                 d'écriture (U+202A–U+202E, U+2066–U+2069), qui changent l'ordre de ce qui \
                 est affiché"
            }
            Invisible::Tag => {
                "le texte contient des caractères d'étiquette Unicode invisibles \
                 (U+E0000–U+E007F)"
            }
            Invisible::ShowsNothing => "le texte ne contient que des caractères invisibles",
        }
    }
}

/// A bidirectional embedding, override or isolate.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0000}'..='\u{E007F}')
}

/// Shows as nothing: Unicode's default-ignorable code points (zero-width characters, joiners,
/// direction marks, variation selectors, the soft hyphen, fillers…).
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Checks a text (control characters apart) against the rules of the module doc.
pub(super) fn check(text: &str) -> Result<(), Invisible> {
    let mut visible = false;
    // Inside an emoji tag sequence: after U+1F3F4 (black flag), until the cancel tag U+E007F.
    let mut in_flag = false;
    let mut after_flag = false;
    for c in text.chars() {
        if is_bidi_control(c) {
            return Err(Invisible::Bidi);
        }
        if is_tag(c) {
            match c {
                '\u{E0020}'..='\u{E007E}' if after_flag || in_flag => in_flag = true,
                '\u{E007F}' if in_flag => in_flag = false,
                _ => return Err(Invisible::Tag),
            }
            after_flag = false;
            continue;
        }
        if in_flag {
            // A tag sequence must end with its cancel tag.
            return Err(Invisible::Tag);
        }
        after_flag = c == '\u{1F3F4}';
        visible |= !(c.is_whitespace() || c.is_control() || is_invisible(c));
    }
    if in_flag {
        return Err(Invisible::Tag);
    }
    if !visible && !text.is_empty() {
        return Err(Invisible::ShowsNothing);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legit_text_is_kept() {
        for text in [
            "Atelier « Démarches CAF » : l'été, à Œuilly",
            "Famille 👩‍👩‍👧 et drapeau 🏴󠁧󠁢󠁳󠁣󠁴󠁿 écossais",
            "Cours d'arabe : \u{200F}مرحبا\u{200F}",
            "deux\nlignes",
            "",
        ] {
            assert_eq!(check(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn hidden_text_is_refused() {
        for (text, why) in [
            ("Titre \u{202E}evil", Invisible::Bidi),
            ("\u{2066}isolé\u{2069}", Invisible::Bidi),
            ("caché\u{E0041}\u{E0042}", Invisible::Tag),
            ("\u{1F3F4}\u{E0067}\u{E0062}", Invisible::Tag),
            ("\u{E0001}\u{E0066}\u{E0072}", Invisible::Tag),
            ("\u{200B}", Invisible::ShowsNothing),
            ("\u{200B}\u{200D}\u{FEFF} \u{2060}", Invisible::ShowsNothing),
            ("\u{00AD}", Invisible::ShowsNothing),
        ] {
            assert_eq!(check(text), Err(why), "{text:?}");
        }
    }
}

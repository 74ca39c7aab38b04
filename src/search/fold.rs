pub use crate::model::fold;

/// Short French words that carry no meaning for search.
const STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "en", "et", "la", "le", "les",
    "leur", "ou", "par", "pour", "qui", "que", "sa", "se", "ses", "son", "sur", "un", "une",
];

/// The searchable words of `text`: folded, split on anything that is not a letter or digit
/// (elisions like "l'école" give "ecole"), without one-letter words and stop words.
pub fn tokens(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_token(text, |w| words.push(w.to_owned()));
    words
}

/// Calls `f` with each of [`tokens`]' words, without allocating one string per word.
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        // Stop words are all short: longer words skip the look-up.
        .filter(|w| w.chars().nth(1).is_some() && !(w.len() <= 4 && STOP_WORDS.contains(w)))
        .for_each(&mut f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_accents_case_and_ligatures() {
        assert_eq!(
            fold("Démarches À l'École — Œuvre"),
            "demarches a l'ecole — oeuvre"
        );
    }

    #[test]
    fn stop_words_are_short_enough_for_the_quick_check() {
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 4));
    }

    #[test]
    fn tokens_split_elisions_and_drop_stop_words() {
        assert_eq!(
            tokens("Suivre l'école de son enfant, en 6e !"),
            ["suivre", "ecole", "enfant", "6e"]
        );
        assert_eq!(tokens("d'E-administration"), ["administration"]);
    }
}

use std::fmt;

/// One thing wrong with an outside file, in French, located by its JSON path
/// (`prototypes[3].titre`). The path is empty for problems with the file as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} : {}", self.path, self.message)
        }
    }
}

/// Every problem found in a file (not just the first), capped so a hostile file cannot make the
/// list itself huge; `omitted` counts the ones not listed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    pub list: Vec<Problem>,
    pub omitted: usize,
}

impl Problems {
    /// How many problems are listed at most.
    pub const CAP: usize = 200;

    pub fn push(&mut self, path: String, message: String) {
        if self.list.len() < Self::CAP {
            self.list.push(Problem { path, message });
        } else {
            self.omitted += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len() + self.omitted
    }

    /// A one-line French summary for a status message.
    pub fn summary(&self) -> String {
        match self.len() {
            0 => "Aucun problème.".to_owned(),
            1 => "Le fichier contient 1 erreur ; rien n'a été importé.".to_owned(),
            n => format!("Le fichier contient {n} erreurs ; rien n'a été importé."),
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.list {
            writeln!(f, "{problem}")?;
        }
        if self.omitted > 0 {
            writeln!(f, "… et {} autres erreurs.", self.omitted)?;
        }
        Ok(())
    }
}

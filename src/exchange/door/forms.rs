//! Content typed in a form, checked by the very rules applied to files (one source of truth).
//! Paths are relative to the content: `titre`, `livret.deroule[2].description`.

use super::entities::{centre, prototype, rating};
use super::fields::{Cx, Fields, Path};
use super::reading::json_error_message;
use super::values::valid_id;
use crate::exchange::json::{self, Value};
use crate::exchange::Problems;
use crate::model::{Centre, Prototype, Rating};
use serde::Serialize;

/// The problems `body` finds in `content` written as it would be in a file.
fn check<T: Serialize>(content: &T, body: fn(&mut Cx, &mut Fields) -> Option<T>) -> Problems {
    let mut problems = Problems::default();
    let json = serde_json::to_vec(content).expect("in-memory data serialises");
    let value = match json::parse(&json) {
        Ok(value) => value,
        Err(e) => {
            problems.push(String::new(), json_error_message(&e));
            return problems;
        }
    };
    if let Value::Object(obj) = &value {
        body(
            &mut Cx::new(&mut problems),
            &mut Fields::new(obj, Path::Root),
        );
    }
    problems
}

pub fn check_prototype(p: &Prototype) -> Problems {
    check(p, prototype)
}

pub fn check_centre(c: &Centre) -> Problems {
    check(c, centre)
}

pub fn check_rating(r: &Rating) -> Problems {
    check(r, rating)
}

/// True when `candidate` is a valid record id (lowercase ASCII letters, digits, dashes).
pub fn is_valid_id(candidate: &str) -> bool {
    valid_id(candidate)
}

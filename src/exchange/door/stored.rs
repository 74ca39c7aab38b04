//! One record as storage keeps it (the compact JSON `record_json` writes), read by the rules a
//! file's entries are read by; its references are not checked here (they are, for the whole
//! catalogue, when it is loaded through [`read_document`](super::read_document)).

use super::entities::{CENTRE, PROTOTYPE, RATING};
use super::fields::{Cx, Path};
use super::reading::json_error_message;
use super::record::{record, Kind};
use crate::exchange::json;
use crate::exchange::Problems;
use crate::model::{Centre, Prototype, Rating, Record};
use serde::Serialize;

fn read_one<T: Serialize>(json: &str, kind: &Kind<T>) -> Result<(String, Record<T>), Problems> {
    let mut problems = Problems::default();
    let value = match json::parse(json.as_bytes()) {
        Ok(value) => value,
        Err(e) => {
            problems.push(String::new(), json_error_message(&e));
            return Err(problems);
        }
    };
    let read = record(&mut Cx::new(&mut problems), &value, Path::Root, kind);
    match read {
        Some(found) if problems.is_empty() => Ok(found),
        _ => Err(problems),
    }
}

pub fn read_centre_record(json: &str) -> Result<(String, Record<Centre>), Problems> {
    read_one(json, &CENTRE)
}

pub fn read_prototype_record(json: &str) -> Result<(String, Record<Prototype>), Problems> {
    read_one(json, &PROTOTYPE)
}

pub fn read_rating_record(json: &str) -> Result<(String, Record<Rating>), Problems> {
    read_one(json, &RATING)
}

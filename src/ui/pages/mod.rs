//! The app's pages, one module each (and the pieces only one page uses, next to it).

pub mod actions;
pub mod compare;
pub mod editor;
pub mod mycentre;

//! The pages, one module each (`about` holds the two pages about the programme, "À propos" and
//! the label; a page's own pieces sit in its folder, as `prototype/actions.rs`). Which route
//! shows which page is the `pages!` table in `ui/mod.rs`; what several pages share (components,
//! links, the search in the address) lives beside this folder, in `ui/`.

pub mod about;
pub mod book;
pub mod catalogue;
pub mod centres;
pub mod compare;
pub mod dashboard;
pub mod editor;
pub mod feeds;
pub mod import;
pub mod mycentre;
pub mod prototype;
pub mod trust;

//! Tells the app's other tabs what changed in storage, so they update without a page refresh:
//! just the records a local edit wrote, or everything after an import.
//!
//! One `BroadcastChannel` object per page both sends and listens: a message is delivered to every
//! *other* object of the same name, so a page never hears its own changes (which it already
//! shows), only other tabs'.

use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::BroadcastChannel;

const CHANNEL: &str = "prototheque-modifications";
/// Message meaning "reload everything" (an import, an undo, or a message from an older version).
const EVERYTHING: &str = "modifie";
const SETTINGS: &str = "reglages";
/// Prefix of a message naming the records written: `enregistrements:[["prototypes","id"],…]`.
const RECORDS: &str = "enregistrements:";

/// What another tab says it changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// Anything: read the whole catalogue again.
    Everything,
    /// Only settings ("Mon centre").
    Settings,
    /// These records (store name, id), written by local edits: read just them.
    Records(Vec<(String, String)>),
}

impl Heard {
    fn message(&self) -> String {
        match self {
            Heard::Everything => EVERYTHING.to_owned(),
            Heard::Settings => SETTINGS.to_owned(),
            Heard::Records(records) => format!(
                "{RECORDS}{}",
                serde_json::to_string(records).expect("strings serialise")
            ),
        }
    }

    /// Anything not understood means "everything": a newer version's message is never lost.
    fn of(message: Option<String>) -> Heard {
        match message.as_deref() {
            Some(SETTINGS) => Heard::Settings,
            Some(m) if m.starts_with(RECORDS) => {
                serde_json::from_slice(m[RECORDS.len()..].as_bytes())
                    .map(Heard::Records)
                    .unwrap_or(Heard::Everything)
            }
            _ => Heard::Everything,
        }
    }
}

thread_local! {
    static PAGE_CHANNEL: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
}

fn page_channel() -> Option<BroadcastChannel> {
    PAGE_CHANNEL.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = BroadcastChannel::new(CHANNEL).ok();
        }
        c.clone()
    })
}

/// Announces to the other tabs what this page changed in storage.
pub fn notify(what: &Heard) {
    if let Some(channel) = page_channel() {
        let _ = channel.post_message(&what.message().into());
    }
}

/// Keeps listening while alive; dropping it stops.
pub struct ChangeListener {
    channel: BroadcastChannel,
    _callback: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Drop for ChangeListener {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
    }
}

/// Calls `f` with what another tab announces, each time it does.
pub fn on_change(mut f: impl FnMut(Heard) + 'static) -> Option<ChangeListener> {
    let channel = page_channel()?;
    let callback =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            f(Heard::of(event.data().as_string()))
        });
    channel.set_onmessage(Some(callback.as_ref().unchecked_ref()));
    Some(ChangeListener {
        channel,
        _callback: callback,
    })
}

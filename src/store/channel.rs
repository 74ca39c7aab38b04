//! Tells the app's other tabs that storage changed, so they reload without a page refresh.
//!
//! One `BroadcastChannel` object per page both sends and listens: a message is delivered to every
//! *other* object of the same name, so a page never hears its own changes (which it already
//! shows), only other tabs'.

use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::BroadcastChannel;

const CHANNEL: &str = "prototheque-modifications";

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

/// Announces to the other tabs that the stored catalogue or settings changed.
pub fn notify_change() {
    if let Some(channel) = page_channel() {
        let _ = channel.post_message(&"modifie".into());
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

/// Calls `f` each time another tab announces a change.
pub fn on_change(mut f: impl FnMut() + 'static) -> Option<ChangeListener> {
    let channel = page_channel()?;
    let callback = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| f());
    channel.set_onmessage(Some(callback.as_ref().unchecked_ref()));
    Some(ChangeListener {
        channel,
        _callback: callback,
    })
}

//! Tells the app's other tabs that storage changed, so they reload without a page refresh.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::BroadcastChannel;

const CHANNEL: &str = "prototheque-modifications";

/// Announces to the other tabs that the stored catalogue or settings changed. A tab does not
/// receive its own messages.
pub fn notify_change() {
    if let Ok(channel) = BroadcastChannel::new(CHANNEL) {
        let _ = channel.post_message(&"modifie".into());
        channel.close();
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
        self.channel.close();
    }
}

/// Calls `f` each time another tab announces a change.
pub fn on_change(mut f: impl FnMut() + 'static) -> Option<ChangeListener> {
    let channel = BroadcastChannel::new(CHANNEL).ok()?;
    let callback = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| f());
    channel.set_onmessage(Some(callback.as_ref().unchecked_ref()));
    Some(ChangeListener {
        channel,
        _callback: callback,
    })
}

//! The clock of long work cut into slices, so that the page stays responsive: reading a file,
//! importing it, loading the stored catalogue and indexing it each stop every [`SLICE_MS`] to let
//! the page handle input and paint. `store` and `ui` share it (wasm only).
//!
//! Inside an IndexedDB transaction the page's turn is a small request (`store`'s transaction
//! helper, which keeps the transaction open); everywhere else it is [`page_turn`].

/// Longest stretch of work, in milliseconds, before the page gets a turn.
pub const SLICE_MS: f64 = 25.0;

/// The clock of work done in slices: `due` says when the current slice has lasted
/// [`SLICE_MS`]; after the page's turn, `restart` begins the next one (the turn itself does not
/// count against it).
pub struct Slices {
    start: f64,
}

impl Slices {
    pub fn new() -> Self {
        Slices {
            start: js_sys::Date::now(),
        }
    }

    pub fn due(&self) -> bool {
        js_sys::Date::now() - self.start > SLICE_MS
    }

    pub fn restart(&mut self) {
        self.start = js_sys::Date::now();
    }
}

impl Default for Slices {
    fn default() -> Self {
        Slices::new()
    }
}

/// Lets the page handle input and paint, and comes back at once: a message to itself, which,
/// unlike a zero-delay timer, is not held back to 4 ms after a few turns.
pub async fn page_turn() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return gloo::timers::future::TimeoutFuture::new(0).await;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        channel.port1().set_onmessage(Some(&resolve));
    });
    if channel
        .port2()
        .post_message(&wasm_bindgen::JsValue::NULL)
        .is_ok()
    {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    // `channel` lives until here, so its ports cannot be collected before the message arrives.
    channel.port1().set_onmessage(None);
}

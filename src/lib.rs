//! Prototèque: a client-side catalogue of reproducible digital practices shared by social centres.
//!
//! Layers (see `ARCHITECTURE.md`): `model` (plain types) ← `exchange` (the one door for untrusted
//! bytes, export, merge) and `label`, `search`, `indicators` (derived data) ← `store` (IndexedDB)
//! ← `ui` (Leptos; `address` names its pages). `synth` makes catalogues for benchmarks. `slicing`
//! (the clock that cuts long work into slices, for `store` and `ui`), `webcrypto` (Ed25519
//! through the browser), `store` and `ui` exist only on `wasm32`; everything else is tested
//! natively. `ed25519_rules` says what a key and a signature must be for every verifier, and
//! `native_crypto` is `webcrypto`'s native twin (not on `wasm32`). `relay` is the hub command's
//! work (native only: `src/bin/relais.rs`).

pub mod address;
pub mod ed25519_rules;
pub mod exchange;
pub mod indicators;
pub mod label;
pub mod model;
pub mod search;
pub mod subscription;
pub mod synth;

#[cfg(not(target_arch = "wasm32"))]
pub mod native_crypto;
#[cfg(not(target_arch = "wasm32"))]
pub mod relay;
#[cfg(target_arch = "wasm32")]
pub mod slicing;
#[cfg(target_arch = "wasm32")]
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod webcrypto;

//! Browser entry point: Trunk builds this binary to wasm and `index.html` loads it.

#[cfg(target_arch = "wasm32")]
fn main() {
    prototheque::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Prototèque est une application web : lancez `scripts/serve.sh` pour l'ouvrir dans un navigateur.");
}

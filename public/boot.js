// Starts the app from a file rather than an inline script, so that the Content-Security-Policy
// can forbid inline scripts. Trunk fills the data attributes of the tag that loads this file
// (see `pattern_script` in Trunk.toml).
const tag = document.getElementById("prototheque-boot");
const { default: init } = await import(new URL(tag.dataset.js, document.baseURI));
await init({ module_or_path: new URL(tag.dataset.wasm, document.baseURI) });

// Trunk's wasm-bindgen output, replaced by the split step.
export default async function init() {}

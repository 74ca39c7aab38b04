//! Writes a synthetic catalogue file for scale tests and benchmarks:
//!
//!     cargo run --release --example generate_catalogue -- 20000 2000 42 > catalogue-20000.json
//!
//! Arguments: prototypes (default 20000), centres (default 2000), seed (default 42).

use std::io::Write;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let prototypes = args.first().copied().unwrap_or(20_000) as usize;
    let centres = args.get(1).copied().unwrap_or(2_000) as usize;
    let seed = args.get(2).copied().unwrap_or(42);
    let doc = prototheque::synth::document(prototypes, centres, seed);
    std::io::stdout()
        .write_all(&prototheque::exchange::export(&doc))
        .unwrap();
}

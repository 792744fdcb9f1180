//! Family-doctor signing: who is signed at a given coverage level.
//!
//! Each person draws one fixed uniform number per replication (a hash of seed, replication and
//! person, so no random stream is consumed). At coverage c the engine signs exactly round(c × n)
//! people of a group of n: those with the lowest numbers. Coverage growth thus signs new people
//! without unsigning earlier ones, the realised coverage equals the programme's path, and a
//! person's signing status is the same at every thread count.

use super::rng::mix64;

/// The person's fixed signing threshold in [0, 1).
pub fn signing_threshold(replication_key: u64, person: u32) -> f64 {
    let h = mix64(replication_key ^ (person as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

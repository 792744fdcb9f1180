//! Random streams: one per kind of draw, seeded from (base seed, replication, stream).
//!
//! Separate streams keep one kind of draw from shifting another's when a policy changes
//! (common random numbers across scenarios; an episode's own draws are keyed to it, see
//! `super::episode_draws`), and per-replication seeds make a replication's
//! numbers independent of which thread runs it. Xoshiro256++ is named explicitly (not rand's
//! `SmallRng`, whose algorithm may change between versions) so results are reproducible.

use rand::{Rng, SeedableRng};
use rand_xoshiro::{SplitMix64, Xoshiro256PlusPlus};

/// Mixes a 64-bit key into a well-spread 64-bit value (SplitMix64 finaliser): the seeds of
/// streams, episode keys' generators and signing thresholds all come from it.
pub fn mix64(key: u64) -> u64 {
    SplitMix64::seed_from_u64(key).next_u64()
}

/// The decision kinds that own a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Illness onsets: times, conditions, who falls ill.
    Onset = 1,
    // 2 was the first-contact choice stream, 3 the clinical stream, 4 the cost stream and 7 the
    // admission stream; those draws now come with each onset (`super::episode_draws`). Their
    // numbers stay retired so no new stream reuses an old seed.
    /// Key for the per-person signing thresholds (hashed, not drawn).
    Signing = 5,
    /// Values of uncertain parameters, drawn before the replication starts.
    Parameters = 6,
}

/// The seed of `stream` in `replication` under base `seed`.
pub fn stream_seed(seed: u64, replication: u32, stream: Stream) -> u64 {
    mix64(mix64(mix64(seed) ^ replication as u64) ^ stream as u64)
}

/// A generator for `stream` in `replication`.
pub fn stream_rng(seed: u64, replication: u32, stream: Stream) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(stream_seed(seed, replication, stream))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_two_streams_share_a_seed() {
        let streams = [Stream::Onset, Stream::Signing, Stream::Parameters];
        let mut seen = HashSet::new();
        for seed in [0, 1, 2, 42] {
            for rep in 0..2000 {
                for s in streams {
                    assert!(
                        seen.insert(stream_seed(seed, rep, s)),
                        "seed {seed} replication {rep} {s:?}"
                    );
                }
            }
        }
    }
}

//! Random streams: one per decision kind, seeded from (base seed, replication, stream).
//!
//! Separate streams keep one decision's draws from shifting another's when a policy changes
//! (common random numbers across scenarios), and per-replication seeds make a replication's
//! numbers independent of which thread runs it. Xoshiro256++ is named explicitly (not rand's
//! `SmallRng`, whose algorithm may change between versions) so results are reproducible.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::behaviour::signing::mix64;

/// The decision kinds that own a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Illness onsets: times, conditions, who falls ill.
    Onset = 1,
    // 2 was the first-contact choice stream; choice draws now come with each onset.
    /// Admission, length of stay and referral draws.
    Clinical = 3,
    /// Cost draws.
    Cost = 4,
    /// Key for the per-person signing thresholds (hashed, not drawn).
    Signing = 5,
    /// Values of uncertain parameters, drawn before the replication starts.
    Parameters = 6,
    /// Admission decisions: one draw per onset, used or not, so it stays aligned across
    /// scenarios whatever anyone chose.
    Admission = 7,
}

/// The seed of `stream` in `replication` under base `seed`.
pub fn stream_seed(seed: u64, replication: u32, stream: Stream) -> u64 {
    mix64(mix64(mix64(seed) ^ replication as u64) ^ stream as u64)
}

/// A generator for `stream` in `replication`.
pub fn stream_rng(seed: u64, replication: u32, stream: Stream) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(stream_seed(seed, replication, stream))
}

/// Stream `stream` of `replication`, restarted for calendar `year`. The clinical and cost
/// streams restart every 1 January, so two scenarios with the same seed draw the same
/// numbers again from each year's start however their choices differed before: common random
/// numbers that hold across a long warm-up, not only until the first differing choice.
pub fn yearly_stream_rng(
    seed: u64,
    replication: u32,
    stream: Stream,
    year: i32,
) -> Xoshiro256PlusPlus {
    let year_key = (year as i64 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    Xoshiro256PlusPlus::seed_from_u64(mix64(stream_seed(seed, replication, stream) ^ year_key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_two_streams_share_a_seed() {
        let streams = [
            Stream::Onset,
            Stream::Clinical,
            Stream::Cost,
            Stream::Signing,
            Stream::Admission,
        ];
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

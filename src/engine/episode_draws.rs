//! Each episode's own random numbers, keyed to the illness rather than drawn from a shared
//! stream.
//!
//! An onset carries a 64-bit key drawn from the onset stream. Every later draw of that episode
//! (admission, declining, escalation, visit costs, stay, inpatient cost, down-referral) comes
//! from a small generator seeded by the key and the draw's purpose. Two scenarios with the same
//! seed therefore give the same illness the same severity, stay and costs whatever anyone chose
//! before, and whatever tier the patient ends up in: a scenario that moves one patient does not
//! shift anybody else's numbers (exact common random numbers, issue 9 item 7). A shared stream
//! would hand every later patient the draws meant for another as soon as one choice differed.
//!
//! SplitMix64 is enough here: each generator yields a handful of numbers from a well-mixed
//! seed, and it costs one multiply-xorshift per draw, with no state to store per person.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::SplitMix64;

use super::rng::mix64;

/// What a draw decides; each purpose has its own generator, so using one never shifts another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Draw {
    /// Whether the treating tier offers an admission.
    Admission = 1,
    /// Whether the patient declines an offered admission.
    Decline = 2,
    /// Whether a complex case is referred one tier further up.
    Escalation = 3,
    /// The cost of the first outpatient visit.
    FirstVisitCost = 4,
    /// The cost of the visit at the tier referred to.
    ReferredVisitCost = 5,
    /// The cost of the visit after an escalation.
    EscalatedVisitCost = 6,
    /// The length of the stay.
    Stay = 7,
    /// The cost of the stay.
    InpatientCost = 8,
    /// Whether a recovering inpatient is referred down to a township bed.
    DownReferral = 9,
    /// Whether a chronic patient seen at county or above is referred back down.
    ChronicDownReferral = 10,
}

/// The key of one episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(super) struct EpisodeKey(pub(super) u64);

impl EpisodeKey {
    /// The generator of draw `purpose` for this episode.
    #[inline]
    pub(super) fn rng(self, purpose: Draw) -> SplitMix64 {
        SplitMix64::seed_from_u64(mix64(
            self.0 ^ (purpose as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ))
    }

    /// One uniform number in [0, 1) for `purpose`.
    #[inline]
    pub(super) fn uniform(self, purpose: Draw) -> f64 {
        self.rng(purpose).random()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_and_keys_give_different_numbers() {
        let purposes = [
            Draw::Admission,
            Draw::Decline,
            Draw::Escalation,
            Draw::FirstVisitCost,
            Draw::ReferredVisitCost,
            Draw::EscalatedVisitCost,
            Draw::Stay,
            Draw::InpatientCost,
            Draw::DownReferral,
            Draw::ChronicDownReferral,
        ];
        let mut seen = std::collections::HashSet::new();
        for key in 0..200u64 {
            for p in purposes {
                let u = EpisodeKey(key).uniform(p);
                assert!((0.0..1.0).contains(&u));
                assert!(seen.insert(u.to_bits()), "key {key} {p:?}");
            }
        }
        assert_eq!(
            EpisodeKey(7).uniform(Draw::Stay),
            EpisodeKey(7).uniform(Draw::Stay)
        );
    }

    #[test]
    fn keyed_uniforms_are_uniform() {
        // Mean and share below 0.1 over consecutive keys, as the onset stream's keys are not
        // consecutive this is a harsher check than the engine needs.
        let n = 100_000;
        let us: Vec<f64> = (0..n)
            .map(|k| EpisodeKey(k).uniform(Draw::Admission))
            .collect();
        let mean = us.iter().sum::<f64>() / n as f64;
        let low = us.iter().filter(|&&u| u < 0.1).count() as f64 / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        assert!((low - 0.1).abs() < 0.005, "share below 0.1: {low}");
    }
}

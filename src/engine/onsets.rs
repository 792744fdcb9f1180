//! Illness onsets drawn ahead of time, so each person's state can be prefetched.

use super::episode_draws::EpisodeKey;

/// The next illness onset, drawn one step ahead.
#[derive(Clone, Copy, Debug)]
pub(super) struct Onset {
    pub(super) time: f64,
    pub(super) person: u32,
    pub(super) group: u8,
    pub(super) condition: u8,
    /// Uniform draw deciding whether a signed chronic patient's long prescription avoids the visit.
    pub(super) thin: f64,
    /// Uniform draw of the first-contact choice (and the first-contact rule's binding).
    pub(super) choice_u: f64,
    /// The key of every later draw of the episode (see [`super::episode_draws`]).
    pub(super) key: EpisodeKey,
}

impl Onset {
    pub(super) const NEVER: Onset = Onset {
        time: f64::INFINITY,
        person: 0,
        group: 0,
        condition: 0,
        thin: 0.0,
        choice_u: 0.0,
        key: EpisodeKey(0),
    };
}

/// How many onsets are drawn ahead: enough for a memory fetch to finish before its episode.
pub(super) const ONSETS_AHEAD: usize = 4;

/// A ring of the next onsets in time order.
#[derive(Clone, Copy, Debug)]
pub(super) struct OnsetQueue {
    pub(super) ring: [Onset; ONSETS_AHEAD],
    pub(super) head: usize,
}

impl Default for OnsetQueue {
    fn default() -> Self {
        OnsetQueue {
            ring: [Onset::NEVER; ONSETS_AHEAD],
            head: 0,
        }
    }
}

impl OnsetQueue {
    /// The earliest pending onset.
    #[inline]
    pub(super) fn next(&self) -> Onset {
        self.ring[self.head]
    }

    /// The latest pending onset.
    #[inline]
    pub(super) fn last(&self) -> Onset {
        self.ring[(self.head + ONSETS_AHEAD - 1) % ONSETS_AHEAD]
    }

    /// Replaces the earliest onset (just taken) by a new latest one.
    #[inline]
    pub(super) fn replace_next(&mut self, o: Onset) {
        self.ring[self.head] = o;
        self.head = (self.head + 1) % ONSETS_AHEAD;
    }
}

/// Hints the CPU to load `x` into cache; a no-op where no prefetch instruction is available.
#[inline(always)]
pub(super) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of the x86_64 baseline, and a prefetch is only a hint: it never
        // faults or changes memory, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

//! A tier's bed pool: capacity, occupancy integrated over time, and the waiting queues.

use std::collections::VecDeque;

use super::episode_draws::EpisodeKey;
use crate::insurance::Arrival;

/// A patient waiting for a bed.
#[derive(Clone, Copy, Debug)]
pub struct Waiting {
    /// Person index.
    pub person: u32,
    /// Condition index.
    pub condition: u8,
    /// How they arrived (for the deductible once admitted).
    pub arrival: Arrival,
    /// The episode's key: the stay and its cost are drawn when the bed is taken.
    pub key: EpisodeKey,
    /// When they joined the queue, days.
    pub since: f64,
}

/// Beds at one tier in the simulated sample.
#[derive(Clone, Debug)]
pub struct BedPool {
    /// Beds; None = unlimited.
    capacity: Option<u32>,
    /// Beds in use.
    busy: u32,
    last_change: f64,
    /// Occupied bed-days since the last flush, while capacity was finite.
    pub busy_bed_days: f64,
    /// Available bed-days since the last flush.
    pub available_bed_days: f64,
    priority: VecDeque<Waiting>,
    ordinary: VecDeque<Waiting>,
}

impl BedPool {
    /// A pool with `capacity` beds starting at time `t`.
    pub fn new(capacity: Option<u32>, t: f64) -> Self {
        BedPool {
            capacity,
            busy: 0,
            last_change: t,
            busy_bed_days: 0.0,
            available_bed_days: 0.0,
            priority: VecDeque::new(),
            ordinary: VecDeque::new(),
        }
    }

    /// Integrates occupancy up to `t`.
    #[inline]
    pub fn advance(&mut self, t: f64) {
        let dt = t - self.last_change;
        if dt > 0.0 {
            // Occupancy is only defined while beds are finite, so both integrals pause otherwise.
            if let Some(c) = self.capacity {
                self.busy_bed_days += self.busy as f64 * dt;
                self.available_bed_days += c as f64 * dt;
            }
            self.last_change = t;
        }
    }

    /// Beds, None = unlimited.
    pub fn capacity(&self) -> Option<u32> {
        self.capacity
    }

    /// Changes the number of beds from `t` (patients above a reduced capacity finish their stay).
    pub fn set_capacity(&mut self, t: f64, capacity: Option<u32>) {
        // An unchanged capacity does not split the occupancy integral, so an epoch that leaves
        // the beds alone leaves every bed-day sum bit-for-bit as without it.
        if capacity == self.capacity {
            return;
        }
        self.advance(t);
        self.capacity = capacity;
    }

    /// Whether a bed is free now.
    #[inline]
    pub fn has_free_bed(&self) -> bool {
        self.capacity.is_none_or(|c| self.busy < c)
    }

    /// Takes a bed at `t`.
    #[inline]
    pub fn occupy(&mut self, t: f64) {
        self.advance(t);
        self.busy += 1;
    }

    /// Frees a bed at `t`.
    #[inline]
    pub fn release(&mut self, t: f64) {
        self.advance(t);
        self.busy -= 1;
    }

    /// Beds in use.
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Patients waiting.
    pub fn waiting(&self) -> usize {
        self.priority.len() + self.ordinary.len()
    }

    /// Joins the queue (priority patients go ahead of ordinary ones, first-come within each).
    pub fn enqueue(&mut self, w: Waiting, priority: bool) {
        if priority {
            self.priority.push_back(w);
        } else {
            self.ordinary.push_back(w);
        }
    }

    /// The next patient to admit, if any is waiting.
    pub fn next_waiting(&mut self) -> Option<Waiting> {
        self.priority
            .pop_front()
            .or_else(|| self.ordinary.pop_front())
    }

    /// Clears the occupancy integrals after a year is recorded.
    pub fn reset_integrals(&mut self) {
        self.busy_bed_days = 0.0;
        self.available_bed_days = 0.0;
    }
}

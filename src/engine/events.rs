//! The event queue: a binary heap ordered by (time, insertion sequence).
//!
//! Ties in time are broken by the order events were scheduled, so two events at the same
//! instant always run in the same order (pinned by a test).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// What a scheduled event does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The stay ends.
    Discharge,
    /// The patient is due to be referred down to township for the rest of the stay.
    DownReferral,
}

/// A bed event: what happens to whom, and when.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// When it fires, days.
    pub time: f64,
    /// When the stay at this tier began, days.
    pub admitted_at: f64,
    /// Days of stay left after a down-referral.
    pub remaining_days: f64,
    /// Person index.
    pub person: u32,
    /// Condition index.
    pub condition: u8,
    /// Tier index of the bed.
    pub tier: u8,
    /// What happens.
    pub kind: EventKind,
}

/// An event in the heap, with the sequence number that breaks ties in time.
#[derive(Clone, Copy, Debug)]
struct Queued {
    event: Event,
    seq: u64,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    /// Reversed so that the max-heap pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .event
            .time
            .total_cmp(&self.event.time)
            .then(other.seq.cmp(&self.seq))
    }
}

/// Pending bed events.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Queued>,
    next_seq: u64,
}

impl EventQueue {
    /// Schedules an event.
    pub fn push(&mut self, event: Event) {
        self.heap.push(Queued {
            event,
            seq: self.next_seq,
        });
        self.next_seq += 1;
    }

    /// Time of the earliest event, or infinity.
    #[inline]
    pub fn next_time(&self) -> f64 {
        self.heap.peek().map_or(f64::INFINITY, |q| q.event.time)
    }

    /// Removes the earliest event.
    pub fn pop(&mut self) -> Option<Event> {
        self.heap.pop().map(|q| q.event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time: f64, person: u32) -> Event {
        Event {
            time,
            admitted_at: 0.0,
            remaining_days: 0.0,
            person,
            condition: 0,
            tier: 0,
            kind: EventKind::Discharge,
        }
    }

    #[test]
    fn earliest_first_and_ties_in_scheduling_order() {
        let mut q = EventQueue::default();
        for (t, p) in [(2.0, 0), (1.0, 1), (2.0, 2), (1.0, 3), (2.0, 4)] {
            q.push(at(t, p));
        }
        let order: Vec<u32> = std::iter::from_fn(|| q.pop()).map(|e| e.person).collect();
        assert_eq!(order, vec![1, 3, 0, 2, 4]);
        assert_eq!(q.next_time(), f64::INFINITY);
    }
}

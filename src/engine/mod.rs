//! The discrete-event engine: one replication of a [`Plan`] on a continuous clock (days).
//!
//! **Invariants:** the engine never reads files or knows TOML; it reports raw yearly tallies
//! ([`YearTally`]) and leaves scaling and derived metrics to [`crate::metrics`]. A replication
//! draws only from its own streams ([`rng`]), so its numbers do not depend on threads.
//!
//! # One step of the simulation
//! The clock jumps to the earliest of three things; at equal times the order is
//! boundary, then bed event, then onset.
//! 1. **Boundary** (precomputed, in time order; at equal times year or month end, then epoch,
//!    then signing): *month end* (only when monthly outputs are asked for) closes a month's
//!    tally; *year end* integrates bed occupancy and fees, records the year's tally (not in
//!    warm-up), resets everyone's annual deductible and cap counters, refreshes the choice
//!    cache with this year's mean bed waits, moves each tier's admission multiplier towards its
//!    target occupancy, and applies each group's yearly growth; *epoch* switches to the next
//!    timeline parameters (beds, rates, coefficients…) and, only if onset rates changed, redraws
//!    the next onsets at the new rate (exact, since onsets are Poisson); *signing* (monthly)
//!    signs or unsigns people to follow each group's coverage path and accrues signing fees.
//! 2. **Bed event** from the (time, sequence)-ordered heap: a *discharge* frees a bed and admits
//!    the next waiting patient; a *down-referral* moves a recovering inpatient to a free
//!    township bed for the rest of the stay (or they stay put if none is free).
//! 3. **Onset**: the superposition of everyone's Poisson illness processes. A (group,
//!    condition) pair is drawn by alias sampling in proportion to its rate, then a person
//!    uniformly within the group's living members; onsets are drawn a few steps ahead so the
//!    person's state can be prefetched. People in a bed or queue are skipped (they are already in
//!    care), as are chronic follow-ups a signed person's long prescription makes unnecessary.
//!    The person chooses a tier (or self-care), bound or not by a first-contact rule; the visit
//!    is billed along the care path (`crate::care_path`): a tier below the condition's lowest
//!    capable tier refers up, a complex case may be referred one tier further; the patient may
//!    be offered an admission, may decline it over its price, or is admitted (bed, queue or
//!    diversion); a chronic patient seen at county or above may be referred back down.
//!
//! # End of the horizon
//! Patients still in a bed at the end are reported as `in_bed_at_year_end` (their admission was
//! counted and billed in the year it began); patients still waiting as `waiting_at_year_end`.
//! Admissions, costs and bed waits are counted in the year the stay begins, discharges and
//! lengths of stay in the year it ends.

mod admission;
mod beds;
mod boundaries;
mod calendar;
mod derived;
mod episode_draws;
mod events;
mod onsets;
mod population;
pub mod rng;
mod signing;
pub mod tally;

pub use population::{BYTES_PER_PERSON, Person};

use std::sync::atomic::{AtomicBool, Ordering};

use rand::RngExt;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::behaviour::choice::{ChoiceTable, Chooser};
use crate::care_path::{CarePath, inpatient_bill, outpatient_bill};
use crate::domain::{Area, WhenBedsFull};
use crate::insurance::{Arrival, Split};
use crate::model::{DAYS_PER_YEAR, Model, Plan};
use crate::tier::{N_TIERS, PerTier, Tier};
use beds::{BedPool, Waiting};
use boundaries::{BoundaryKind, boundaries};
use derived::Derived;
use episode_draws::{Draw, EpisodeKey};
use events::{Event, EventKind, EventQueue};
use onsets::{ONSETS_AHEAD, Onset, OnsetQueue, prefetch};
use rng::{Stream, stream_rng, stream_seed};
use signing::signing_threshold;
use tally::{SliceTally, YearTally};

/// What one replication produced (serialisable: a shard carries it to `tierflow merge`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReplicationResult {
    /// Replication index (its random streams derive from it).
    pub replication: u32,
    /// One tally per reported year.
    pub years: Vec<YearTally>,
    /// Patients in a bed when reporting began (carried over from warm-up), by tier.
    pub in_bed_at_start: [u64; N_TIERS],
    /// Patients waiting when reporting began, by tier.
    pub waiting_at_start: [u64; N_TIERS],
    /// People flagged as in a bed or queue at the end (equals beds in use plus queue lengths).
    pub people_in_care_at_end: u64,
    /// One tally per reported month, when `run.monthly_outputs` is set (else empty).
    pub months: Vec<YearTally>,
}

/// Runs replication `replication` of `plan`.
pub fn simulate(plan: &Plan, replication: u32) -> ReplicationResult {
    simulate_unless_cancelled(plan, replication, &AtomicBool::new(false))
        .expect("a flag nobody sets never cancels")
}

/// Runs replication `replication` of `plan`, giving up (None) soon after `cancel` is set.
pub fn simulate_unless_cancelled(
    plan: &Plan,
    replication: u32,
    cancel: &AtomicBool,
) -> Option<ReplicationResult> {
    let mut sim = Sim::new(plan, replication);
    if !sim.run(cancel) {
        return None;
    }
    Some(ReplicationResult {
        replication,
        years: sim.years,
        in_bed_at_start: sim.in_bed_at_start,
        waiting_at_start: sim.waiting_at_start,
        people_in_care_at_end: sim.people.iter().filter(|p| p.in_care()).count() as u64,
        months: sim.months,
    })
}

struct Sim<'a> {
    plan: &'a Plan,
    epoch: usize,
    derived: Derived,
    choice: ChoiceTable,
    people: Vec<Person>,
    group_start: Vec<u32>,
    /// People alive in each group this year (a group's block may hold more, for growth).
    active: Vec<u32>,
    beds: [BedPool; N_TIERS],
    events: EventQueue,
    onset_rng: Xoshiro256PlusPlus,
    signing_key: u64,
    signing_applied: Vec<f64>,
    /// Reused buffer of one group's signing thresholds.
    signing_scratch: Vec<f64>,
    signed_by_group: Vec<u64>,
    last_fee_accrual: f64,
    boundaries: Vec<(f64, BoundaryKind)>,
    /// The next onsets, drawn ahead so their people's state is prefetched in time.
    onsets: OnsetQueue,
    year_index: i64,
    /// Start of the period (month or year) being tallied.
    period_start: f64,
    /// Closed months of the current year.
    year_so_far: YearTally,
    /// Monthly tallies of reported years, when the scenario asks for them.
    months: Vec<YearTally>,
    tally: YearTally,
    years: Vec<YearTally>,
    expected_wait_days: PerTier<f64>,
    /// Each tier's admission multiplier (supply-induced admissions), adjusted at year ends.
    admission_multiplier: [f64; N_TIERS],
    in_bed_at_start: [u64; N_TIERS],
    waiting_at_start: [u64; N_TIERS],
}

impl<'a> Sim<'a> {
    fn new(plan: &'a Plan, replication: u32) -> Self {
        let model = plan.base();
        let run = &model.run;
        let t0 = -(run.warmup_years as f64) * DAYS_PER_YEAR;
        // Each group owns a block sized for its largest year; the first `active[g]` are alive.
        let capacity: Vec<u32> = model
            .groups
            .iter()
            .map(|g| g.max_people(run.years))
            .collect();
        let mut people = Vec::with_capacity(capacity.iter().map(|&c| c as usize).sum());
        population::advise_huge_pages(&people);
        let mut group_start = Vec::with_capacity(model.groups.len());
        for (g, &cap) in capacity.iter().enumerate() {
            group_start.push(people.len() as u32);
            people.extend(std::iter::repeat_n(Person::new(g as u8), cap as usize));
        }
        let active: Vec<u32> = model
            .groups
            .iter()
            .map(|g| g.n_people_in_year(-1))
            .collect();
        let beds = std::array::from_fn(|i| {
            BedPool::new(model.tiers.0[i].as_ref().and_then(|s| s.beds), t0)
        });
        let first_year = run.start_year - run.warmup_years as i32;
        let mut sim = Sim {
            plan,
            epoch: 0,
            choice: ChoiceTable::new(model),
            derived: Derived::new(model, &active),
            active,
            people,
            group_start,
            beds,
            events: EventQueue::default(),
            onset_rng: stream_rng(run.seed, replication, Stream::Onset),
            signing_key: stream_seed(run.seed, replication, Stream::Signing),
            signing_applied: vec![f64::NAN; model.groups.len()],
            signing_scratch: Vec::new(),
            signed_by_group: vec![0; model.groups.len()],
            last_fee_accrual: t0,
            boundaries: boundaries(plan),
            onsets: OnsetQueue::default(),
            year_index: -(run.warmup_years as i64),
            period_start: t0,
            year_so_far: YearTally::new(first_year, model.groups.len(), model.conditions.len()),
            months: Vec::new(),
            tally: YearTally {
                month: 1,
                ..YearTally::new(first_year, model.groups.len(), model.conditions.len())
            },
            years: Vec::with_capacity(run.years as usize),
            expected_wait_days: PerTier::splat(0.0),
            admission_multiplier: [1.0; N_TIERS],
            in_bed_at_start: [0; N_TIERS],
            waiting_at_start: [0; N_TIERS],
        };
        sim.update_signing(t0);
        sim.refill_onsets(t0);
        sim
    }

    /// The parameters in force (borrowed from the plan, not from `self`).
    #[inline]
    fn model(&self) -> &'a Model {
        &self.plan.epochs[self.epoch].model
    }

    /// Runs to the end of the horizon (true) or until `cancel` is seen (false).
    fn run(&mut self, cancel: &AtomicBool) -> bool {
        let mut b = 0;
        let mut steps: u32 = 0;
        loop {
            steps = steps.wrapping_add(1);
            // A relaxed load every 64 Ki steps: a few microseconds between checks, no cost.
            if steps & 0xFFFF == 0 && cancel.load(Ordering::Relaxed) {
                return false;
            }
            let (tb, kind) = self.boundaries[b];
            let te = self.events.next_time();
            let to = self.onsets.next().time;
            if tb <= te && tb <= to {
                b += 1;
                if self.boundary(tb, kind) {
                    return true;
                }
            } else if te <= to {
                let e = self.events.pop().expect("next_time was finite");
                self.bed_event(e);
            } else {
                let onset = self.onsets.next();
                let after = self.onsets.last().time;
                let drawn = self.draw_onset(after);
                self.onsets.replace_next(drawn);
                self.onset(onset);
            }
        }
    }

    /// Draws the onset after time `after` and prefetches its person's state, so the memory
    /// access overlaps with the current episode (the person array does not fit in cache).
    fn draw_onset(&mut self, after: f64) -> Onset {
        let Some(alias) = &self.derived.onset_pairs else {
            return Onset::NEVER;
        };
        let rng = &mut self.onset_rng;
        let time =
            after + Distribution::<f64>::sample(&Exp1, rng) / self.derived.onset_rate_per_day;
        let (group, condition) = self.derived.pair_of[alias.sample(rng)];
        let n = self.active[group as usize];
        let person = self.group_start[group as usize] + rng.random_range(0..n);
        // The choice draw comes with the illness, from the onset stream, which no choice can
        // desynchronise: two scenarios with the same seed give the same illness the same choice
        // draw, whatever happened to anyone before (common random numbers).
        let (thin, choice_u, key) = (rng.random(), rng.random(), EpisodeKey(rng.random()));
        prefetch(&self.people[person as usize]);
        Onset {
            time,
            person,
            group,
            condition,
            thin,
            choice_u,
            key,
        }
    }

    /// Discards drawn-ahead onsets and draws afresh from time `t`.
    fn refill_onsets(&mut self, t: f64) {
        let mut after = t;
        for k in 0..ONSETS_AHEAD {
            let o = self.draw_onset(after);
            after = o.time;
            self.onsets.ring[k] = o;
        }
        self.onsets.head = 0;
    }

    fn onset(&mut self, o: Onset) {
        let model = self.model();
        let person = &self.people[o.person as usize];
        if person.in_care() {
            return;
        }
        let cond = &model.conditions[o.condition as usize];
        if cond.chronic
            && person.signed_tier.is_some()
            && o.thin >= model.signing.chronic_visit_multiplier
        {
            return;
        }
        self.episode(o);
    }

    fn episode(&mut self, o: Onset) {
        let (t, idx, g, c, key) = (
            o.time,
            o.person,
            o.group as usize,
            o.condition as usize,
            o.key,
        );
        let model = self.model();
        let cond = &model.conditions[c];
        let person = self.people[idx as usize];
        let mut u = o.choice_u;
        // One uniform serves both the first-contact rule and the choice: the part below the
        // compliance share binds the episode, and each part is rescaled to [0, 1).
        let rf = &model.referral;
        let bound = rf.has_first_contact_rule() && !cond.emergency && {
            let c = rf.first_contact_compliance;
            let inside = u < c;
            u = if inside { u / c } else { (u - c) / (1.0 - c) };
            inside
        };
        let first = if cond.emergency {
            let area = (model.groups[g].area == Area::Rural) as usize;
            Some(self.derived.nearest_capable[area][c])
        } else {
            let who = Chooser {
                group: g,
                signed_tier: person.signed_tier,
                last_tier: person.last_tier,
                bad_experience: person.bad_experience(),
                outpatient_progress_yuan: person.outpatient_progress_yuan,
                outpatient_fund_paid_yuan: person.outpatient_fund_paid_yuan,
                bound,
            };
            self.choice.choose(model, &who, c, u)
        };
        let signed = person.signed_tier.is_some();
        self.each_slice(g, c, signed, |s| s.episodes += 1);
        let Some(first) = first else {
            self.each_slice(g, c, signed, |s| s.self_care += 1);
            return;
        };
        if !cond.emergency && cond.lowest_tier.is_grassroots() {
            let bypassed = first >= Tier::County;
            self.each_slice(g, c, signed, |s| {
                s.bypass_eligible += 1;
                s.bypassed += bypassed as u64;
            });
        }
        let path = CarePath::of(model, c, first, bound);
        self.outpatient_visit(
            idx,
            c,
            path.first.0,
            path.first.1,
            key.rng(Draw::FirstVisitCost),
        );
        if let Some(up) = path.referred_to {
            self.tally.tiers[first.index()].referrals_up += 1;
            self.outpatient_visit(idx, c, up, path.arrival, key.rng(Draw::ReferredVisitCost));
        }
        let (mut tier, mut arrival) = (path.treating, path.arrival);
        if let Some((next, p)) = path.escalation
            && key.uniform(Draw::Escalation) < p
        {
            self.tally.tiers[tier.index()].referrals_up += 1;
            arrival = Arrival::ReferredUp { from: tier };
            self.outpatient_visit(idx, c, next, arrival, key.rng(Draw::EscalatedVisitCost));
            tier = next;
        }
        self.people[idx as usize].remember(first, first < cond.lowest_tier);
        if key.uniform(Draw::Admission) < self.admission_probability(c, tier) {
            if self.declines_admission(idx, c, tier, arrival, key) {
                self.tally.tiers[tier.index()].admissions_declined += 1;
                return;
            }
            self.request_bed(t, idx, c, tier, arrival, key);
        } else if cond.chronic && tier >= Tier::County {
            let p = model.referral.chronic_down_referral_probability;
            if p > 0.0 && key.uniform(Draw::ChronicDownReferral) < p {
                let back = if let Some(signed) = person.signed_tier {
                    signed
                } else if model.tiers[Tier::Township].is_some() {
                    Tier::Township
                } else {
                    model.present_tiers().next().expect("a tier is present")
                };
                if back < tier {
                    self.tally.tiers[tier.index()].referrals_down += 1;
                    self.people[idx as usize].remember(back, false);
                }
            }
        }
    }

    /// Applies `f` to the group, condition and signing slices an episode's care counts in.
    #[inline]
    fn each_slice(&mut self, g: usize, c: usize, signed: bool, f: impl Fn(&mut SliceTally)) {
        f(&mut self.tally.by_group[g]);
        f(&mut self.tally.by_condition[c]);
        f(&mut self.tally.by_signing[signed as usize]);
    }

    fn outpatient_visit(
        &mut self,
        idx: u32,
        c: usize,
        tier: Tier,
        arrival: Arrival,
        mut cost_rng: impl rand::Rng,
    ) {
        let model = self.model();
        let person = &mut self.people[idx as usize];
        let cost = self.derived.outpatient_cost[c][tier.index()].sample(&mut cost_rng);
        let split = outpatient_bill(
            model,
            person.group as usize,
            c,
            tier,
            arrival,
            cost,
            &mut person.outpatient_progress_yuan,
            &mut person.outpatient_fund_paid_yuan,
        );
        let (g, signed) = (person.group as usize, person.signed_tier.is_some());
        let tt = &mut self.tally.tiers[tier.index()];
        tt.visits += 1;
        tt.outpatient_cost_yuan += cost;
        self.each_slice(g, c, signed, |s| s.visits[tier.index()] += 1);
        self.count_money(tier, g, c, signed, cost, split);
    }

    /// Adds a bill's cost and its split between fund and patient to the tier's tally and to the
    /// episode's slices (a visit or a stay alike).
    fn count_money(
        &mut self,
        tier: Tier,
        g: usize,
        c: usize,
        signed: bool,
        cost: f64,
        split: Split,
    ) {
        let tt = &mut self.tally.tiers[tier.index()];
        tt.fund_yuan += split.fund_yuan;
        tt.oop_yuan += split.oop_yuan;
        self.each_slice(g, c, signed, |s| {
            s.cost_yuan += cost;
            s.fund_yuan += split.fund_yuan;
            s.oop_yuan += split.oop_yuan;
        });
    }

    fn request_bed(
        &mut self,
        t: f64,
        idx: u32,
        c: usize,
        tier: Tier,
        arrival: Arrival,
        key: EpisodeKey,
    ) {
        let model = self.model();
        if self.beds[tier.index()].capacity() == Some(0) {
            match self.derived.next_with_beds[tier] {
                Some(up) => {
                    self.tally.tiers[tier.index()].referrals_up += 1;
                    self.request_bed(t, idx, c, up, Arrival::ReferredUp { from: tier }, key);
                }
                None => self.tally.tiers[tier.index()].admissions_unplaced += 1,
            }
            return;
        }
        if self.beds[tier.index()].has_free_bed() {
            self.start_stay(t, idx, c, tier, arrival, key, 0.0, None);
            return;
        }
        match model.referral.when_beds_full {
            WhenBedsFull::Wait => {
                let person = &mut self.people[idx as usize];
                let priority = (model.referral.referred_bed_priority && arrival.is_referred())
                    || (model.signing.signed_bed_priority && person.signed_tier.is_some());
                person.set_in_care(true);
                self.beds[tier.index()].enqueue(
                    Waiting {
                        person: idx,
                        condition: c as u8,
                        arrival,
                        key,
                        since: t,
                    },
                    priority,
                );
            }
            WhenBedsFull::Divert => {
                self.tally.tiers[tier.index()].diversions += 1;
                let free = Tier::ALL[tier.index() + 1..]
                    .iter()
                    .copied()
                    .find(|u| model.tiers[*u].is_some() && self.beds[u.index()].has_free_bed());
                match free {
                    Some(up) => self.start_stay(
                        t,
                        idx,
                        c,
                        up,
                        Arrival::ReferredUp { from: tier },
                        key,
                        0.0,
                        None,
                    ),
                    None => self.tally.tiers[tier.index()].admissions_unplaced += 1,
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn start_stay(
        &mut self,
        t: f64,
        idx: u32,
        c: usize,
        tier: Tier,
        arrival: Arrival,
        key: EpisodeKey,
        waited_days: f64,
        recovery_days: Option<f64>,
    ) {
        let model = self.model();
        let (stay, cost) = match recovery_days {
            Some(d) => (d, model.referral.rehab_cost_per_day_yuan * d),
            None => (
                self.derived.stay[c][tier.index()].sample(&mut key.rng(Draw::Stay)),
                self.derived.inpatient_cost[c][tier.index()]
                    .sample(&mut key.rng(Draw::InpatientCost)),
            ),
        };
        let person = &mut self.people[idx as usize];
        let split = inpatient_bill(
            model,
            person.group as usize,
            c,
            tier,
            arrival,
            cost,
            &mut person.inpatient_fund_paid_yuan,
        );
        person.set_in_care(true);
        if waited_days > model.behaviour.bad_wait_days {
            person.remember(tier, true);
        }
        let (g, signed) = (person.group as usize, person.signed_tier.is_some());
        let tt = &mut self.tally.tiers[tier.index()];
        tt.admissions += 1;
        tt.wait_days += waited_days;
        tt.inpatient_cost_yuan += cost;
        self.each_slice(g, c, signed, |s| s.admissions[tier.index()] += 1);
        self.count_money(tier, g, c, signed, cost, split);
        self.beds[tier.index()].occupy(t);
        let p_down = model.referral.down_referral_probability[tier];
        let goes_down =
            recovery_days.is_none() && p_down > 0.0 && key.uniform(Draw::DownReferral) < p_down;
        let f = model.referral.down_referral_at_stay_fraction;
        self.events.push(Event {
            time: t + if goes_down { f * stay } else { stay },
            admitted_at: t,
            remaining_days: if goes_down { (1.0 - f) * stay } else { 0.0 },
            person: idx,
            condition: c as u8,
            tier: tier as u8,
            kind: if goes_down {
                EventKind::DownReferral
            } else {
                EventKind::Discharge
            },
        });
    }

    fn bed_event(&mut self, e: Event) {
        let tier = Tier::from_index(e.tier as usize);
        match e.kind {
            EventKind::Discharge => self.discharge(e.time, tier, e.person, e.admitted_at),
            EventKind::DownReferral => {
                if self.beds[Tier::Township.index()].has_free_bed() {
                    self.discharge(e.time, tier, e.person, e.admitted_at);
                    self.tally.tiers[tier.index()].referrals_down += 1;
                    self.start_stay(
                        e.time,
                        e.person,
                        e.condition as usize,
                        Tier::Township,
                        Arrival::ReferredDown,
                        EpisodeKey::default(),
                        0.0,
                        Some(e.remaining_days),
                    );
                } else {
                    self.events.push(Event {
                        time: e.time + e.remaining_days,
                        remaining_days: 0.0,
                        kind: EventKind::Discharge,
                        admitted_at: e.admitted_at,
                        person: e.person,
                        condition: e.condition,
                        tier: e.tier,
                    });
                }
            }
        }
    }

    fn discharge(&mut self, t: f64, tier: Tier, idx: u32, admitted_at: f64) {
        self.beds[tier.index()].release(t);
        let tt = &mut self.tally.tiers[tier.index()];
        tt.discharges += 1;
        tt.stay_days += t - admitted_at;
        self.people[idx as usize].set_in_care(false);
        self.admit_waiting(t, tier);
    }

    fn admit_waiting(&mut self, t: f64, tier: Tier) {
        while self.beds[tier.index()].has_free_bed() {
            let Some(w) = self.beds[tier.index()].next_waiting() else {
                break;
            };
            self.start_stay(
                t,
                w.person,
                w.condition as usize,
                tier,
                w.arrival,
                w.key,
                t - w.since,
                None,
            );
        }
    }
}

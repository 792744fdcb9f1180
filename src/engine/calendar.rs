//! What happens at boundaries: year-end accounting, policy epochs, monthly signing updates.

use super::*;

impl Sim<'_> {
    /// Handles a boundary; returns true at the end of the horizon.
    pub(super) fn boundary(&mut self, t: f64, kind: BoundaryKind) -> bool {
        match kind {
            BoundaryKind::YearEnd { last } => self.year_end(t, last),
            BoundaryKind::MonthEnd => {
                self.month_end(t);
                false
            }
            BoundaryKind::Epoch(k) => {
                self.accrue_fees(t);
                self.epoch = k;
                let model = self.model();
                let before =
                    std::mem::replace(&mut self.derived, Derived::new(model, &self.active));
                let rates_changed = before.onset_weights != self.derived.onset_weights;
                self.choice.reset(model, self.expected_wait_days);
                for tier in Tier::ALL {
                    let cap = model.tiers[tier].as_ref().and_then(|s| s.beds);
                    self.beds[tier.index()].set_capacity(t, cap);
                    if cap == Some(0) {
                        // The tier closed its beds: its queue is referred on, not left waiting.
                        while let Some(w) = self.beds[tier.index()].next_waiting() {
                            self.people[w.person as usize].set_in_care(false);
                            self.request_bed(
                                t,
                                w.person,
                                w.condition as usize,
                                tier,
                                w.arrival,
                                w.key,
                            );
                        }
                    }
                    self.admit_waiting(t, tier);
                }
                // Signing tiers may have changed even where coverage has not.
                self.signing_applied.fill(f64::NAN);
                // Onsets are Poisson, so redrawing the next one at a new rate is exact. Where the
                // rates are unchanged the drawn onsets stand, so an epoch that changes only a
                // policy leaves everyone's illnesses as in a scenario without it.
                if rates_changed {
                    self.refill_onsets(t);
                }
                self.update_signing(t);
                false
            }
            BoundaryKind::Signing => {
                self.update_signing(t);
                false
            }
        }
    }

    /// Closes the current period (a month, or the year when months are not reported) at `t`:
    /// records end-of-period stocks and occupancy, and starts a fresh tally.
    fn close_period(&mut self, t: f64) -> YearTally {
        for pool in &mut self.beds {
            pool.advance(t);
        }
        for (i, pool) in self.beds.iter_mut().enumerate() {
            let tt = &mut self.tally.tiers[i];
            tt.busy_bed_days = pool.busy_bed_days;
            tt.available_bed_days = pool.available_bed_days;
            tt.in_bed_at_end = pool.busy() as u64;
            tt.waiting_at_end = pool.waiting() as u64;
            pool.reset_integrals();
        }
        self.tally.days = t - self.period_start;
        self.tally.signed_by_group.clone_from(&self.signed_by_group);
        for (g, &n) in self.active.iter().enumerate() {
            self.tally.people_by_group[g] = n as u64;
        }
        self.period_start = t;
        let next = YearTally {
            month: self.tally.month + 1,
            ..self.tally.empty_like(self.tally.year)
        };
        std::mem::replace(&mut self.tally, next)
    }

    /// Closes a month (reported years only) and adds it to the year so far.
    fn month_end(&mut self, t: f64) {
        let month = self.close_period(t);
        if self.year_index >= 0 {
            self.months.push(month.clone());
        }
        self.year_so_far.absorb(&month);
    }

    fn year_end(&mut self, t: f64, last: bool) -> bool {
        self.update_signing(t);
        let model = self.model();
        let last_month = self.close_period(t);
        if self.year_index >= 0 && model.run.monthly_outputs {
            self.months.push(last_month.clone());
        }
        let mut year = std::mem::replace(
            &mut self.year_so_far,
            self.tally.empty_like(self.tally.year + 1),
        );
        year.absorb(&last_month);
        year.month = 0;
        self.tally = year;
        self.expected_wait_days = PerTier(std::array::from_fn(|i| {
            let tt = &self.tally.tiers[i];
            if tt.admissions > 0 {
                tt.wait_days / tt.admissions as f64
            } else {
                0.0
            }
        }));
        self.adjust_admission_thresholds();
        if self.year_index >= 0 {
            self.years.push(self.tally.clone());
        } else if self.year_index == -1 {
            self.in_bed_at_start = std::array::from_fn(|i| self.tally.tiers[i].in_bed_at_end);
            self.waiting_at_start = std::array::from_fn(|i| self.tally.tiers[i].waiting_at_end);
        }
        if last {
            return true;
        }
        self.year_index += 1;
        self.tally = YearTally {
            month: 1,
            ..self.tally.empty_like(self.tally.year + 1)
        };
        for p in &mut self.people {
            p.reset_annual();
        }
        self.choice.reset(model, self.expected_wait_days);
        self.resize_groups(t);
        false
    }

    /// Applies each group's yearly growth at the start of a reported year: new residents arrive
    /// with no history (unsigned, signed at the next update); leaving residents are the group's
    /// last ones (anyone of them still in care finishes the stay). Onset rates follow the sizes.
    fn resize_groups(&mut self, t: f64) {
        let model = self.model();
        let mut changed = false;
        for (g, group) in model.groups.iter().enumerate() {
            let n = group.n_people_in_year(self.year_index);
            let old = self.active[g];
            if n == old {
                continue;
            }
            changed = true;
            let start = self.group_start[g] as usize;
            if n > old {
                for p in &mut self.people[start + old as usize..start + n as usize] {
                    if !p.in_care() {
                        *p = Person::new(g as u8);
                    }
                }
            }
            self.active[g] = n;
            self.signing_applied[g] = f64::NAN;
        }
        if changed {
            self.derived = Derived::new(model, &self.active);
            self.refill_onsets(t);
            self.update_signing(t);
        }
    }

    fn accrue_fees(&mut self, t: f64) {
        let fee = self.model().signing.fee_yuan_per_signed_per_year;
        let signed: u64 = self.signed_by_group.iter().sum();
        self.tally.programme_cost_yuan +=
            signed as f64 * fee * (t - self.last_fee_accrual) / DAYS_PER_YEAR;
        self.last_fee_accrual = t;
    }

    /// Signs exactly round(coverage × group size) people in each group whose coverage changed:
    /// those with the lowest fixed thresholds, so growth only adds people and the realised
    /// coverage equals the programme's path rather than scattering around it.
    pub(super) fn update_signing(&mut self, t: f64) {
        self.accrue_fees(t);
        let model = self.model();
        for (g, group) in model.groups.iter().enumerate() {
            let coverage = group.signing_coverage_at(t);
            if coverage == self.signing_applied[g] {
                continue;
            }
            self.signing_applied[g] = coverage;
            let start = self.group_start[g] as usize;
            let n = self.active[g] as usize;
            let k = ((coverage * n as f64).round() as usize).min(n);
            let key = self.signing_key;
            let threshold = |i: usize| signing_threshold(key, (start + i) as u32);
            // The k-th smallest threshold is the cut-off (thresholds are distinct in practice);
            // the reused buffer is reordered by the selection, so thresholds are recomputed below.
            let cutoff = match k {
                0 => f64::NEG_INFINITY,
                k if k == n => f64::INFINITY,
                k => {
                    let buffer = &mut self.signing_scratch;
                    buffer.clear();
                    buffer.extend((0..n).map(threshold));
                    *buffer.select_nth_unstable_by(k - 1, f64::total_cmp).1
                }
            };
            let tier = group.signing_tier;
            let mut signed = 0;
            for (i, p) in self.people[start..start + n].iter_mut().enumerate() {
                let yes = threshold(i) <= cutoff;
                p.signed_tier = yes.then_some(tier);
                signed += yes as u64;
            }
            self.signed_by_group[g] = signed;
        }
    }
}

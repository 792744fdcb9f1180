//! First-contact tier choice by multinomial logit, with a cache of choice probabilities.
//!
//! Utility of tier j for a person with condition c:
//!
//! ```text
//! U_j = quality_j + quality_shift_cj + β_travel·hours_j + β_cost·E[outpatient out-of-pocket_j]
//!     + β_inpatient_cost·P(admit)·E[inpatient out-of-pocket_j]
//!     + β_signed·[j is the signed doctor's tier] + β_habit or β_bad·[j was used last]
//!     + β_below·[j below c's lowest capable tier] + β_wait·P(admit)·last year's mean wait
//!     + β_village·[j is the village clinic]·E[outpatient out-of-pocket_j]
//! ```
//!
//! Expected out-of-pocket prices the whole path the choice implies: the visit at j, the referred
//! visit at the capable tier when j cannot treat c, and the expected admission with its
//! deductible rules and unreferred penalties, all through [`crate::care_path`], which the
//! engine bills actual costs through too.
//!
//! Probabilities depend on the person only through a few discrete states (group, signed tier,
//! habit, and which deductible and cap thresholds their annual spending has passed: people
//! perceive prices at the lower edge of their band). So the cumulative probabilities are cached
//! per state; the cache is cleared when parameters or last year's waits change. An episode then
//! costs one table lookup and one uniform draw instead of five exponentials.

use crate::care_path::{ExpectedOutOfPocket, expected_out_of_pocket};
use crate::domain::{Area, Care, FirstContactRule};
use crate::model::Model;
use crate::tier::{N_TIERS, PerTier, Tier};

/// Options: the five tiers, then self-care.
const N_OPTIONS: usize = N_TIERS + 1;
const SIGNED_STATES: usize = N_TIERS + 1;
const HABIT_STATES: usize = 2 * N_TIERS + 1;
const NOT_COMPUTED: f32 = -1.0;

/// Cached cumulative choice probabilities for every person state met so far.
#[derive(Clone, Debug)]
pub struct ChoiceTable {
    n_conditions: usize,
    deductible_steps: Vec<Vec<f32>>,
    cap_steps: Vec<Vec<f32>>,
    n_deductible_bands: usize,
    n_cap_bands: usize,
    /// 2 when a first-contact rule splits episodes into bound and free, else 1.
    n_rule_states: usize,
    expected_wait_days: PerTier<f64>,
    cumulative: Vec<[f32; N_OPTIONS]>,
}

/// The person-side inputs of a choice.
#[derive(Clone, Copy, Debug)]
pub struct Chooser {
    /// Group index.
    pub group: usize,
    /// Signed doctor's tier, if signed.
    pub signed_tier: Option<Tier>,
    /// Last tier used, if any.
    pub last_tier: Option<Tier>,
    /// Whether the last experience there was bad.
    pub bad_experience: bool,
    /// Covered outpatient spending so far this year, yuan.
    pub outpatient_progress_yuan: f32,
    /// Outpatient fund payments so far this year, yuan.
    pub outpatient_fund_paid_yuan: f32,
    /// Whether this episode is bound by the scenario's first-contact rule.
    pub bound: bool,
}

fn band(steps: &[f32], x: f32) -> usize {
    steps.iter().take_while(|&&s| x >= s).count()
}

impl ChoiceTable {
    /// An empty cache for `model` with no expected waits yet.
    pub fn new(model: &Model) -> Self {
        let mut t = ChoiceTable {
            n_conditions: 0,
            deductible_steps: Vec::new(),
            cap_steps: Vec::new(),
            n_deductible_bands: 1,
            n_cap_bands: 1,
            n_rule_states: 1,
            expected_wait_days: PerTier::splat(0.0),
            cumulative: Vec::new(),
        };
        t.reset(model, PerTier::splat(0.0));
        t
    }

    /// Clears the cache for new parameters or new expected waits.
    pub fn reset(&mut self, model: &Model, expected_wait_days: PerTier<f64>) {
        let steps = |f: &dyn Fn(&crate::model::Benefit) -> f64| -> Vec<Vec<f32>> {
            model
                .schemes
                .iter()
                .map(|s| {
                    let mut v: Vec<f32> = model
                        .present_tiers()
                        .map(|t| f(s.benefit(Care::Outpatient, t)) as f32)
                        .filter(|x| *x > 0.0 && x.is_finite())
                        .collect();
                    v.sort_by(f32::total_cmp);
                    v.dedup();
                    v
                })
                .collect()
        };
        self.deductible_steps = steps(&|b| b.deductible_yuan);
        self.cap_steps = steps(&|b| b.cap_yuan);
        self.n_deductible_bands = 1 + self
            .deductible_steps
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        self.n_cap_bands = 1 + self.cap_steps.iter().map(Vec::len).max().unwrap_or(0);
        self.n_conditions = model.conditions.len();
        self.n_rule_states = if model.referral.has_first_contact_rule() {
            2
        } else {
            1
        };
        self.expected_wait_days = expected_wait_days;
        let n = model.groups.len()
            * self.n_conditions
            * SIGNED_STATES
            * HABIT_STATES
            * self.n_deductible_bands
            * self.n_cap_bands
            * self.n_rule_states;
        self.cumulative.clear();
        self.cumulative.resize(n, [NOT_COMPUTED; N_OPTIONS]);
    }

    /// Chooses a tier (None = self-care) for uniform draw `u` in [0, 1).
    #[inline]
    pub fn choose(
        &mut self,
        model: &Model,
        who: &Chooser,
        condition: usize,
        u: f64,
    ) -> Option<Tier> {
        let scheme = model.groups[who.group].scheme;
        let d = band(&self.deductible_steps[scheme], who.outpatient_progress_yuan);
        let f = band(&self.cap_steps[scheme], who.outpatient_fund_paid_yuan);
        let s = who.signed_tier.map_or(N_TIERS, Tier::index);
        let h = who
            .last_tier
            .map_or(2 * N_TIERS, |t| 2 * t.index() + who.bad_experience as usize);
        let idx = (((((who.group * self.n_conditions + condition) * SIGNED_STATES + s)
            * HABIT_STATES
            + h)
            * self.n_deductible_bands
            + d)
            * self.n_cap_bands
            + f)
            * self.n_rule_states
            + (who.bound && self.n_rule_states == 2) as usize;
        if self.cumulative[idx][N_OPTIONS - 1] == NOT_COMPUTED {
            let p = self.probabilities(model, who, condition, d, f);
            let mut acc = 0.0;
            let mut cum = [0.0f32; N_OPTIONS];
            for (k, pk) in p.iter().enumerate() {
                acc += pk;
                cum[k] = acc as f32;
            }
            // The last option with positive probability closes at exactly 1.
            if let Some(last) = p.iter().rposition(|&x| x > 0.0) {
                for c in &mut cum[last..] {
                    *c = 1.0;
                }
            }
            self.cumulative[idx] = cum;
        }
        let cum = &self.cumulative[idx];
        // Rounding to f32 can turn u < 1 into 1.0; keep it below the closing 1.0.
        let u = (u as f32).min(1.0 - f32::EPSILON);
        let k = cum.iter().position(|&c| u < c).unwrap_or(N_OPTIONS - 1);
        (k < N_TIERS).then(|| Tier::from_index(k))
    }

    /// Choice probabilities (five tiers, then self-care) for a person in deductible band `d` and
    /// cap band `f`.
    pub fn probabilities(
        &self,
        model: &Model,
        who: &Chooser,
        condition: usize,
        d: usize,
        f: usize,
    ) -> [f64; N_OPTIONS] {
        let scheme = model.groups[who.group].scheme;
        let edge = |steps: &[f32], i: usize| if i == 0 { 0.0 } else { steps[i - 1] };
        let progress = edge(&self.deductible_steps[scheme], d);
        let fund = edge(&self.cap_steps[scheme], f);
        let mut u = [f64::NEG_INFINITY; N_OPTIONS];
        for t in model.present_tiers() {
            u[t.index()] = utility(
                model,
                who,
                condition,
                t,
                progress,
                fund,
                &self.expected_wait_days,
            );
        }
        if let Some(sc) = model.behaviour.self_care_utility {
            u[N_TIERS] = sc + model.conditions[condition].self_care_shift;
        }
        let max = u.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut p = u.map(|x| (x - max).exp());
        let total: f64 = p.iter().sum();
        for x in &mut p {
            *x /= total;
        }
        p
    }
}

/// What the admissions a path may lead to weigh in the choice of its first tier. Without the
/// option to decline, the expected out-of-pocket cost times the inpatient weight. With it, the
/// expected value of the accept-or-decline choice (its logsum, the nested-logit inclusive value,
/// less that of a free admission): a patient who would decline an unaffordable admission does
/// not weigh its whole bill when choosing where to go first.
fn admission_utility(b: &crate::model::Behaviour, oop: &ExpectedOutOfPocket) -> f64 {
    let logsum = |v: f64| v.max(0.0) + (-v.abs()).exp().ln_1p();
    match b.acceptance_utility(0.0) {
        None => b.inpatient_cost_per_yuan * oop.inpatient_yuan(),
        Some(free) => {
            let free = logsum(free);
            oop.admissions
                .iter()
                .map(|&(p, yuan)| {
                    let accept = b.acceptance_utility(yuan).expect("declining is enabled");
                    p * (logsum(accept) - free)
                })
                .sum()
        }
    }
}

/// Systematic utility of choosing `tier` first.
pub fn utility(
    model: &Model,
    who: &Chooser,
    condition: usize,
    tier: Tier,
    progress_yuan: f32,
    fund_paid_yuan: f32,
    expected_wait_days: &PerTier<f64>,
) -> f64 {
    let b = &model.behaviour;
    let cond = &model.conditions[condition];
    let supply = model.tiers[tier]
        .as_ref()
        .expect("utility is only asked for present tiers");
    let rf = &model.referral;
    if who.bound
        && rf.first_contact_rule == FirstContactRule::Refuse
        && tier > rf.first_contact_gate
    {
        return f64::NEG_INFINITY;
    }
    let area = model.groups[who.group].area;
    let minutes = supply.travel_minutes[(area == Area::Rural) as usize];
    let treating = tier.max(cond.lowest_tier);
    let mut u = supply.quality + cond.quality_shift[tier] + b.travel_per_hour * minutes / 60.0;
    let oop = expected_out_of_pocket(
        model,
        who.group,
        condition,
        tier,
        progress_yuan,
        fund_paid_yuan,
        who.bound,
    );
    u += b.cost_per_yuan * oop.outpatient_yuan + admission_utility(b, &oop);
    if tier == Tier::Village {
        u += b.village_cost_per_yuan * oop.outpatient_yuan;
    }
    if who.signed_tier == Some(tier) {
        u += b.signed_doctor;
    }
    if who.last_tier == Some(tier) {
        u += if who.bad_experience {
            b.bad_experience
        } else {
            b.habit
        };
    }
    if tier < cond.lowest_tier {
        u += b.below_capability;
    }
    u += b.wait_per_day * cond.admission_probability[treating] * expected_wait_days[treating];
    u
}

//! Validation: from the raw scenario to a [`Model`] whose invariants hold.

use super::*;
use crate::scenario::raw::{RawPerTier, RawScenario, RawTier};
use crate::scenario::{ErrorKind, ScenarioError};
use crate::tier::N_TIERS;

use super::checks::*;
use super::targets::build_targets;

/// Names the outputs' breakdown columns use for something else.
pub(super) fn is_reserved_name(name: &str) -> bool {
    matches!(name, "all" | "signed" | "unsigned") || Tier::from_name(name).is_some()
}

/// Per-tier values: present tiers take their value; a value at an absent tier is an error.
pub(super) fn per_tier<T: Copy, U: Copy + Default>(
    path: &str,
    raw: &RawPerTier<T>,
    present: &[bool; N_TIERS],
    mut check: impl FnMut(&str, T) -> Result<U, ScenarioError>,
) -> Result<PerTier<U>, ScenarioError> {
    let mut out = PerTier::splat(U::default());
    for t in Tier::ALL {
        if let Some(v) = raw.get(t) {
            let p = format!("{path}.{}", t.name());
            require_tier(present, t, &p)?;
            out[t] = check(&p, *v)?;
        }
    }
    Ok(out)
}

impl Model {
    /// Validates a raw scenario. Errors carry the parameter path; the caller adds the location.
    pub fn from_raw(raw: &RawScenario) -> Result<Model, ScenarioError> {
        check_scenario_name(&raw.name)?;
        let run = run_settings(raw)?;
        let (size, scale, n_people_simulated) = population(raw)?;
        let (tiers, present) = tiers(raw, n_people_simulated)?;
        let groups = super::build_demand::groups(raw, &run, &present, n_people_simulated)?;
        let mut conditions = super::build_demand::conditions(raw, &groups, &present)?;
        let schemes = super::build_rules::schemes(raw, &conditions, &present)?;
        let mut referral = super::referral::build_referral(raw, &present)?;
        let signing = super::build_rules::signing(raw)?;
        let behaviour = super::build_rules::behaviour(raw)?;
        let trends = Trends::from_raw(raw)?;
        trends::apply_price_index(raw, &mut conditions, &mut referral)?;
        let targets = build_targets(raw, &run, &present)?;

        Ok(Model {
            name: raw.name.clone(),
            run,
            population_size: size,
            scale,
            n_people_simulated,
            groups,
            conditions,
            tiers,
            schemes,
            referral,
            signing,
            behaviour,
            trends,
            targets,
        })
    }
}

/// `[run]`: run length, horizon, replications, seed.
fn run_settings(raw: &RawScenario) -> Result<RunSettings, ScenarioError> {
    let r = &raw.run;
    if !(1..=MAX_YEARS).contains(&r.years) {
        return Err(out_of_range(
            "run.years",
            &format!("1 to {MAX_YEARS} years"),
            r.years,
        ));
    }
    if r.warmup_years > MAX_YEARS {
        return Err(out_of_range(
            "run.warmup_years",
            &format!("0 to {MAX_YEARS} years"),
            r.warmup_years,
        ));
    }
    let full_days = r.years as f64 * DAYS_PER_YEAR;
    let horizon_days = match r.horizon_days {
        0.0 => full_days,
        h if (1.0..=full_days).contains(&h) => h,
        h => {
            return Err(out_of_range(
                "run.horizon_days",
                &format!(
                    "0 (the whole {} years) or a length in [1, {full_days}] days",
                    r.years
                ),
                h,
            ));
        }
    };
    if !(1..=MAX_REPLICATIONS).contains(&r.replications) {
        return Err(out_of_range(
            "run.replications",
            &format!("1 to {MAX_REPLICATIONS} replications"),
            r.replications,
        ));
    }
    if !(1900..=2200).contains(&r.start_year) {
        return Err(out_of_range(
            "run.start_year",
            "a year between 1900 and 2200",
            r.start_year,
        ));
    }
    let run = RunSettings {
        start_year: r.start_year,
        years: r.years,
        horizon_days,
        warmup_years: r.warmup_years,
        replications: r.replications,
        seed: r.seed,
        monthly_outputs: r.monthly_outputs,
    };
    Ok(run)
}

/// `[population]`: size, sample scale and the number of simulated people.
fn population(raw: &RawScenario) -> Result<(f64, f64, u32), ScenarioError> {
    let size = raw.population.size;
    if !(1.0..=MAX_POPULATION).contains(&size) {
        return Err(out_of_range(
            "population.size",
            &format!("1 to {MAX_POPULATION:e} residents"),
            size,
        ));
    }
    let scale = raw.population.scale;
    if !(scale > 0.0 && scale <= 1.0) {
        return Err(out_of_range(
            "population.scale",
            "a fraction in (0, 1]",
            scale,
        ));
    }
    let n_sim = (size * scale).round().max(1.0);
    if n_sim > MAX_SIMULATED_PEOPLE as f64 {
        return Err(out_of_range(
            "population.scale",
            &format!(
                "at most {MAX_SIMULATED_PEOPLE} simulated people (population.size × population.scale; lower the scale)"
            ),
            n_sim,
        ));
    }
    let n_people_simulated = n_sim as u32;
    Ok((size, scale, n_people_simulated))
}

/// `[tiers]`: each present tier's supply (quality, beds, travel); which tiers are present.
fn tiers(
    raw: &RawScenario,
    n_people_simulated: u32,
) -> Result<(PerTier<Option<TierSupply>>, [bool; N_TIERS]), ScenarioError> {
    let entries = raw.tiers.entries();
    let present: [bool; N_TIERS] = std::array::from_fn(|i| entries[i].is_some());
    if !present.iter().any(|&p| p) {
        return Err(
            ScenarioError::new(ErrorKind::Shape, "expected at least one tier").at_path("tiers"),
        );
    }
    let mut tiers: PerTier<Option<TierSupply>> = PerTier(std::array::from_fn(|_| None));
    for t in Tier::ALL {
        if let Some(rt) = entries[t.index()] {
            let p = |k: &str| format!("tiers.{}.{k}", t.name());
            let beds_per_1000 = check_non_negative(p("beds_per_1000"), rt.beds_per_1000)?;
            let beds = if beds_per_1000.is_infinite() {
                None
            } else {
                let n = (n_people_simulated as f64 * beds_per_1000 / 1000.0).round();
                if beds_per_1000 > 0.0 && n < 1.0 {
                    let exact = n_people_simulated as f64 * beds_per_1000 / 1000.0;
                    return Err(out_of_range(
                        p("beds_per_1000"),
                        &format!(
                            "at least one bed: {beds_per_1000} per 1000 × {n_people_simulated} simulated people \
                             = {exact:.3} beds; simulate more people (population.size × population.scale), \
                             or set 0 (no beds) or inf (unlimited)"
                        ),
                        beds_per_1000,
                    ));
                }
                Some(n.min(u32::MAX as f64) as u32)
            };
            let pull = bed_pull(&p, beds_per_1000, rt)?;
            tiers[t] = Some(TierSupply {
                quality: check_utility(p("quality"), rt.quality)?
                    + check_utility(p("quality_change"), rt.quality_change)?
                    + pull,
                beds_per_1000,
                beds,
                travel_minutes: [
                    check_at_most(
                        p("travel_minutes_urban"),
                        rt.travel_minutes_urban,
                        MAX_TRAVEL_MINUTES,
                        "minutes",
                    )?,
                    check_at_most(
                        p("travel_minutes_rural"),
                        rt.travel_minutes_rural,
                        MAX_TRAVEL_MINUTES,
                        "minutes",
                    )?,
                ],
                in_region: rt.in_region.unwrap_or(t.is_in_region()),
                target_occupancy: match check_fraction(p("target_occupancy"), rt.target_occupancy)?
                {
                    0.0 => None,
                    x => Some(x),
                },
            });
        }
    }
    Ok((tiers, present))
}

/// The quality a tier gains from its beds: `quality_per_log_beds` × ln(beds ÷ reference beds).
/// Bigger hospitals draw patients (more specialties, newer equipment, shorter waits for a bed),
/// so bed growth raises a tier's pull as well as its capacity; with occupancy-targeting
/// admissions this lets supply create its own use (Roemer's law) through choice too.
fn bed_pull(
    p: &impl Fn(&str) -> String,
    beds_per_1000: f64,
    rt: &RawTier,
) -> Result<f64, ScenarioError> {
    let per_log = check_utility(p("quality_per_log_beds"), rt.quality_per_log_beds)?;
    if per_log == 0.0 {
        return Ok(0.0);
    }
    let reference = rt.quality_reference_beds_per_1000;
    if !(reference.is_finite() && reference > 0.0) {
        return Err(out_of_range(
            p("quality_reference_beds_per_1000"),
            "a finite number of beds per 1000 above 0 when quality_per_log_beds is set",
            reference,
        ));
    }
    if !(beds_per_1000.is_finite() && beds_per_1000 > 0.0) {
        return Err(out_of_range(
            p("beds_per_1000"),
            "a finite number above 0 when quality_per_log_beds is set (the pull of 0 or \
             unlimited beds is undefined)",
            beds_per_1000,
        ));
    }
    check_utility(
        p("quality_per_log_beds"),
        per_log * (beds_per_1000 / reference).ln(),
    )
}

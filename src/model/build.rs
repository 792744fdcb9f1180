//! Validation: from the raw scenario to a [`Model`] whose invariants hold.

use super::*;
use crate::scenario::raw::{RawBenefit, RawPerTier, RawScenario, RawTier};
use crate::scenario::{ErrorKind, ScenarioError};
use crate::tier::N_TIERS;

use super::checks::*;
use super::targets::build_targets;

/// Names the outputs' breakdown columns use for something else.
fn is_reserved_name(name: &str) -> bool {
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
            if !present[t.index()] {
                return Err(reference(
                    p,
                    format!("tier `{}` is not defined in [tiers]", t.name()),
                ));
            }
            out[t] = check(&p, *v)?;
        }
    }
    Ok(out)
}

impl Model {
    /// Validates a raw scenario. Errors carry the parameter path; the caller adds the location.
    pub fn from_raw(raw: &RawScenario) -> Result<Model, ScenarioError> {
        check_scenario_name(&raw.name)?;
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
                    target_occupancy: match check_fraction(
                        p("target_occupancy"),
                        rt.target_occupancy,
                    )? {
                        0.0 => None,
                        x => Some(x),
                    },
                });
            }
        }

        let scheme_names: Vec<&String> = raw.schemes.keys().collect();
        if scheme_names.is_empty() {
            return Err(ScenarioError::new(
                ErrorKind::Shape,
                "expected at least one insurance scheme",
            )
            .at_path("schemes"));
        }
        if raw.groups.is_empty() || raw.groups.len() > MAX_KEYS {
            return Err(out_of_range(
                "groups",
                &format!("1 to {MAX_KEYS} groups"),
                raw.groups.len(),
            ));
        }
        if raw.conditions.is_empty() || raw.conditions.len() > MAX_KEYS {
            return Err(out_of_range(
                "conditions",
                &format!("1 to {MAX_KEYS} conditions"),
                raw.conditions.len(),
            ));
        }
        let mut groups = Vec::new();
        let mut share_sum = 0.0;
        for (name, g) in &raw.groups {
            let p = |k: &str| format!("groups.{name}.{k}");
            if is_reserved_name(name) {
                return Err(reference(
                    format!("groups.{name}"),
                    format!(
                        "a group cannot be called `{name}`: outputs use that name for the region, a tier or a signing status"
                    ),
                ));
            }
            let share = check_fraction(p("share"), g.share)?;
            share_sum += share;
            let scheme = scheme_names
                .iter()
                .position(|s| **s == g.scheme)
                .ok_or_else(|| {
                    reference(
                        p("scheme"),
                        format!(
                            "scheme `{}` is not defined (defined: {})",
                            g.scheme,
                            scheme_names
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?;
            let signs =
                g.signing_coverage > 0.0 || g.signing_targets.iter().any(|t| t.coverage > 0.0);
            if signs && !present[g.signing_tier.index()] {
                return Err(reference(
                    p("signing_tier"),
                    format!("tier `{}` is not defined in [tiers]", g.signing_tier.name()),
                ));
            }
            let mut signing_path = vec![(
                -(run.warmup_years as f64) * DAYS_PER_YEAR,
                check_fraction(p("signing_coverage"), g.signing_coverage)?,
            )];
            signing_path.push((0.0, g.signing_coverage));
            for (i, st) in g.signing_targets.iter().enumerate() {
                let pp = |k: &str| format!("groups.{name}.signing_targets.{i}.{k}");
                let day = date_to_day(&st.date, run.start_year)
                    .map_err(|m| ScenarioError::new(ErrorKind::Shape, m).at_path(pp("date")))?;
                if day <= signing_path.last().expect("path starts non-empty").0
                    || day > horizon_days + DAYS_PER_YEAR * 50.0
                {
                    return Err(out_of_range(
                        pp("date"),
                        &format!(
                            "a date after {}-01-01 and after the previous target",
                            run.start_year
                        ),
                        &st.date,
                    ));
                }
                signing_path.push((day, check_fraction(pp("coverage"), st.coverage)?));
            }
            groups.push(Group {
                name: name.clone(),
                share,
                area: g.area,
                scheme,
                signing_tier: g.signing_tier,
                signing_path,
                n_people: 0,
                growth_per_year: {
                    let g = g.growth_per_year;
                    if !(-0.5..=0.5).contains(&g) {
                        return Err(out_of_range(
                            p("growth_per_year"),
                            "a yearly growth from −0.5 to 0.5",
                            g,
                        ));
                    }
                    g
                },
            });
        }
        if (share_sum - 1.0).abs() > 1e-6 {
            return Err(out_of_range(
                "groups",
                "group shares summing to 1",
                format!("a sum of {share_sum}"),
            ));
        }
        allocate_people(&mut groups, n_people_simulated);
        // Growth compounds: the largest year, not the first, sizes the person array.
        let peak: f64 = groups.iter().map(|g| g.peak_size(r.years)).sum();
        if peak > MAX_SIMULATED_PEOPLE as f64 {
            return Err(out_of_range(
                "groups",
                &format!(
                    "at most {MAX_SIMULATED_PEOPLE} simulated people in any year; with growth_per_year the groups reach {peak:.3e} (lower population.scale, run.years or the growth)"
                ),
                format!("{peak:.3e} people"),
            ));
        }

        let group_names: Vec<&String> = raw.groups.keys().collect();
        let mut conditions = Vec::new();
        for (name, c) in &raw.conditions {
            let p = |k: &str| format!("conditions.{name}.{k}");
            if is_reserved_name(name) || raw.groups.contains_key(name) {
                return Err(reference(
                    format!("conditions.{name}"),
                    format!(
                        "a condition cannot be called `{name}`: outputs use that name for the region, a tier, a signing status or a group"
                    ),
                ));
            }
            let base = check_incidence(p("incidence_per_year"), c.incidence_per_year)?;
            let mut incidence = vec![base; groups.len()];
            for (gname, &v) in &c.incidence_per_year_by_group {
                let gp = format!("conditions.{name}.incidence_per_year_by_group.{gname}");
                let gi = group_names
                    .iter()
                    .position(|g| *g == gname)
                    .ok_or_else(|| {
                        reference(
                            gp.clone(),
                            format!("group `{gname}` is not defined in [groups]"),
                        )
                    })?;
                incidence[gi] = check_incidence(gp, v)?;
            }
            if !present[c.lowest_tier.index()] {
                return Err(reference(
                    p("lowest_tier"),
                    format!("tier `{}` is not defined in [tiers]", c.lowest_tier.name()),
                ));
            }
            let admission_probability = per_tier(
                &p("admission_probability"),
                &c.admission_probability,
                &present,
                |pp, v| check_fraction(pp, v),
            )?;
            let los_days = per_tier(&p("los_days"), &c.los_days, &present, |pp, v| {
                let d = check_at_most(pp, v, MAX_STAY_DAYS, "days")?;
                if d > 0.0 && d < MIN_STAY_DAYS {
                    return Err(out_of_range(
                        pp,
                        &format!("0 or a stay of at least {MIN_STAY_DAYS} days"),
                        d,
                    ));
                }
                Ok(d)
            })?;
            for t in Tier::ALL {
                if admission_probability[t] > 0.0 && los_days[t] <= 0.0 {
                    return Err(out_of_range(
                        format!("conditions.{name}.los_days.{}", t.name()),
                        "a stay > 0 days where admission_probability > 0",
                        los_days[t],
                    ));
                }
            }
            let los_cv = c.los_cv;
            if !(0.01..=10.0).contains(&los_cv) {
                return Err(out_of_range(
                    p("los_cv"),
                    "a coefficient of variation from 0.01 to 10",
                    los_cv,
                ));
            }
            let cost_cv = c.cost_cv;
            if !(0.0..=10.0).contains(&cost_cv) {
                return Err(out_of_range(
                    p("cost_cv"),
                    "a coefficient of variation in [0, 10]",
                    cost_cv,
                ));
            }
            conditions.push(Condition {
                name: name.clone(),
                incidence_per_year: incidence,
                lowest_tier: c.lowest_tier,
                emergency: c.emergency,
                chronic: c.chronic,
                admission_probability,
                los_days,
                los_cv,
                outpatient_cost_yuan: per_tier(
                    &p("outpatient_cost_yuan"),
                    &c.outpatient_cost_yuan,
                    &present,
                    |pp, v| check_at_most(pp, v, MAX_COST_YUAN, "yuan"),
                )?,
                inpatient_cost_yuan: per_tier(
                    &p("inpatient_cost_yuan"),
                    &c.inpatient_cost_yuan,
                    &present,
                    |pp, v| check_at_most(pp, v, MAX_COST_YUAN, "yuan"),
                )?,
                cost_cv,
                quality_shift: per_tier(
                    &p("quality_shift"),
                    &c.quality_shift,
                    &present,
                    |pp, v| check_utility(pp, v),
                )?,
                self_care_shift: check_utility(p("self_care_shift"), c.self_care_shift)?,
            });
        }

        let condition_names: Vec<&String> = raw.conditions.keys().collect();
        let mut schemes = Vec::new();
        for (name, s) in &raw.schemes {
            let mut benefits = [PerTier::splat(Benefit::default()); 2];
            for (ci, (care, table)) in [("outpatient", &s.outpatient), ("inpatient", &s.inpatient)]
                .into_iter()
                .enumerate()
            {
                benefits[ci] = per_tier(
                    &format!("schemes.{name}.{care}"),
                    table,
                    &present,
                    |pp, b: RawBenefit| {
                        Ok(Benefit {
                            rate: check_fraction(format!("{pp}.rate"), b.rate)?,
                            deductible_yuan: check_at_most_yuan(
                                format!("{pp}.deductible_yuan"),
                                b.deductible_yuan,
                            )?,
                            cap_yuan: check_non_negative(format!("{pp}.cap_yuan"), b.cap_yuan)?,
                            unreferred_rate_cut: check_fraction(
                                format!("{pp}.unreferred_rate_cut"),
                                b.unreferred_rate_cut,
                            )?,
                        })
                    },
                )?;
            }
            let mut rate_by_condition: Vec<[PerTier<f64>; 2]> = conditions
                .iter()
                .map(|_| {
                    [
                        PerTier(std::array::from_fn(|i| benefits[0].0[i].rate)),
                        PerTier(std::array::from_fn(|i| benefits[1].0[i].rate)),
                    ]
                })
                .collect();
            for (i, cl) in s.condition_lists.iter().enumerate() {
                let pp = |k: &str| format!("schemes.{name}.condition_lists.{i}.{k}");
                let ci = condition_names
                    .iter()
                    .position(|c| **c == cl.condition)
                    .ok_or_else(|| {
                        reference(
                            pp("condition"),
                            format!(
                                "condition `{}` is not defined in [conditions]",
                                cl.condition
                            ),
                        )
                    })?;
                if !present[cl.tier.index()] {
                    return Err(reference(
                        pp("tier"),
                        format!("tier `{}` is not defined in [tiers]", cl.tier.name()),
                    ));
                }
                let rate = check_fraction(pp("rate"), cl.rate)?;
                let elsewhere = check_fraction(pp("rate_elsewhere"), cl.rate_elsewhere)?;
                for t in Tier::ALL {
                    rate_by_condition[ci][cl.care as usize][t] =
                        if t == cl.tier { rate } else { elsewhere };
                }
            }
            schemes.push(Scheme {
                name: name.clone(),
                benefits,
                rate_by_condition,
                upward_referral_deductible: s.upward_referral_deductible,
                downward_referral_deductible_waived: s.downward_referral_deductible_waived,
            });
        }

        let referral = super::referral::build_referral(raw, &present)?;
        let signing = Signing {
            fee_yuan_per_signed_per_year: check_at_most(
                "signing.fee_yuan_per_signed_per_year",
                raw.signing.fee_yuan_per_signed_per_year,
                MAX_COST_YUAN,
                "yuan",
            )?,
            signed_bed_priority: raw.signing.signed_bed_priority,
            chronic_visit_multiplier: check_fraction(
                "signing.chronic_visit_multiplier",
                raw.signing.chronic_visit_multiplier,
            )?,
        };
        let b = &raw.behaviour;
        let behaviour = Behaviour {
            cost_per_yuan: check_utility("behaviour.cost_per_yuan", b.cost_per_yuan)?,
            inpatient_cost_per_yuan: check_utility(
                "behaviour.inpatient_cost_per_yuan",
                b.inpatient_cost_per_yuan,
            )?,
            travel_per_hour: check_utility("behaviour.travel_per_hour", b.travel_per_hour)?,
            signed_doctor: check_utility("behaviour.signed_doctor", b.signed_doctor)?,
            habit: check_utility("behaviour.habit", b.habit)?,
            bad_experience: check_utility("behaviour.bad_experience", b.bad_experience)?,
            bad_wait_days: check_non_negative("behaviour.bad_wait_days", b.bad_wait_days)?,
            below_capability: check_utility("behaviour.below_capability", b.below_capability)?,
            wait_per_day: check_utility("behaviour.wait_per_day", b.wait_per_day)?,
            self_care_utility: if b.self_care_enabled {
                Some(check_finite(
                    "behaviour.self_care_utility",
                    b.self_care_utility,
                )?)
            } else {
                None
            },
            village_cost_per_yuan: check_utility(
                "behaviour.village_cost_per_yuan",
                b.village_cost_per_yuan,
            )?,
            admission_acceptance_utility: if b.admission_decline_enabled {
                Some(check_utility(
                    "behaviour.admission_acceptance_utility",
                    b.admission_acceptance_utility,
                )?)
            } else {
                None
            },
            admission_adjustment_per_year: check_fraction(
                "behaviour.admission_adjustment_per_year",
                b.admission_adjustment_per_year,
            )?,
        };
        let trends = Trends::from_raw(raw)?;
        let mut referral = referral;
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

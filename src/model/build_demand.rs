//! Validating who falls ill and with what: `[groups]` (shares, schemes, signing paths, growth)
//! and `[conditions]` (incidence, capable tiers, admissions, stays, costs).

use super::*;
use crate::scenario::raw::RawScenario;
use crate::scenario::{ErrorKind, ScenarioError};
use crate::tier::N_TIERS;

use super::build::{is_reserved_name, per_tier};
use super::checks::*;

/// `[groups]`: shares, schemes, signing paths and growth; people allocated to each.
pub(super) fn groups(
    raw: &RawScenario,
    run: &RunSettings,
    present: &[bool; N_TIERS],
    n_people_simulated: u32,
) -> Result<Vec<Group>, ScenarioError> {
    let scheme_names: Vec<&String> = raw.schemes.keys().collect();
    if scheme_names.is_empty() {
        return Err(
            ScenarioError::new(ErrorKind::Shape, "expected at least one insurance scheme")
                .at_path("schemes"),
        );
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
        let scheme = index_of(&scheme_names, &g.scheme, "scheme", "schemes", p("scheme"))?;
        let signs = g.signing_coverage > 0.0 || g.signing_targets.iter().any(|t| t.coverage > 0.0);
        if signs {
            require_tier(present, g.signing_tier, p("signing_tier"))?;
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
                || day > run.horizon_days + DAYS_PER_YEAR * 50.0
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
    let peak: f64 = groups.iter().map(|g| g.peak_size(run.years)).sum();
    if peak > MAX_SIMULATED_PEOPLE as f64 {
        return Err(out_of_range(
            "groups",
            &format!(
                "at most {MAX_SIMULATED_PEOPLE} simulated people in any year; with growth_per_year the groups reach {peak:.3e} (lower population.scale, run.years or the growth)"
            ),
            format!("{peak:.3e} people"),
        ));
    }
    Ok(groups)
}

/// `[conditions]`: incidence by group, capable tiers, admission, stays, costs.
pub(super) fn conditions(
    raw: &RawScenario,
    groups: &[Group],
    present: &[bool; N_TIERS],
) -> Result<Vec<Condition>, ScenarioError> {
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
            let gi = index_of(&group_names, gname, "group", "groups", gp.clone())?;
            incidence[gi] = check_incidence(gp, v)?;
        }
        require_tier(present, c.lowest_tier, p("lowest_tier"))?;
        let admission_probability = per_tier(
            &p("admission_probability"),
            &c.admission_probability,
            present,
            |pp, v| check_fraction(pp, v),
        )?;
        let los_days = per_tier(&p("los_days"), &c.los_days, present, |pp, v| {
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
                present,
                |pp, v| check_at_most(pp, v, MAX_COST_YUAN, "yuan"),
            )?,
            inpatient_cost_yuan: per_tier(
                &p("inpatient_cost_yuan"),
                &c.inpatient_cost_yuan,
                present,
                |pp, v| check_at_most(pp, v, MAX_COST_YUAN, "yuan"),
            )?,
            cost_cv,
            quality_shift: per_tier(&p("quality_shift"), &c.quality_shift, present, |pp, v| {
                check_utility(pp, v)
            })?,
            self_care_shift: check_utility(p("self_care_shift"), c.self_care_shift)?,
        });
    }
    Ok(conditions)
}

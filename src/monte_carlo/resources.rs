//! Memory a set of jobs needs, estimated before anything runs, against what the machine has:
//! a run that cannot fit is refused up front (or runs on fewer threads) instead of being
//! killed by the allocator half-way.

use crate::model::Model;

/// Bytes of state per simulated person: 16 for the person, up to 8 for the reused signing
/// threshold buffer (measured peak about 21 at 5 M people).
const BYTES_PER_PERSON: u64 = 24;
/// Bytes per entry of the choice cache (one per group × condition × deductible band × cap band).
const BYTES_PER_CHOICE_ENTRY: u64 = 1_600;
/// Fixed cost of a replication: event heap, bed pools, tallies.
const BYTES_FIXED: u64 = 16 << 20;
/// Bytes one replication's results take per reported year (yearly tallies and metric values).
const RESULT_BYTES_PER_YEAR: u64 = 16 << 10;
/// Share of the available memory a command plans to use.
const USABLE_SHARE: f64 = 0.8;

/// What one set of jobs needs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Estimate {
    /// Working memory of the largest replication while it runs, bytes.
    pub per_replication_bytes: u64,
    /// Results kept until all replications finish, bytes.
    pub results_bytes: u64,
}

impl Estimate {
    /// The estimate for `replications` replications of `model`.
    pub fn of(model: &Model, replications: u64) -> Estimate {
        let run = &model.run;
        let people = model.peak_people_simulated();
        let bands = (1 + crate::tier::N_TIERS as u64).pow(2);
        let cache = model.groups.len() as u64
            * model.conditions.len() as u64
            * bands
            * BYTES_PER_CHOICE_ENTRY;
        let years = run.years as u64 + run.warmup_years as u64;
        let per_year = if run.monthly_outputs {
            13 * RESULT_BYTES_PER_YEAR
        } else {
            RESULT_BYTES_PER_YEAR
        };
        Estimate {
            per_replication_bytes: people * BYTES_PER_PERSON + cache + BYTES_FIXED,
            results_bytes: replications * years * per_year,
        }
    }

    /// Adds another scenario's jobs (a study): the largest replication, all results.
    pub fn and(self, other: Estimate) -> Estimate {
        Estimate {
            per_replication_bytes: self.per_replication_bytes.max(other.per_replication_bytes),
            results_bytes: self.results_bytes + other.results_bytes,
        }
    }

    /// Bytes needed with `threads` replications running at once.
    pub fn total(&self, threads: usize) -> u64 {
        self.per_replication_bytes * threads as u64 + self.results_bytes
    }

    /// The thread count to use: `threads` if it fits in `available` bytes, fewer if only
    /// that fits, or an error saying what is needed.
    pub fn threads_that_fit(
        &self,
        threads: usize,
        available: Option<u64>,
    ) -> Result<usize, String> {
        let Some(available) = available else {
            return Ok(threads);
        };
        let usable = (available as f64 * USABLE_SHARE) as u64;
        if self.total(threads) <= usable {
            return Ok(threads);
        }
        let fit = usable.saturating_sub(self.results_bytes) / self.per_replication_bytes.max(1);
        if fit >= 1 {
            return Ok((fit as usize).min(threads));
        }
        Err(format!(
            "this run needs about {} of memory ({} per replication running, {} for the results), more than the {} this machine has available; lower population.scale, run.replications or run.years",
            gib(self.total(1)),
            gib(self.per_replication_bytes),
            gib(self.results_bytes),
            gib(available)
        ))
    }
}

/// Memory the system can give this process now (Linux `MemAvailable`), if known.
pub fn available_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Bytes as a short human figure (MB below a GB).
pub fn gib(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1_000_000_000;

    fn estimate(per_replication_gb: u64, results_gb: u64) -> Estimate {
        Estimate {
            per_replication_bytes: per_replication_gb * GB,
            results_bytes: results_gb * GB,
        }
    }

    #[test]
    fn threads_are_kept_reduced_or_refused_by_what_fits() {
        // 80% of 20 GB is usable: 16 GB.
        let available = Some(20 * GB);
        assert_eq!(estimate(1, 2).threads_that_fit(8, available), Ok(8));
        assert_eq!(estimate(3, 4).threads_that_fit(8, available), Ok(4));
        let refused = estimate(10, 7).threads_that_fit(2, available).unwrap_err();
        assert!(
            refused.contains("17.0 GB") && refused.contains("20.0 GB"),
            "{refused}"
        );
        // Unknown memory: trust the request.
        assert_eq!(estimate(100, 100).threads_that_fit(3, None), Ok(3));
    }

    #[test]
    fn a_study_needs_its_largest_replication_and_all_results() {
        let both = estimate(1, 2).and(estimate(3, 1));
        assert_eq!(both, estimate(3, 3));
        assert_eq!(both.total(2), 9 * GB);
    }
}

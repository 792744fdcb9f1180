//! The search: Nelder–Mead over the parameters' box, in unit coordinates.
//!
//! Why Nelder–Mead, and why argmin: the objective is a Monte Carlo mean, smooth in the
//! parameters only because every candidate runs on the same random numbers, and it has no
//! gradient; with a handful of parameters and an evaluation costing seconds, a simplex method
//! reaches a fit in tens to a few hundred evaluations, where CMA-ES or particle swarms need a
//! population per step. argmin is the maintained Rust optimisation framework; its Nelder–Mead
//! is used as it is. The box is handled here: the search moves in unit coordinates, a point
//! outside is evaluated at its projection onto the box plus a quadratic penalty for the
//! distance, and projections already evaluated are reused rather than rerun.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use argmin::core::{CostFunction, Executor};
use argmin::solver::neldermead::NelderMead;

use super::Calibration;
use super::objective::Evaluation;

/// Initial simplex step along each axis, as a share of the box.
const STEP: f64 = 0.15;
/// Penalty per squared unit of distance outside the box.
const OUTSIDE_PENALTY: f64 = 1e3;
/// The search stops when the simplex's objective values have a standard deviation below this.
const OBJECTIVE_SPREAD: f64 = 1e-3;

/// Why the search stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The simplex's objective values agree (converged).
    Converged,
    /// `max_evaluations` were made.
    Budget,
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

impl Stop {
    /// In words, for the terminal and calibrated.toml.
    pub fn describe(self) -> &'static str {
        match self {
            Stop::Converged => "converged",
            Stop::Budget => "stopped at the evaluation budget (not converged)",
            Stop::Interrupted => "INTERRUPTED: best point so far, not converged",
        }
    }
}

/// What the search found.
pub struct Outcome {
    /// Every evaluation, in order.
    pub trace: Vec<Evaluation>,
    /// Index into `trace` of the best.
    pub best: usize,
    /// Why it stopped.
    pub stop: Stop,
}

impl Outcome {
    /// The best evaluation.
    pub fn best(&self) -> &Evaluation {
        &self.trace[self.best]
    }
}

struct State<'e, E> {
    evaluate: &'e mut E,
    trace: Vec<Evaluation>,
    /// Objective by the bits of the evaluated (projected) values.
    seen: HashMap<Vec<u64>, f64>,
    stop: Option<Stop>,
    failure: Option<anyhow::Error>,
}

struct Problem<'c, 'e, E> {
    calibration: &'c Calibration,
    max_evaluations: usize,
    simplex_size: usize,
    cancel: &'c AtomicBool,
    state: &'c RefCell<State<'e, E>>,
}

impl<E> CostFunction for Problem<'_, '_, E>
where
    E: FnMut(&[f64]) -> Result<Evaluation>,
{
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        let mut st = self.state.borrow_mut();
        let outside: f64 = u
            .iter()
            .map(|x| (x - x.clamp(0.0, 1.0)).powi(2))
            .sum::<f64>()
            * OUTSIDE_PENALTY;
        let values = self.calibration.values_at(u);
        let key: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
        if let Some(&f) = st.seen.get(&key) {
            return Ok(f + outside);
        }
        // argmin unwraps errors from the first simplex, so stopping there returns +inf and
        // the stop is reported afterwards; later, an error ends the search at once.
        let in_first_simplex = st.trace.len() < self.simplex_size;
        let stop = if st.stop.is_some() {
            st.stop
        } else if self.cancel.load(Ordering::SeqCst) {
            Some(Stop::Interrupted)
        } else if st.trace.len() >= self.max_evaluations {
            Some(Stop::Budget)
        } else {
            None
        };
        if let Some(s) = stop {
            st.stop = Some(s);
            return if in_first_simplex {
                Ok(f64::INFINITY)
            } else {
                Err(anyhow::anyhow!("search stopped"))
            };
        }
        match (st.evaluate)(&values) {
            Ok(e) => {
                let f = e.objective;
                st.seen.insert(key, f);
                st.trace.push(e);
                Ok(f + outside)
            }
            Err(e) => {
                let cancelled = e
                    .downcast_ref::<crate::monte_carlo::RunError>()
                    .is_some_and(|r| matches!(r, crate::monte_carlo::RunError::Cancelled));
                if cancelled {
                    st.stop = Some(Stop::Interrupted);
                } else {
                    st.failure = Some(e);
                }
                if in_first_simplex {
                    Ok(f64::INFINITY)
                } else {
                    Err(anyhow::anyhow!("search stopped"))
                }
            }
        }
    }
}

/// Searches the box from the parameters' start values with `evaluate`, at most
/// `max_evaluations` evaluations, stopping early on `cancel`. Returns None when the search
/// was interrupted before any evaluation finished.
pub fn search<E>(
    calibration: &Calibration,
    max_evaluations: usize,
    cancel: &AtomicBool,
    mut evaluate: E,
) -> Result<Option<Outcome>>
where
    E: FnMut(&[f64]) -> Result<Evaluation>,
{
    let start: Vec<f64> = calibration.unit_of(
        &calibration
            .parameters
            .iter()
            .map(|p| p.start)
            .collect::<Vec<_>>(),
    );
    let mut simplex = vec![start.clone()];
    for i in 0..start.len() {
        let mut v = start.clone();
        // Step into the box: up unless that leaves it.
        v[i] = if start[i] + STEP <= 1.0 {
            start[i] + STEP
        } else {
            start[i] - STEP
        };
        simplex.push(v);
    }
    let state = RefCell::new(State {
        evaluate: &mut evaluate,
        trace: Vec::new(),
        seen: HashMap::new(),
        stop: None,
        failure: None,
    });
    let problem = Problem {
        calibration,
        max_evaluations,
        simplex_size: simplex.len(),
        cancel,
        state: &state,
    };
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(OBJECTIVE_SPREAD)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Each iteration makes at least one evaluation, so max_evaluations iterations suffice.
    let result = Executor::new(problem, solver)
        .configure(|s| s.max_iters(max_evaluations as u64))
        .run();
    // What argmin says, read before the state it borrows is taken back.
    let ended: Result<Option<Stop>, String> = match &result {
        Ok(r) => {
            use argmin::core::{TerminationReason, TerminationStatus};
            Ok(match r.state.termination_status {
                TerminationStatus::Terminated(TerminationReason::SolverConverged) => {
                    Some(Stop::Converged)
                }
                _ => None,
            })
        }
        Err(e) => Err(e.to_string()),
    };
    drop(result);
    let State {
        trace,
        stop,
        failure,
        ..
    } = state.into_inner();
    if let Some(e) = failure {
        return Err(e);
    }
    let stop = match (stop, ended) {
        (Some(s), _) => s,
        (None, Ok(Some(s))) => s,
        (None, Ok(None)) => Stop::Budget,
        (None, Err(e)) => return Err(anyhow::anyhow!("the search failed: {e}")),
    };
    if trace.is_empty() {
        return Ok(None);
    }
    let best = trace
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.objective.total_cmp(&b.1.objective))
        .map(|(i, _)| i)
        .expect("the trace is not empty");
    Ok(Some(Outcome { trace, best, stop }))
}

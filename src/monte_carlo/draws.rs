//! A scenario prepared for replications: its validated plan, and for scenarios with uncertain
//! parameters, the values each replication draws.

use std::borrow::Cow;

use crate::engine::rng::{Stream, stream_rng};
use crate::model::Plan;
use crate::scenario::paths::set_path;
use crate::scenario::uncertainty::Uncertain;
use crate::scenario::{ErrorKind, Scenario, ScenarioError};

/// A validated scenario ready to run.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The plan at central values (what every replication runs when nothing is uncertain).
    pub plan: Plan,
    /// The scenario it came from (absent when built straight from a plan).
    scenario: Option<Scenario>,
    /// Parameters each replication draws (empty when fixed at central values).
    uncertain: Vec<Uncertain>,
}

impl Prepared {
    /// Every scenario file it was read from (the file and what it extends).
    pub fn scenario_files(&self) -> Vec<std::path::PathBuf> {
        self.scenario
            .iter()
            .flat_map(|s| s.files.iter().map(|f| f.path.clone()))
            .collect()
    }

    /// What makes this scenario's numbers: the resolved tree with its distributions and which
    /// parameters are drawn (text, for fingerprints of jobs).
    pub fn identity(&self) -> String {
        let tree = self
            .scenario
            .as_ref()
            .and_then(|s| toml::to_string(&s.tree_with_distributions()).ok())
            .unwrap_or_else(|| format!("{:?}", self.plan.base().name));
        let drawn: Vec<&str> = self.uncertain.iter().map(|u| u.path.as_str()).collect();
        format!("{tree}\ndrawn: {}", drawn.join(","))
    }

    /// Validates `scenario`; with `fix_parameters`, uncertain parameters stay at central values.
    pub fn new(scenario: Scenario, fix_parameters: bool) -> Result<Self, ScenarioError> {
        let plan = Plan::from_scenario(&scenario)?;
        let uncertain = if fix_parameters {
            Vec::new()
        } else {
            scenario.uncertain.clone()
        };
        Ok(Prepared {
            plan,
            scenario: Some(scenario),
            uncertain,
        })
    }

    /// Wraps a plan whose parameters are all fixed.
    pub fn from_plan(plan: Plan) -> Self {
        Prepared {
            plan,
            scenario: None,
            uncertain: Vec::new(),
        }
    }

    /// The parameters replications draw (empty when none are, or when they are fixed).
    pub fn uncertain(&self) -> &[Uncertain] {
        &self.uncertain
    }

    /// The values replication `replication` draws for the uncertain parameters, in order.
    ///
    /// They come from their own stream, so drawing them does not shift any other draw.
    pub fn draws(&self, replication: u32) -> Result<Vec<(String, f64)>, ScenarioError> {
        let seed = self.plan.base().run.seed;
        let mut rng = stream_rng(seed, replication, Stream::Parameters);
        self.uncertain
            .iter()
            .map(|u| {
                let v = u.dist.draw(&mut rng).ok_or_else(|| {
                    ScenarioError::new(
                        ErrorKind::OutOfRange,
                        format!(
                            "{} almost never falls within its min and max; widen them",
                            u.dist.describe()
                        ),
                    )
                    .at_path(&u.path)
                })?;
                Ok((u.path.clone(), v))
            })
            .collect()
    }

    /// The plan replication `replication` runs.
    pub fn plan(&self, replication: u32) -> Result<Cow<'_, Plan>, ScenarioError> {
        let Some(scenario) = self
            .scenario
            .as_ref()
            .filter(|_| !self.uncertain.is_empty())
        else {
            return Ok(Cow::Borrowed(&self.plan));
        };
        let draws = self.draws(replication)?;
        let mut s = scenario.clone();
        for (path, v) in &draws {
            set_path(&mut s.tree, path, toml::Value::Float(*v))
                .expect("uncertain paths were checked at load");
        }
        let explain = |e: ScenarioError| {
            let drawn: Vec<String> = draws.iter().map(|(p, v)| format!("{p} = {v}")).collect();
            ScenarioError {
                message: format!(
                    "{} (replication {replication} drew {}; narrow or truncate the distributions)",
                    e.message,
                    drawn.join(", ")
                ),
                ..e
            }
        };
        s.raw = s.raw_from_tree(&s.tree).map_err(explain)?;
        Plan::from_scenario(&s).map(Cow::Owned).map_err(explain)
    }
}

//! The five care tiers and a fixed-size map keyed by tier.
//!
//! Tiers are a closed set in the reform documents (village clinic, township or community health
//! centre, county or secondary hospital, city tertiary hospital, out of region), so they are an
//! enum rather than free names: scenario keys are checked at load and hot loops index arrays.

use serde::{Deserialize, Serialize};

/// Number of tiers tierflow knows.
pub const N_TIERS: usize = 5;

/// A care tier, ordered from the most local to the most distant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Village clinic (村卫生室); grassroots.
    Village,
    /// Township health centre or community health centre (乡镇卫生院 / 社区卫生服务中心); grassroots.
    Township,
    /// County or secondary hospital (县级医院 / 二级医院).
    County,
    /// City tertiary hospital (三级医院).
    Tertiary,
    /// Care outside the region (区域外 / 县外).
    OutOfRegion,
}

impl Tier {
    /// All tiers in order, lowest first.
    pub const ALL: [Tier; N_TIERS] = [
        Tier::Village,
        Tier::Township,
        Tier::County,
        Tier::Tertiary,
        Tier::OutOfRegion,
    ];

    /// Position in [`Tier::ALL`], for array indexing.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The tier at a given index of [`Tier::ALL`].
    pub fn from_index(i: usize) -> Tier {
        Tier::ALL[i]
    }

    /// The key used in scenario files and output tables.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Village => "village",
            Tier::Township => "township",
            Tier::County => "county",
            Tier::Tertiary => "tertiary",
            Tier::OutOfRegion => "out_of_region",
        }
    }

    /// Parses a scenario key.
    pub fn from_name(name: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Grassroots (基层) = village clinics plus township and community health centres.
    pub fn is_grassroots(self) -> bool {
        matches!(self, Tier::Village | Tier::Township)
    }

    /// Whether care at this tier counts as in-region for the in-region rate.
    pub fn is_in_region(self) -> bool {
        self != Tier::OutOfRegion
    }
}

/// One value per tier, indexed by [`Tier`].
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct PerTier<T>(pub [T; N_TIERS]);

impl<T> std::ops::Index<Tier> for PerTier<T> {
    type Output = T;
    fn index(&self, t: Tier) -> &T {
        &self.0[t.index()]
    }
}

impl<T> std::ops::IndexMut<Tier> for PerTier<T> {
    fn index_mut(&mut self, t: Tier) -> &mut T {
        &mut self.0[t.index()]
    }
}

impl<T: Copy> PerTier<T> {
    /// The same value at every tier.
    pub fn splat(v: T) -> Self {
        PerTier([v; N_TIERS])
    }
}

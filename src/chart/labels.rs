//! Chart text in English or Chinese: metric names, units, tiers and the few words around them.
//!
//! Every Chinese character here must be in the embedded CJK font subset; `scripts/subset_fonts.py`
//! builds that subset from this file, and a test checks the font covers it.

use crate::catalog;

/// Language of chart text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

/// Chinese names of metrics, as the policy documents word them.
const METRIC_ZH: &[(&str, &str)] = &[
    ("grassroots_outpatient_share", "基层诊疗量占比"),
    ("grassroots_inpatient_share", "基层住院占比"),
    ("in_region_rate", "县域内就诊率"),
    ("episodes", "患病次数"),
    ("self_care", "自我治疗次数"),
    ("visits", "门诊人次"),
    ("admissions", "住院人次"),
    ("discharges", "出院人次"),
    ("in_bed_at_year_end", "年末在院人数"),
    ("waiting_at_year_end", "年末候床人数"),
    ("bed_occupancy", "病床使用率"),
    ("bed_wait_days", "平均候床天数"),
    ("los_days", "平均住院日"),
    ("referrals_up", "上转人次"),
    ("referrals_down", "下转人次"),
    ("diversions", "满床转院人次"),
    ("admissions_unplaced", "未能入院人次"),
    ("signing_coverage", "家庭医生签约率"),
    ("signed_residents", "签约居民数"),
    ("total_cost", "医疗总费用"),
    ("fund_spend", "医保基金支出"),
    ("oop_spend", "个人自付费用"),
    ("oop_per_capita", "人均自付费用"),
    ("cost_per_visit", "次均门诊费用"),
    ("cost_per_admission", "次均住院费用"),
    ("programme_cost", "签约服务费用"),
];

/// A metric's name for a chart title.
pub fn metric(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => {
            let mut s = name.replace('_', " ");
            if let Some(first) = s.get(..1) {
                s.replace_range(..1, &first.to_uppercase());
            }
            s
        }
        Lang::Zh => METRIC_ZH
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| name.to_string(), |(_, zh)| zh.to_string()),
    }
}

/// Whether a metric is a fraction, which charts show as a percentage.
pub fn is_fraction(name: &str) -> bool {
    catalog::metric(name).is_some_and(|(_, m)| m.unit == "fraction")
}

/// The value-axis label of a metric: its unit, percentages for fractions.
pub fn unit(name: &str, lang: Lang) -> String {
    let unit = catalog::metric(name).map_or("", |(_, m)| m.unit);
    match lang {
        Lang::En if unit == "fraction" => "%".to_string(),
        Lang::En => unit.to_string(),
        Lang::Zh => match unit {
            "fraction" => "%",
            "episodes/year" => "次/年",
            "visits/year" | "admissions/year" | "discharges/year" | "referrals/year" => "人次/年",
            "patients" | "people" => "人",
            "days" => "天",
            "yuan/year" => "元/年",
            "yuan" => "元",
            "yuan/person/year" => "元/人/年",
            other => other,
        }
        .to_string(),
    }
}

/// A breakdown label (`all`, a tier, or a group name, which is the user's own text).
pub fn breakdown(label: &str, lang: Lang) -> String {
    let zh = match label {
        "all" => "合计",
        "village" => "村卫生室",
        "township" => "乡镇卫生院",
        "county" => "县级医院",
        "tertiary" => "城市三级医院",
        "out_of_region" => "区域外",
        other => other,
    };
    match lang {
        Lang::En => label.replace('_', " "),
        Lang::Zh => zh.to_string(),
    }
}

/// Fixed words of the charts.
#[derive(Clone, Copy, Debug)]
pub enum Word {
    /// X axis of time series.
    Year,
    /// Legend of the shaded band.
    Band,
    /// Legend of a target marker.
    Target,
    /// Legend of a mean line.
    Mean,
    /// Prefix of difference charts.
    DifferenceFrom,
    /// Legend of a parameter moved down.
    Lower,
    /// Legend of a parameter moved up.
    Higher,
    /// Axis of a tornado chart.
    ChangeIn,
    /// "in" between metric and year.
    In,
    /// Title word of response charts.
    Versus,
    /// What the whiskers of bar charts show.
    Whiskers,
}

/// A fixed word in `lang`.
pub fn word(w: Word, lang: Lang) -> &'static str {
    match (w, lang) {
        (Word::Year, Lang::En) => "year",
        (Word::Year, Lang::Zh) => "年份",
        (Word::Band, Lang::En) => "5–95% band",
        (Word::Band, Lang::Zh) => "5–95% 区间",
        (Word::Target, Lang::En) => "target",
        (Word::Target, Lang::Zh) => "目标",
        (Word::Mean, Lang::En) => "mean",
        (Word::Mean, Lang::Zh) => "均值",
        (Word::DifferenceFrom, Lang::En) => "difference from",
        (Word::DifferenceFrom, Lang::Zh) => "相对于",
        (Word::Lower, Lang::En) => "parameter lowered",
        (Word::Lower, Lang::Zh) => "参数下调",
        (Word::Higher, Lang::En) => "parameter raised",
        (Word::Higher, Lang::Zh) => "参数上调",
        (Word::ChangeIn, Lang::En) => "change in",
        (Word::ChangeIn, Lang::Zh) => "变化量",
        (Word::In, Lang::En) => "in",
        (Word::In, Lang::Zh) => "年",
        (Word::Versus, Lang::En) => "vs",
        (Word::Versus, Lang::Zh) => "随参数变化",
        (Word::Whiskers, Lang::En) => "whiskers: 5–95% band",
        (Word::Whiskers, Lang::Zh) => "误差线: 5–95% 区间",
    }
}

/// "metric in year" in either language (Chinese puts the year first: "2020年 基层诊疗量占比").
pub fn metric_in_year(name: &str, year: i32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} in {year}", metric(name, lang)),
        Lang::Zh => format!("{year}年 {}", metric(name, lang)),
    }
}

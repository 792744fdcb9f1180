//! Human names for settable parameters, in English and Chinese: the one catalogue that sweep
//! and tornado charts, tables and the report use instead of raw paths such as
//! `schemes.residents.outpatient.township.rate`.
//!
//! A label is composed from the path: the key's own words (this table), then what it belongs
//! to (a tier in words; a scheme, group or condition by its scenario name). Keys not in the
//! table fall back to the key with spaces, so a new parameter is never unlabelled.

use super::labels::{Lang, breakdown};

/// Each key's words: (key, English, Chinese).
const KEY_WORDS: &[(&str, &str, &str)] = &[
    ("rate", "reimbursement rate", "报销比例"),
    ("deductible_yuan", "deductible", "起付线"),
    ("cap_yuan", "cap", "封顶线"),
    (
        "unreferred_rate_cut",
        "cut for unreferred care",
        "未转诊报销比例下调",
    ),
    (
        "upward_referral_deductible",
        "deductible on up-referral",
        "上转起付线",
    ),
    (
        "downward_referral_deductible_waived",
        "deductible waived on down-referral",
        "下转免起付线",
    ),
    ("beds_per_1000", "beds per 1,000 people", "每千人口床位数"),
    ("quality", "perceived quality", "感知质量"),
    ("quality_change", "quality change", "质量变化"),
    (
        "quality_growth_per_year",
        "quality growth per year",
        "质量年增长",
    ),
    (
        "quality_per_log_beds",
        "quality per log of beds",
        "床位对质量的影响",
    ),
    (
        "quality_reference_beds_per_1000",
        "reference beds per 1,000",
        "参考床位数",
    ),
    ("target_occupancy", "target bed occupancy", "目标病床使用率"),
    (
        "travel_minutes_urban",
        "travel time, urban (minutes)",
        "城市出行时间（分钟）",
    ),
    (
        "travel_minutes_rural",
        "travel time, rural (minutes)",
        "农村出行时间（分钟）",
    ),
    ("in_region", "in region", "属区域内"),
    ("share", "population share", "人口占比"),
    ("growth_per_year", "growth per year", "年增长率"),
    (
        "signing_coverage",
        "family-doctor signing coverage",
        "家庭医生签约率",
    ),
    ("signing_tier", "signing tier", "签约机构层级"),
    ("coverage", "signing coverage target", "签约率目标"),
    (
        "incidence_per_year",
        "episodes per person per year",
        "人均年患病次数",
    ),
    (
        "incidence_per_year_by_group",
        "episodes per person per year",
        "人均年患病次数",
    ),
    ("admission_probability", "admission probability", "住院概率"),
    ("los_days", "length of stay (days)", "平均住院日"),
    ("los_cv", "length-of-stay variation", "住院日变异系数"),
    ("outpatient_cost_yuan", "cost per visit", "次均门诊费用"),
    ("inpatient_cost_yuan", "cost per admission", "次均住院费用"),
    ("cost_cv", "cost variation", "费用变异系数"),
    ("quality_shift", "quality shift", "质量偏移"),
    ("self_care_shift", "self-care shift", "自我治疗偏移"),
    ("size", "population", "人口"),
    ("scale", "simulated sample", "模拟抽样比例"),
    ("gatekeeping", "gatekeeping", "首诊守门"),
    (
        "gatekeeping_rate_cut",
        "cut for bypassing the gatekeeper",
        "越级就诊报销比例下调",
    ),
    (
        "referred_bed_priority",
        "bed priority for referred patients",
        "转诊患者优先入院",
    ),
    ("when_beds_full", "when beds are full", "满床处理"),
    (
        "down_referral_probability",
        "down-referral probability",
        "下转概率",
    ),
    (
        "down_referral_at_stay_fraction",
        "down-referral point of stay",
        "下转时点",
    ),
    (
        "rehab_cost_per_day_yuan",
        "rehabilitation cost per day",
        "康复日均费用",
    ),
    (
        "chronic_down_referral_probability",
        "chronic down-referral probability",
        "慢病下转概率",
    ),
    ("first_contact_rule", "first-contact rule", "基层首诊规则"),
    ("first_contact_gate", "first-contact tier", "首诊层级"),
    (
        "first_contact_compliance",
        "first-contact compliance",
        "基层首诊依从率",
    ),
    (
        "up_referral_probability",
        "up-referral probability",
        "上转概率",
    ),
    (
        "fee_yuan_per_signed_per_year",
        "signing fee per person per year",
        "签约服务费",
    ),
    (
        "signed_bed_priority",
        "bed priority for signed residents",
        "签约居民优先入院",
    ),
    (
        "chronic_visit_multiplier",
        "chronic visits of signed residents",
        "签约慢病就诊倍数",
    ),
    ("cost_per_yuan", "weight of outpatient cost", "门诊费用权重"),
    (
        "inpatient_cost_per_yuan",
        "weight of inpatient cost",
        "住院费用权重",
    ),
    (
        "village_cost_per_yuan",
        "weight of village cost",
        "村卫生室费用权重",
    ),
    ("travel_per_hour", "weight of travel time", "出行时间权重"),
    (
        "signed_doctor",
        "pull of the signed doctor",
        "签约医生吸引力",
    ),
    ("habit", "habit", "就医习惯"),
    ("bad_experience", "bad experience", "不良就医体验"),
    (
        "bad_wait_days",
        "wait that counts as bad (days)",
        "不良等待天数",
    ),
    ("below_capability", "care below capability", "能力不足"),
    ("wait_per_day", "weight of waiting", "等待时间权重"),
    ("self_care_enabled", "self-care", "自我治疗"),
    ("self_care_utility", "appeal of self-care", "自我治疗效用"),
    (
        "admission_decline_enabled",
        "declining admission",
        "拒绝住院",
    ),
    (
        "admission_acceptance_utility",
        "acceptance of admission",
        "住院接受效用",
    ),
    (
        "admission_adjustment_per_year",
        "hospitals' yearly admission adjustment",
        "医院年度收治调整",
    ),
    ("outpatient_index", "outpatient price index", "门诊价格指数"),
    ("inpatient_index", "inpatient price index", "住院价格指数"),
    (
        "income_growth_per_year",
        "income growth per year",
        "收入年增长率",
    ),
    ("replications", "replications", "重复次数"),
    ("seed", "seed", "随机种子"),
];

/// Words of the tables a key sits in.
const SECTION_WORDS: &[(&str, &str, &str)] = &[
    ("outpatient", "outpatient", "门诊"),
    ("inpatient", "inpatient", "住院"),
    ("prices", "prices", "价格"),
    ("signing", "signing", "签约"),
    ("referral", "referral", "转诊"),
    ("behaviour", "behaviour", "就医行为"),
];

fn words<'a>(table: &'a [(&str, &str, &str)], key: &str, lang: Lang) -> Option<&'a str> {
    table
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, zh)| match lang {
            Lang::En => *en,
            Lang::Zh => *zh,
        })
}

fn is_tier(s: &str) -> bool {
    matches!(
        s,
        "village" | "township" | "county" | "tertiary" | "out_of_region"
    )
}

/// A settable parameter's name for people, e.g. `schemes.residents.outpatient.township.rate`
/// → "Outpatient reimbursement rate (township, residents)" or "门诊报销比例（乡镇卫生院，residents）".
pub fn parameter(path: &str, lang: Lang) -> String {
    let segments: Vec<&str> = path.split('.').collect();
    let Some(key_at) = segments
        .iter()
        .rposition(|s| words(KEY_WORDS, s, lang).is_some())
    else {
        return path.replace('_', " ");
    };
    let key = words(KEY_WORDS, segments[key_at], lang).unwrap_or(segments[key_at]);
    // The care kind (outpatient/inpatient) reads as part of the name; every other segment
    // (tier, scheme, group, condition) qualifies it.
    let mut name = String::new();
    let mut tiers = Vec::new();
    let mut qualifiers = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        if i == key_at || (i == 0 && matches!(*s, "schemes" | "groups" | "conditions" | "tiers")) {
            continue;
        }
        if matches!(*s, "outpatient" | "inpatient") {
            name.push_str(words(SECTION_WORDS, s, lang).unwrap_or(s));
            name.push(' ');
        } else if i == 0 && words(SECTION_WORDS, s, lang).is_some() {
            continue;
        } else if is_tier(s) {
            tiers.push(breakdown(s, lang));
        } else if s.parse::<usize>().is_err() && !matches!(*s, "signing_targets") {
            qualifiers.push(s.to_string());
        }
    }
    name.push_str(key);
    tiers.extend(qualifiers);
    let qualifiers = tiers;
    match lang {
        Lang::En => {
            let mut label = name;
            if let Some(first) = label.get(..1) {
                label.replace_range(..1, &first.to_uppercase());
            }
            if qualifiers.is_empty() {
                label
            } else {
                format!("{label} ({})", qualifiers.join(", "))
            }
        }
        Lang::Zh => {
            let name = name.replace(' ', "");
            if qualifiers.is_empty() {
                name
            } else {
                format!("{name}（{}）", qualifiers.join("，"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_names() {
        assert_eq!(
            parameter("schemes.residents.outpatient.township.rate", Lang::En),
            "Outpatient reimbursement rate (township, residents)"
        );
        assert_eq!(
            parameter("schemes.residents.outpatient.township.rate", Lang::Zh),
            "门诊报销比例（乡镇卫生院，residents）"
        );
        assert_eq!(
            parameter("tiers.tertiary.beds_per_1000", Lang::En),
            "Beds per 1,000 people (tertiary)"
        );
        assert_eq!(parameter("behaviour.habit", Lang::Zh), "就医习惯");
        assert_eq!(parameter("made.up_key", Lang::En), "made.up key");
    }
}

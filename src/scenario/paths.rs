//! Parameter paths: flattening a resolved scenario into `path value unit` lines and setting a
//! value at a path. Both `--set` and the policy timeline address parameters this way.

use toml::Value;

/// Top-level tables holding model parameters: what a distribution may replace and what
/// sensitivity moves. Run settings, the population, targets and the timeline are not.
pub const MODEL_ROOTS: [&str; 7] = [
    "behaviour",
    "conditions",
    "tiers",
    "schemes",
    "referral",
    "signing",
    "groups",
];

/// Whether `path` lies under one of [`MODEL_ROOTS`].
pub fn is_model_parameter(path: &str) -> bool {
    MODEL_ROOTS.contains(&path.split('.').next().unwrap_or(""))
}

/// One settable parameter as `tierflow params` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Dotted path; array elements are numbered from 0.
    pub path: String,
    /// The resolved value, as TOML.
    pub value: String,
    /// Unit read off the key's name (tierflow keeps units in names).
    pub unit: &'static str,
}

/// Lists every leaf of a resolved scenario tree in file order.
pub fn flatten(tree: &toml::Table) -> Vec<Param> {
    let mut out = Vec::new();
    for (k, v) in tree {
        walk(k, k, v, &mut out);
    }
    out
}

fn walk(path: &str, key: &str, v: &Value, out: &mut Vec<Param>) {
    match v {
        Value::Table(t) if key != "set" => {
            for (k, child) in t {
                walk(&format!("{path}.{k}"), k, child, out);
            }
        }
        Value::Array(items) if items.iter().all(Value::is_table) && !items.is_empty() => {
            for (i, child) in items.iter().enumerate() {
                walk(&format!("{path}.{i}"), key, child, out);
            }
        }
        _ => out.push(Param {
            path: path.to_string(),
            value: v.to_string(),
            unit: unit_of(path),
        }),
    }
}

/// The unit a key's name declares, from tierflow's naming convention.
pub fn unit_of(path: &str) -> &'static str {
    let key = path.rsplit('.').next().unwrap_or(path);
    let parent = path.rsplit('.').nth(1).unwrap_or("");
    let in_key_or_parent = |s: &str| key.ends_with(s) || parent.ends_with(s);
    // Coefficients and switches first: their names contain unit words of other things.
    if key.ends_with("cost_per_yuan") {
        return "utility/yuan";
    }
    if key.ends_with("_enabled") || key.ends_with("_priority") || key.ends_with("_waived") {
        return "true/false";
    }
    if key == "self_care_shift" || key == "self_care_utility" {
        return "utility";
    }
    if key == "growth_per_year" {
        return "fraction/year";
    }
    if in_key_or_parent("_yuan") || key.ends_with("_yuan_per_signed_per_year") {
        if key.contains("per_signed_per_year") {
            "yuan/person/year"
        } else if key.ends_with("per_day_yuan") {
            "yuan/day"
        } else {
            "yuan"
        }
    } else if in_key_or_parent("_days") {
        "days"
    } else if in_key_or_parent("incidence_per_year") || parent == "incidence_per_year_by_group" {
        "episodes/person/year"
    } else if key == "beds_per_1000" || key == "quality_reference_beds_per_1000" {
        "beds/1000 people"
    } else if key.starts_with("travel_minutes") {
        "minutes"
    } else if key == "quality_growth_per_year" {
        "utility/year"
    } else if key.ends_with("growth_per_year") || key == "admission_adjustment_per_year" {
        "fraction/year"
    } else if key.ends_with("_index") {
        "ratio"
    } else if key == "quality_change" || key == "quality_per_log_beds" {
        "utility"
    } else if key == "target_occupancy" {
        "fraction"
    } else if key == "travel_per_hour" {
        "utility/hour"
    } else if key == "wait_per_day" {
        "utility/day"
    } else if parent == "behaviour" || key == "quality" || parent == "quality_shift" {
        "utility"
    } else if key.ends_with("probability")
        || parent.ends_with("probability")
        || key.ends_with("rate")
        || key.ends_with("rate_cut")
        || key == "rate_elsewhere"
        || key.ends_with("share")
        || key.ends_with("coverage")
        || key.ends_with("fraction")
        || key == "scale"
        || key.ends_with("multiplier")
    {
        "fraction"
    } else if key == "size" {
        "people"
    } else if key == "year" || key == "start_year" || key == "since" {
        "calendar year"
    } else if key == "years" || key.ends_with("_years") {
        "years"
    } else if key.ends_with("_cv") {
        "ratio"
    } else {
        "-"
    }
}

/// Sets `value` at dotted `path`, creating tables on the way; numbers index arrays.
///
/// Returns an error message when a step of the path goes through a value that is not a table
/// or an array index that does not exist.
pub fn set_path(tree: &mut toml::Table, path: &str, value: Value) -> Result<(), String> {
    let segs: Vec<&str> = path.split('.').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(format!("`{path}` is not a parameter path"));
    }
    let mut cur: &mut Value = tree
        .entry(segs[0].to_string())
        .or_insert_with(|| Value::Table(toml::Table::new()));
    for seg in &segs[1..] {
        cur = match cur {
            Value::Table(t) => t
                .entry(seg.to_string())
                .or_insert_with(|| Value::Table(toml::Table::new())),
            Value::Array(a) => {
                let i: usize = seg
                    .parse()
                    .map_err(|_| format!("`{seg}` in `{path}` should be an array index"))?;
                let n = a.len();
                a.get_mut(i)
                    .ok_or_else(|| format!("index {i} in `{path}` is past the {n} entries"))?
            }
            _ => return Err(format!("`{path}` goes through a value that is not a table")),
        };
    }
    *cur = value;
    Ok(())
}

/// Parses the right-hand side of `PATH=VALUE`: TOML syntax, or a bare word taken as a string.
pub fn parse_value(text: &str) -> Result<Value, String> {
    let doc = format!("v = {text}");
    match doc.parse::<toml::Table>() {
        Ok(mut t) => Ok(t.remove("v").expect("key v was just written")),
        Err(_) if !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_') => {
            Ok(Value::String(text.to_string()))
        }
        Err(_) => Err(format!(
            "`{text}` is not a value (expected a number, true/false, or a TOML string)"
        )),
    }
}

/// The closest known path to `path`, if one is close enough to be a likely typo.
pub fn suggest<'a>(path: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(path, k), k))
        .filter(|(s, _)| *s > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.to_string())
}

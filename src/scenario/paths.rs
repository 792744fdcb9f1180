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
    // Levers name parameters; they are not parameters themselves.
    for (k, v) in tree
        .iter()
        .filter(|(k, _)| *k != "levers" && *k != "lever_values")
    {
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
            unit: crate::catalog::parameter_unit(path),
        }),
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

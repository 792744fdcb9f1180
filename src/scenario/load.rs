//! Reading a scenario: files, `extends` chains, `--set` overrides, defaults, and located errors.
//!
//! A scenario file may start with `extends = "baseline.toml"` (relative to itself) and list only
//! what it changes; tables merge key by key, arrays and values replace. Parsing goes through
//! [`toml::Table`] so the merged tree can be deserialised once; errors are then located back in
//! the file that set the offending key, using the spanned [`toml::de::DeTable`].

use std::path::{Path, PathBuf};

use super::error::{ErrorKind, ScenarioError, line_col};
use super::paths::{self, Param};
use super::raw::RawScenario;
use super::uncertainty::{self, Uncertain};
use crate::tier::Tier;

/// One file of an `extends` chain, kept for locating errors.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path as given or resolved from the extending file.
    pub path: PathBuf,
    /// Full text.
    pub text: String,
}

/// A scenario with every default filled and every override applied, not yet validated.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Typed view of the resolved tree.
    pub raw: RawScenario,
    /// Resolved tree: the merged files, defaults filled, overrides applied.
    pub tree: toml::Table,
    /// The `extends` chain, base first, the named file last.
    pub files: Vec<SourceFile>,
    /// `--set` overrides as given.
    pub overrides: Vec<String>,
    /// Parameters given as distributions (their central values are in `tree`): file order, then `--set` order.
    pub uncertain: Vec<Uncertain>,
    /// One note per timeline change an override replaced (the rule in [`super::levers`]);
    /// `check` and `run` print them.
    pub override_notes: Vec<String>,
}

impl Scenario {
    /// Every settable parameter with its resolved value and unit.
    pub fn params(&self) -> Vec<Param> {
        paths::flatten(&self.tree)
    }

    /// The resolved tree with each uncertain parameter written back as its distribution, so
    /// rerunning it reproduces the run.
    pub fn tree_with_distributions(&self) -> toml::Table {
        let mut tree = self.tree.clone();
        for u in &self.uncertain {
            let dist = toml::Table::try_from(&u.dist).expect("a distribution serialises");
            paths::set_path(&mut tree, &u.path, toml::Value::Table(dist))
                .expect("uncertain paths were checked at load");
        }
        tree
    }

    /// A note when the timeline sets any of `paths` at a date: a value given for the whole run
    /// (by `--vary` or a sensitivity move) replaces those changes (an override wins from its
    /// date; [`super::levers`]).
    pub fn timeline_note(&self, paths: &[String]) -> Option<String> {
        let hits: Vec<String> = paths
            .iter()
            .filter_map(|p| {
                let dates: Vec<&str> = self
                    .raw
                    .timeline
                    .iter()
                    .filter(|c| c.set.contains_key(p))
                    .map(|c| c.date.as_str())
                    .collect();
                (!dates.is_empty()).then(|| format!("`{p}` on {}", dates.join(", ")))
            })
            .collect();
        (!hits.is_empty()).then(|| {
            format!(
                "note: the values given here replace the scenario's timeline changes of {} (an override wins from its date)",
                hits.join("; ")
            )
        })
    }

    /// The file the user named.
    pub fn main_file(&self) -> &Path {
        &self
            .files
            .last()
            .expect("a scenario has at least one file")
            .path
    }

    /// Locates an error: at the `--set` override that gave the offending value, else in the
    /// chain (latest file that sets the path).
    pub fn locate(&self, err: ScenarioError) -> ScenarioError {
        // An error about a value an override set, or about a table holding one (a group whose
        // size an override grew), is the override's, not the file line of another key.
        if err.file.is_none()
            && let Some(path) = &err.path
            && let Some(arg) = self.overrides.iter().rev().find(|o| {
                o.split_once('=').is_some_and(|(p, _)| {
                    let p = p.trim();
                    p == path || p.starts_with(&format!("{path}."))
                })
            })
        {
            return ScenarioError {
                message: format!("--set {arg}: {}", err.message),
                ..err
            };
        }
        locate(&self.files, err)
    }

    /// This scenario with one more timeline entry: `changes` (`PATH=VALUE`, as `--set` takes
    /// them) made on `date` ("YYYY-MM-DD"). Errors name the change; the caller locates them.
    pub fn with_timeline_entry(
        &self,
        date: &str,
        changes: &[String],
        source: &str,
    ) -> Result<Scenario, ScenarioError> {
        let known: Vec<String> = self.params().into_iter().map(|p| p.path).collect();
        let mut set = std::collections::BTreeMap::new();
        for c in changes {
            let (p, v) = c.split_once('=').ok_or_else(|| {
                ScenarioError::new(
                    ErrorKind::Override,
                    format!("`{c}`: expected PATH=VALUE, e.g. prices.outpatient_index=1.1"),
                )
            })?;
            let (p, v) = (p.trim(), v.trim());
            check_known_path(p, &known).map_err(|e| e.with_origin(&format!("`{c}`")))?;
            let value = paths::parse_value(v)
                .map_err(|m| ScenarioError::new(ErrorKind::Override, format!("`{c}`: {m}")))?;
            set.insert(p.to_string(), value);
        }
        let mut s = self.clone();
        s.raw.timeline.push(super::raw::RawPolicyChange {
            date: date.to_string(),
            set,
            source: source.to_string(),
        });
        s.tree = resolved_tree(s.raw.clone());
        check_timeline_paths(&s, &known).map_err(|e| ScenarioError {
            file: None,
            line: None,
            column: None,
            path: None,
            ..e
        })?;
        Ok(s)
    }

    /// Deserialises `tree` (this scenario's tree with timeline changes applied) the same way.
    pub fn raw_from_tree(&self, tree: &toml::Table) -> Result<RawScenario, ScenarioError> {
        deserialize(tree).map_err(|e| locate(&self.files, e))
    }
}

/// Loads `path`, follows `extends`, applies `overrides` (`PATH=VALUE`) and fills defaults.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let mut files = Vec::new();
    let mut merged = read_chain(path, &mut files, &mut Vec::new())?;
    let mut uncertain = uncertainty::extract(&mut merged).map_err(|e| locate(&files, e))?;
    let raw = deserialize(&merged).map_err(|e| locate(&files, e))?;
    let mut tree = resolved_tree(raw.clone());
    let known: Vec<String> = paths::flatten(&tree).into_iter().map(|p| p.path).collect();
    super::levers::validate(&raw, &known).map_err(|e| locate(&files, e))?;
    // Lever values a file records (`[lever_values]`, as "save as scenario" writes them) apply
    // first, then the command line's overrides.
    let mut all_overrides: Vec<String> = raw
        .lever_values
        .iter()
        .map(|(name, v)| {
            let v = match v {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{}{name}={v}", super::levers::LEVER_PREFIX)
        })
        .collect();
    all_overrides.extend(overrides.iter().cloned());
    let applied = super::overrides::apply(&mut tree, &raw, &all_overrides, &known, &mut uncertain)
        .map_err(|e| {
            if e.message.contains("--lever") && !raw.lever_values.is_empty() {
                locate(&files, e)
            } else {
                e
            }
        })?;
    let mut raw = if all_overrides.is_empty() {
        deserialize(&tree).map_err(|e| locate(&files, e))?
    } else {
        deserialize(&tree).map_err(|mut e| {
            e.message = format!("{} (after --set overrides)", e.message);
            e
        })?
    };
    let override_notes = super::levers::resolve(&mut raw, &applied.reaches, applied.dated);
    // Applied: the resolved scenario carries their effect, not the instruction.
    raw.lever_values.clear();
    let tree = resolved_tree(raw.clone());
    let scenario = Scenario {
        raw,
        tree,
        files,
        overrides: overrides.to_vec(),
        uncertain,
        override_notes,
    };
    check_timeline_paths(&scenario, &known)?;
    check_uncertain_paths(&scenario)?;
    Ok(scenario)
}

impl ScenarioError {
    /// Prefixes the message with where the error came from (an override, a change).
    pub(super) fn with_origin(mut self, origin: &str) -> Self {
        self.message = format!("{origin}: {}", self.message);
        self
    }
}

/// Errors unless `path` is one `tierflow params` lists; suggests the nearest when misspelt.
pub fn check_known_path(path: &str, known: &[String]) -> Result<(), ScenarioError> {
    if known.iter().any(|k| k == path) {
        return Ok(());
    }
    let hint = match paths::suggest(path, known.iter().map(String::as_str)) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => "; `tierflow params SCENARIO` lists every settable path".to_string(),
    };
    Err(
        ScenarioError::new(ErrorKind::Override, format!("unknown parameter path{hint}"))
            .at_path(path),
    )
}

/// A distribution must sit on one number of the resolved scenario, not on a shorthand that
/// defaults expand into several parameters.
fn check_uncertain_paths(s: &Scenario) -> Result<(), ScenarioError> {
    let params = s.params();
    for u in &s.uncertain {
        let ok = params
            .iter()
            .any(|p| p.path == u.path && p.value.parse::<f64>().is_ok());
        if !ok {
            return Err(s.locate(
                ScenarioError::new(
                    ErrorKind::Shape,
                    "a distribution must replace one number that `tierflow params` lists; \
                     this key expands to several parameters or is not a number, so give each \
                     listed path its own distribution",
                )
                .at_path(&u.path),
            ));
        }
    }
    Ok(())
}

fn check_timeline_paths(s: &Scenario, known: &[String]) -> Result<(), ScenarioError> {
    for (i, change) in s.raw.timeline.iter().enumerate() {
        for key in change.set.keys() {
            if key.starts_with("timeline.")
                || key.starts_with("run.")
                || key.starts_with("population.")
                || key.starts_with("targets.")
                || key.ends_with(".in_region")
                || key.ends_with(".growth_per_year")
            {
                return Err(s.locate(
                    ScenarioError::new(
                        ErrorKind::Override,
                        format!(
                            "the timeline cannot change `{key}` (run length, population and its growth, \
                             targets, what counts as in region and the timeline itself are fixed \
                             for a run)"
                        ),
                    )
                    .at_path(format!("timeline.{i}.set")),
                ));
            }
            check_known_path(key, known).map_err(|e| {
                s.locate(ScenarioError {
                    path: Some(format!("timeline.{i}.set")),
                    message: format!("`{key}`: {}", e.message),
                    ..e
                })
            })?;
        }
    }
    Ok(())
}

fn read_chain(
    path: &Path,
    files: &mut Vec<SourceFile>,
    seen: &mut Vec<PathBuf>,
) -> Result<toml::Table, ScenarioError> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if seen.contains(&canonical) {
        let chain: Vec<String> = seen.iter().map(|p| p.display().to_string()).collect();
        return Err(ScenarioError::new(
            ErrorKind::Extends,
            format!(
                "`extends` loops back to this file (chain: {})",
                chain.join(" → ")
            ),
        )
        .in_file(path));
    }
    seen.push(canonical);
    let text = read_text(path)?;
    let mut table = parse_table(path, &text)?;
    let base = match table.remove("extends") {
        None => None,
        Some(toml::Value::String(rel)) => {
            let dir = path.parent().unwrap_or(Path::new("."));
            Some(read_chain(&dir.join(&rel), files, seen).map_err(|e| {
                if e.kind == ErrorKind::Io && e.file.as_deref() == Some(dir.join(&rel).as_path()) {
                    // Point at the `extends` line of this file, naming the file it could not read.
                    let missing = dir.join(&rel);
                    locate_in(
                        path,
                        &text,
                        ScenarioError::new(
                            ErrorKind::Extends,
                            format!(
                                "cannot read the base scenario `{}`: {}",
                                missing.display(),
                                e.message.trim_start_matches("cannot read scenario file: ")
                            ),
                        )
                        .at_path("extends"),
                    )
                } else {
                    e
                }
            })?)
        }
        Some(other) => {
            return Err(locate_in(
                path,
                &text,
                ScenarioError::new(
                    ErrorKind::Shape,
                    format!("expected a file name string, found {}", other.type_str()),
                )
                .at_path("extends"),
            ));
        }
    };
    files.push(SourceFile {
        path: path.to_path_buf(),
        text,
    });
    Ok(match base {
        Some(mut b) => {
            // A calibration block says how its own file's values were fitted: a file that
            // extends it (a region, a policy) is not fitted to the same targets, so the block
            // is not inherited. It may state its own.
            b.remove("calibration");
            // An extending file adds timeline entries to its base's rather than replacing
            // them (a policy on top of a baseline that already has dated changes).
            let mut table = table;
            if let (Some(toml::Value::Array(base_entries)), Some(toml::Value::Array(own))) =
                (b.get("timeline"), table.get_mut("timeline"))
            {
                let mut all = base_entries.clone();
                all.append(own);
                *own = all;
            }
            merge(&mut b, table);
            b
        }
        None => table,
    })
}

/// Parses `text` (the contents of `path`) as a TOML table; a syntax error names file, line and
/// column.
pub(super) fn parse_table(path: &Path, text: &str) -> Result<toml::Table, ScenarioError> {
    text.parse().map_err(|e: toml::de::Error| {
        let (line, column) = e.span().map_or((None, None), |s| {
            let (l, c) = line_col(text, s.start);
            (Some(l), Some(c))
        });
        ScenarioError {
            kind: ErrorKind::Syntax,
            file: Some(path.to_path_buf()),
            line,
            column,
            path: None,
            message: format!("invalid TOML: {}", e.message().trim()),
        }
    })
}

/// Deep-merges `over` into `base`: tables merge, everything else replaces.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn deserialize(tree: &toml::Table) -> Result<RawScenario, ScenarioError> {
    let value = toml::Value::Table(tree.clone());
    let mut raw: RawScenario = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string().replace('[', ".").replace(']', "");
        let inner = e.into_inner();
        let message = inner.message().trim().to_string();
        shape_error(&path, &message)
    })?;
    normalize(&mut raw);
    Ok(raw)
}

/// Turns serde's message into a tierflow error, with a "did you mean" for unknown keys.
pub(super) fn shape_error(path: &str, message: &str) -> ScenarioError {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let options: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let hint = paths::suggest(field, options.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| format!("; expected one of: {}", options.join(", ")));
        // serde_path_to_error reports the unknown key as the last path segment.
        let full = if path.is_empty() || path == "." || path == "?" {
            field.to_string()
        } else if path.ends_with(field) {
            path.to_string()
        } else {
            format!("{path}.{field}")
        };
        return ScenarioError::new(
            ErrorKind::UnknownKey,
            format!("unknown key `{field}`{hint}"),
        )
        .at_path(full);
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (found, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = expected.trim_start_matches(", expected ");
        return ScenarioError::new(
            ErrorKind::Shape,
            format!("expected {expected}, found `{found}`"),
        )
        .at_path(path);
    }
    // serde names Rust types; a planner reads "a number" better than "f64".
    let message = message
        .replace("invalid type: ", "wrong type: found ")
        .replace("invalid value: ", "wrong value: found ")
        .replace("missing field", "missing required key")
        .replace("expected f64", "expected a number")
        .replace("expected u32", "expected a whole number ≥ 0")
        .replace("expected u64", "expected a whole number ≥ 0")
        .replace("expected i32", "expected a whole number (a year)")
        .replace("expected a boolean", "expected true or false");
    let err = ScenarioError::new(ErrorKind::Shape, message);
    if path.is_empty() || path == "." {
        err
    } else {
        err.at_path(path)
    }
}

/// Fills each per-tier table for the tiers the scenario has, so the resolved tree lists them.
fn normalize(raw: &mut RawScenario) {
    for (t, tier) in [
        (Tier::Village, &mut raw.tiers.village),
        (Tier::Township, &mut raw.tiers.township),
        (Tier::County, &mut raw.tiers.county),
        (Tier::Tertiary, &mut raw.tiers.tertiary),
        (Tier::OutOfRegion, &mut raw.tiers.out_of_region),
    ] {
        if let Some(tier) = tier {
            tier.in_region.get_or_insert(t.is_in_region());
        }
    }
    let entries = raw.tiers.entries();
    let present: [bool; 5] = std::array::from_fn(|i| entries[i].is_some());
    for c in raw.conditions.values_mut() {
        c.admission_probability.fill(&present, 0.0);
        c.los_days.fill(&present, 0.0);
        c.outpatient_cost_yuan.fill(&present, 0.0);
        c.inpatient_cost_yuan.fill(&present, 0.0);
        c.quality_shift.fill(&present, 0.0);
    }
    for s in raw.schemes.values_mut() {
        s.outpatient.fill(&present, Default::default());
        s.inpatient.fill(&present, Default::default());
    }
    let mut above_township = present;
    above_township[Tier::Village.index()] = false;
    above_township[Tier::Township.index()] = false;
    raw.referral
        .down_referral_probability
        .fill(&above_township, 0.0);
    raw.referral.up_referral_probability.fill(&present, 0.0);
}

fn resolved_tree(raw: RawScenario) -> toml::Table {
    toml::Table::try_from(raw).expect("a RawScenario always serialises to a TOML table")
}

/// Adds file, line and column to `err` from the latest file in `files` that sets its path.
fn locate(files: &[SourceFile], err: ScenarioError) -> ScenarioError {
    if err.file.is_some() {
        return err;
    }
    let Some(path) = err.path.clone() else {
        return match files.last() {
            Some(f) => err.in_file(&f.path),
            None => err,
        };
    };
    for f in files.iter().rev() {
        if let Some((line, col)) = find_key(&f.text, &path) {
            return ScenarioError {
                file: Some(f.path.clone()),
                line: Some(line),
                column: Some(col),
                ..err
            };
        }
    }
    // Not set in any file (a default or a missing key): point at the nearest parent that is.
    let mut parent = path.as_str();
    while let Some((p, _)) = parent.rsplit_once('.') {
        parent = p;
        for f in files.iter().rev() {
            if let Some((line, col)) = find_key(&f.text, parent) {
                return ScenarioError {
                    file: Some(f.path.clone()),
                    line: Some(line),
                    column: Some(col),
                    ..err
                };
            }
        }
    }
    match files.last() {
        Some(f) => err.in_file(&f.path),
        None => err,
    }
}

/// Adds file, line and column to `err` from the one file `path` with contents `text`.
pub fn locate_in(path: &Path, text: &str, err: ScenarioError) -> ScenarioError {
    let file = SourceFile {
        path: path.to_path_buf(),
        text: text.to_string(),
    };
    locate(std::slice::from_ref(&file), err)
}

/// Line and column of the key at dotted `path` in TOML `text`, if the text sets it.
fn find_key(text: &str, path: &str) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut value: Option<&toml::Spanned<DeValue>> = None;
    let mut span = None;
    for seg in path.split('.') {
        if let Some(v) = value {
            match v.get_ref() {
                DeValue::Table(t) => table = t,
                DeValue::Array(a) => {
                    let i: usize = seg.parse().ok()?;
                    let item = a.get(i)?;
                    span = Some(item.span());
                    value = Some(item);
                    continue;
                }
                _ => return None,
            }
        }
        let (k, v) = table.iter().find(|(k, _)| k.get_ref().as_ref() == seg)?;
        span = Some(k.span());
        value = Some(v);
    }
    span.map(|s| line_col(text, s.start))
}

/// Largest scenario file read (real ones are a few kilobytes; a device or a huge file is not a
/// scenario).
const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Reads a scenario file as UTF-8 text, saying where a bad byte is and hinting at the encoding.
pub(super) fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let io = |why: String| {
        ScenarioError::new(ErrorKind::Io, format!("cannot read scenario file: {why}")).in_file(path)
    };
    let meta = std::fs::metadata(path).map_err(|e| io(crate::io_words::io_reason(&e)))?;
    if !meta.is_file() {
        return Err(io("it is not a regular file".into()));
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(io(format!(
            "it is {} bytes; a scenario file is at most {} MB",
            meta.len(),
            MAX_SCENARIO_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| io(crate::io_words::io_reason(&e)))?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ScenarioError::new(
            ErrorKind::Syntax,
            "the file is UTF-16 text; scenario files must be UTF-8 (save it as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8`)",
        )
        .in_file(path));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let good = e.utf8_error().valid_up_to();
        let before = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
        let (line, column) = line_col(before, good);
        let hint = if bytes.iter().filter(|&&b| b == 0).count() * 4 > bytes.len() {
            "; it looks like UTF-16 text: save it as UTF-8"
        } else {
            "; save the file as UTF-8 (GBK or GB18030 text must be converted, e.g. `iconv -f GB18030 -t UTF-8`)"
        };
        ScenarioError {
            kind: ErrorKind::Syntax,
            file: Some(path.to_path_buf()),
            line: Some(line),
            column: Some(column),
            path: None,
            message: format!("byte 0x{:02X} is not valid UTF-8{hint}", bytes[good]),
        }
    })?;
    // A byte-order mark is allowed (some Windows editors write one).
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

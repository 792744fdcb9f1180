//! Where a result came from: the scenario's description, the settings it changes from the
//! scenario it extends (with the notes its file gives for them), the file's own header notes,
//! and the command that reproduces it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::chart::Lang;
use crate::chart::parameter_labels::parameter;
use crate::scenario;

/// A setting that differs from the base scenario.
pub struct Lever {
    /// Human name (and, for a timeline entry, its date).
    pub label: String,
    /// The raw path, for readers who set it.
    pub path: String,
    /// Value in the base ("–" when the base lacks it).
    pub base: String,
    /// Value here.
    pub value: String,
    /// The scenario file's note for it.
    pub note: String,
}

/// What the report says about one scenario file.
pub struct Provenance {
    /// The scenario's description.
    pub description: String,
    /// Files of the extends chain, base first.
    pub files: Vec<String>,
    /// Settings that differ from the base (none when the scenario extends nothing).
    pub levers: Vec<Lever>,
    /// The header comment of the scenario's own file.
    pub header_notes: String,
}

/// Every leaf of a TOML tree by dotted path, as TOML text.
pub fn flatten(prefix: &str, value: &toml::Value, out: &mut BTreeMap<String, String>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                flatten(&join(k), v, out);
            }
        }
        toml::Value::Array(a) if a.iter().any(|v| v.is_table()) => {
            for (i, v) in a.iter().enumerate() {
                flatten(&join(&i.to_string()), v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// The notes of a scenario file: for each dotted path it assigns, the comment lines just above
/// it and any comment after it on the same line.
pub fn comment_notes(text: &str) -> BTreeMap<String, String> {
    let mut notes = BTreeMap::new();
    let mut table = String::new();
    let mut pending: Vec<String> = Vec::new();
    let mut timeline_entries = 0usize;
    for line in text.lines() {
        let t = line.trim();
        if let Some(c) = t.strip_prefix('#') {
            pending.push(c.trim().to_string());
            continue;
        }
        if t.is_empty() {
            pending.clear();
            continue;
        }
        if let Some(h) = t.strip_prefix("[[").and_then(|h| h.split("]]").next()) {
            let h = unquote_path(h);
            table = if h == "timeline" {
                timeline_entries += 1;
                format!("timeline.{}", timeline_entries - 1)
            } else {
                h
            };
            if !pending.is_empty() {
                notes.insert(table.clone(), pending.join(" "));
            }
            pending.clear();
            continue;
        }
        if let Some(h) = t.strip_prefix('[').and_then(|h| h.split(']').next()) {
            table = unquote_path(h);
            if !pending.is_empty() {
                notes.insert(table.clone(), pending.join(" "));
            }
            pending.clear();
            continue;
        }
        if let Some((key, rest)) = t.split_once('=') {
            let path = if table.is_empty() {
                unquote_path(key.trim())
            } else {
                format!("{table}.{}", unquote_path(key.trim()))
            };
            let mut note = pending.join(" ");
            if let Some((_, inline)) = rest.rsplit_once(" #") {
                if !note.is_empty() {
                    note.push(' ');
                }
                note.push_str(inline.trim());
            }
            if !note.is_empty() {
                notes.insert(path, note);
            }
        }
        pending.clear();
    }
    notes
}

fn unquote_path(s: &str) -> String {
    s.split('.')
        .map(|p| p.trim().trim_matches('"').trim_matches('\''))
        .collect::<Vec<_>>()
        .join(".")
}

/// The first comment block of a file (its header), as lines.
pub fn header_notes(text: &str) -> String {
    text.lines()
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        .map(|l| l.trim_start().trim_start_matches('#').trim_start())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The note for `path`: its own, or the nearest enclosing table's.
fn note_for(notes: &BTreeMap<String, String>, path: &str) -> String {
    let mut p = path;
    loop {
        if let Some(n) = notes.get(p) {
            return n.clone();
        }
        match p.rsplit_once('.') {
            Some((parent, _)) => p = parent,
            None => return String::new(),
        }
    }
}

/// Describes the scenario of `resolved` (a run's resolved tree) read from `files` (its extends
/// chain, base first, paths as recorded). The base is re-read to find what differs; when it
/// can no longer be read, no levers are listed.
pub fn describe(resolved: &toml::Table, files: &[String], lang: Lang) -> Provenance {
    let description = resolved
        .get("description")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    let own_text = files
        .last()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_default();
    let mut levers = Vec::new();
    if files.len() >= 2
        && let Ok(base) = scenario::load(&PathBuf::from(&files[files.len() - 2]), &[])
    {
        let mut here = BTreeMap::new();
        flatten("", &toml::Value::Table(resolved.clone()), &mut here);
        let mut there = BTreeMap::new();
        flatten("", &toml::Value::Table(base.tree.clone()), &mut there);
        let notes = comment_notes(&own_text);
        for (path, value) in &here {
            // Run settings and targets have their own sections.
            if matches!(path.as_str(), "name" | "description" | "extends")
                || path.starts_with("calibration")
                || path.starts_with("run.")
                || path.starts_with("targets.")
                || path.starts_with("levers.")
                || path.starts_with("lever_values.")
                || there.get(path) == Some(value)
            {
                continue;
            }
            levers.push(lever(path, value, there.get(path), &here, &notes, lang));
        }
        levers.retain(|l| !l.path.ends_with(".source") && !l.path.ends_with(".date"));
    }
    Provenance {
        description,
        files: files.to_vec(),
        levers,
        header_notes: header_notes(&own_text),
    }
}

fn lever(
    path: &str,
    value: &str,
    base: Option<&String>,
    here: &BTreeMap<String, String>,
    notes: &BTreeMap<String, String>,
    lang: Lang,
) -> Lever {
    // A timeline entry's change reads "from DATE: setting", noted by its source and comments.
    if let Some(rest) = path.strip_prefix("timeline.")
        && let Some((index, set_path)) = rest.split_once(".set.")
    {
        let entry = format!("timeline.{index}");
        let date = here
            .get(&format!("{entry}.date"))
            .cloned()
            .unwrap_or_default();
        let mut note = note_for(notes, &entry);
        if let Some(src) = here.get(&format!("{entry}.source")) {
            if !note.is_empty() {
                note.push(' ');
            }
            note.push_str(src);
        }
        let from = match lang {
            Lang::En => format!("from {date}: "),
            Lang::Zh => format!("自{date}起："),
        };
        return Lever {
            label: format!("{from}{}", parameter(set_path, lang)),
            path: set_path.to_string(),
            base: base.cloned().unwrap_or_else(|| "–".to_string()),
            value: value.to_string(),
            note,
        };
    }
    // An entry of a dated list (signing targets) reads "setting (…) by DATE".
    let mut label = parameter(path, lang);
    if let Some((entry, _)) = path.rsplit_once('.')
        && let Some(date) = here.get(&format!("{entry}.date"))
    {
        label = match lang {
            Lang::En => format!("{label}, by {date}"),
            Lang::Zh => format!("{label}，{date}"),
        };
    }
    Lever {
        label,
        path: path.to_string(),
        base: base.cloned().unwrap_or_else(|| "–".to_string()),
        value: value.to_string(),
        note: note_for(notes, path),
    }
}

/// A command line with each argument quoted for a POSIX shell where needed.
pub fn command_line(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,%@+".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_follow_tables_keys_and_timeline_entries() {
        let text = "# header\n\n[schemes.a.outpatient.township]\n# raised by clause 4\nrate = 0.5 # doc 000\n\n# second entry\n[[timeline]]\ndate = \"2015-01-01\"\n[[timeline]]\ndate = \"2016-01-01\"\n";
        let notes = comment_notes(text);
        assert_eq!(
            notes["schemes.a.outpatient.township.rate"],
            "raised by clause 4 doc 000"
        );
        assert_eq!(notes["timeline.0"], "second entry");
        assert!(!notes.contains_key("timeline.1"));
        assert_eq!(header_notes(text), "header");
    }
}

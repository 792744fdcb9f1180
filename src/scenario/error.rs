//! Errors from reading a scenario: each names the file, line, column and parameter path it can.

use std::fmt;
use std::path::PathBuf;

/// What kind of mistake a [`ScenarioError`] reports (tests match on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Occurs when a file cannot be read.
    Io,
    /// Occurs when a file is not valid TOML.
    Syntax,
    /// Occurs when a key is not one tierflow knows.
    UnknownKey,
    /// Occurs when a value has the wrong type or a required key is missing.
    Shape,
    /// Occurs when a value is outside its allowed range.
    OutOfRange,
    /// Occurs when a group, scheme, condition or tier is referenced but not defined.
    Reference,
    /// Occurs when a `--set` override or timeline change names an unknown path or bad value.
    Override,
    /// Occurs when `extends` chains loop or point nowhere.
    Extends,
}

/// A located scenario error.
#[derive(Clone, Debug)]
pub struct ScenarioError {
    /// What went wrong, by class.
    pub kind: ErrorKind,
    /// File the error is in, if any.
    pub file: Option<PathBuf>,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// Parameter path (e.g. `tiers.county.beds_per_1000`), where known.
    pub path: Option<String>,
    /// What was expected and what was found.
    pub message: String,
}

impl ScenarioError {
    /// An error with a kind and message and no location yet.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ScenarioError {
            kind,
            file: None,
            line: None,
            column: None,
            path: None,
            message: message.into(),
        }
    }

    /// Attaches a parameter path.
    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Attaches a file.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.column {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": ")?;
        }
        if let Some(path) = &self.path {
            write!(f, "`{path}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// Converts a byte offset in `src` to a 1-based (line, column) pair counted in characters.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A number as a message shows it: plain for everyday magnitudes, in e-notation for the very
/// large and very small (Rust's `Display` would print hundreds of digits).
pub fn fmt_number(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || !a.is_finite() || (1e-4..1e15).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

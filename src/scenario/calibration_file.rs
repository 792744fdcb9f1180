//! A calibration file (`tierflow calibrate --calibration FILE`): one `[calibration]` table,
//! read and its errors located like a scenario file's.

use std::path::Path;

use super::error::ScenarioError;
use super::load::{SourceFile, locate_in, parse_table, read_text, shape_error};
use super::raw::RawCalibration;

/// A calibration file (`tierflow calibrate --calibration FILE`): a TOML file holding one
/// `[calibration]` table, read and located like a scenario file.
pub fn load(path: &Path) -> Result<(RawCalibration, SourceFile), ScenarioError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct CalibrationFile {
        calibration: RawCalibration,
    }
    let text = read_text(path).map_err(|e| ScenarioError {
        message: e
            .message
            .replace("cannot read scenario file", "cannot read calibration file"),
        ..e
    })?;
    let table = parse_table(path, &text)?;
    let parsed: CalibrationFile = serde_path_to_error::deserialize(toml::Value::Table(table))
        .map_err(|e| {
            let at = e.path().to_string().replace('[', ".").replace(']', "");
            let message = e.into_inner().message().trim().to_string();
            locate_in(path, &text, shape_error(&at, &message))
        })?;
    let file = SourceFile {
        path: path.to_path_buf(),
        text,
    };
    Ok((parsed.calibration, file))
}

//! Progress bars on stderr with an ETA, hidden with `--quiet` or when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar counting `total` units of `what` (e.g. "replications"); indicatif hides it by itself
/// when stderr is not a terminal, so logs and pipes stay clean.
pub fn bar(total: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{prefix} [{bar:32}] {pos}/{len} {msg} · {elapsed} elapsed · ETA {eta}",
    )
    .expect("the template is valid")
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix("tierflow");
    bar.set_message(what.to_string());
    bar
}

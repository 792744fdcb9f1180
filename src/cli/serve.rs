//! `tierflow serve [SCENARIO…]`: the local what-if page.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use super::interrupt::STOP;

/// Options of `tierflow serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Scenario files offered on the page (default: every file in scenarios/).
    scenarios: Vec<PathBuf>,
    /// Port to listen on (0: any free port, printed at start).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. The default, 127.0.0.1, keeps the page on this machine; any other
    /// address lets other machines run simulations on this one.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
}

/// Serves the page until Ctrl-C.
pub fn serve(a: ServeArgs) -> Result<()> {
    if a.host != "127.0.0.1" && a.host != "localhost" {
        eprintln!(
            "warning: listening on {}: other machines that reach it can run simulations here",
            a.host
        );
    }
    crate::serve::serve(
        &crate::serve::ServeSettings {
            scenarios: a.scenarios,
            host: a.host,
            port: a.port,
        },
        &STOP,
        |url| {
            let mut out = std::io::stdout();
            let _ = writeln!(
                out,
                "tierflow serve: open {url} in a browser (Ctrl-C stops it)"
            );
            let _ = out.flush();
        },
    )
}

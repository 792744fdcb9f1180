//! `tierflow serve`: a local what-if page for planners. It lists scenarios, shows their levers
//! as sliders, and answers each move within about two seconds with the baseline and what-if
//! projections (bands, the difference with its interval, beds, spending, targets).
//!
//! **HTTP server: `tiny_http`.** A page for one planner on their own machine needs a handful of
//! routes and no async runtime; tiny_http is small, synchronous and long maintained, and each
//! simulation runs on rayon's pool anyway. **Chart library: uPlot** (MIT, 50 KB, maintained,
//! draws bands between series), vendored in `assets/web/vendor/` and embedded in the binary with
//! the page and the fonts: the page makes no request beyond this server.
//!
//! **Safety.** Bound to 127.0.0.1 unless `--host` says otherwise; a request whose Host is not
//! this server, or whose Origin is another site, is refused (DNS rebinding, cross-site posts);
//! request bodies are capped at [`MAX_BODY_BYTES`]; one quick answer runs at a time (a newer one
//! cancels it) and one full run; scenarios are chosen by index from those given at start, and
//! full runs write only under `outputs/`.

mod api;
pub mod quick;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Result, bail};

/// Largest request body read.
pub const MAX_BODY_BYTES: u64 = 64 * 1024;

/// What `tierflow serve` is asked to do.
#[derive(Clone, Debug)]
pub struct ServeSettings {
    /// Scenario files offered on the page (default: every file in `scenarios/`).
    pub scenarios: Vec<PathBuf>,
    /// Address to bind (127.0.0.1 unless told otherwise).
    pub host: String,
    /// Port (0: any free port).
    pub port: u16,
}

/// The scenarios a page offers: those given, or every scenario in `scenarios/`.
pub fn offered(given: &[PathBuf]) -> Result<Vec<PathBuf>> {
    if !given.is_empty() {
        for p in given {
            crate::scenario::load(p, &[])?;
        }
        return Ok(given.to_vec());
    }
    let dir = PathBuf::from("scenarios");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| {
            anyhow::anyhow!(
                "no scenario given and `scenarios/` cannot be read ({}); name scenario files: tierflow serve FILE.toml…",
                crate::io_words::io_reason(&e)
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    found.sort();
    if found.is_empty() {
        bail!("no scenario files in `scenarios/`; name scenario files: tierflow serve FILE.toml…");
    }
    Ok(found)
}

/// Starts the server and answers until `stop` is set (Ctrl-C); `ready` is called with the page's
/// address once it listens.
pub fn serve(s: &ServeSettings, stop: &AtomicBool, ready: impl FnOnce(&str)) -> Result<()> {
    let scenarios = offered(&s.scenarios)?;
    let addr = format!("{}:{}", s.host, s.port);
    let server = tiny_http::Server::http(&addr).map_err(|e| {
        let taken = e
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse);
        if taken {
            anyhow::anyhow!(
                "port {} on {} is already in use (another tierflow serve?); choose another with --port",
                s.port,
                s.host
            )
        } else {
            anyhow::anyhow!("cannot listen on {addr}: {e}")
        }
    })?;
    let port = server.server_addr().to_ip().map_or(s.port, |a| a.port());
    let state = Arc::new(api::State::new(scenarios, &s.host, port));
    ready(&format!("http://{}:{port}/", s.host));
    while !stop.load(Ordering::SeqCst) {
        let request = match server.recv_timeout(std::time::Duration::from_millis(200)) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(e) => bail!("the server stopped: {e}"),
        };
        let state = Arc::clone(&state);
        // Each request on its own thread: a quick answer may run while the page asks for
        // another (which cancels it) or for assets.
        std::thread::spawn(move || api::handle(&state, request));
    }
    Ok(())
}

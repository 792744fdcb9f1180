//! Headless Chromium (Debian's `chromium`, installed by scripts/test.sh): opens a page and
//! reports what a reader would see and what it did: console messages, network requests, the
//! rendered DOM and a screenshot. A missing Chromium fails the test; it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What loading one page in Chromium showed.
pub struct Loaded {
    /// Console messages (errors, warnings, logs) the page produced.
    pub console: Vec<String>,
    /// URLs the browser requested over the network (http, https, ws).
    pub network: Vec<String>,
    /// The DOM after loading, serialised.
    pub dom: String,
    /// The screenshot, decoded.
    pub screenshot: image::RgbImage,
}

/// The Chromium binary; panics (failing the test) when it is not installed.
pub fn chromium() -> PathBuf {
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(candidate).is_file() {
            return PathBuf::from(candidate);
        }
    }
    panic!(
        "headless Chromium is not installed: run the tests with `bash scripts/test.sh`, which installs Debian's chromium"
    );
}

/// Flags for a quiet, offline, reproducible headless Chromium running as any user.
fn base_flags(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// Loads `page` (a file) in headless Chromium twice: once for a screenshot of `size` with
/// console and network logging, once to dump the DOM.
pub fn load(page: &Path, size: (u32, u32)) -> Loaded {
    let chromium = chromium();
    let work = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let net_log = work.path().join("netlog.json");
    let shot = work.path().join("shot.png");
    let mut flags = base_flags(&work.path().join("profile-shot"));
    flags.extend([
        format!("--log-net-log={}", net_log.display()),
        format!("--screenshot={}", shot.display()),
        format!("--window-size={},{}", size.0, size.1),
        url.clone(),
    ]);
    let out = Command::new(&chromium).args(&flags).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        shot.is_file(),
        "Chromium wrote no screenshot of {url}: {stderr}"
    );
    let console: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Refused to"))
        .map(str::to_string)
        .collect();
    let net = std::fs::read_to_string(&net_log).unwrap_or_default();
    let network = requested_urls(&net);

    let mut flags = base_flags(&work.path().join("profile-dom"));
    flags.extend(["--dump-dom".to_string(), url]);
    let out = Command::new(&chromium).args(&flags).output().unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).to_string();
    let screenshot = image::open(&shot).unwrap().to_rgb8();
    Loaded {
        console,
        network,
        dom,
        screenshot,
    }
}

/// The network URLs a page asked for, from a Chromium net log: every request job whose
/// initiator is an origin (the page's), leaving out the browser's own background requests,
/// whose initiator is "not an origin".
fn requested_urls(net_log: &str) -> Vec<String> {
    let Ok(log) = serde_json::from_str::<serde_json::Value>(net_log) else {
        return vec![format!("unreadable net log ({} bytes)", net_log.len())];
    };
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].as_i64();
    let mut urls: Vec<String> = log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"].as_i64() == start_job)
        .filter(|e| e["params"]["initiator"].as_str() != Some("not an origin"))
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .filter(|u| !u.starts_with("file:") && !u.starts_with("data:"))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

/// Share of the screenshot's pixels that are not near-white.
pub fn inked_share(img: &image::RgbImage) -> f64 {
    let inked = img
        .pixels()
        .filter(|p| p.0.iter().any(|&c| c < 235))
        .count();
    inked as f64 / (img.width() * img.height()) as f64
}

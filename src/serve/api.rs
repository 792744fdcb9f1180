//! The server's routes: the embedded page and assets, and the JSON API the page calls
//! (scenarios, a scenario's levers, a quick answer, a full run, a scenario file to save).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::{Value, json};
use tiny_http::{Header, Method, Request, Response};

use super::MAX_BODY_BYTES;
use crate::scenario::{self, levers::LEVER_PREFIX};

/// What every request handler shares.
pub struct State {
    scenarios: Vec<PathBuf>,
    /// Host and Origin values a request may carry.
    hosts: Vec<String>,
    origins: Vec<String>,
    /// Bound to every interface: any IP address (never a host name) may be the Host.
    any_ip: bool,
    port: u16,
    /// The cancel flag of the quick answer running now, if any.
    running: Mutex<Option<Arc<AtomicBool>>>,
    /// One quick answer at a time.
    quick: Mutex<()>,
    /// A full run is in progress.
    full_busy: AtomicBool,
}

impl State {
    /// The state of a server on `host:port` offering `scenarios`.
    pub fn new(scenarios: Vec<PathBuf>, host: &str, port: u16) -> State {
        let mut names = vec![
            host.to_string(),
            "127.0.0.1".to_string(),
            "localhost".to_string(),
            "::1".to_string(),
        ];
        names.dedup();
        // IPv6 addresses are bracketed in Host and Origin; port 80 may be left out.
        let with_port = |h: &String| {
            let h = if h.contains(':') {
                format!("[{h}]")
            } else {
                h.clone()
            };
            let mut v = vec![format!("{h}:{port}")];
            if port == 80 {
                v.push(h);
            }
            v
        };
        let hosts: Vec<String> = names.iter().flat_map(with_port).collect();
        State {
            scenarios,
            origins: hosts.iter().map(|h| format!("http://{h}")).collect(),
            hosts,
            any_ip: host == "0.0.0.0" || host == "::",
            port,
            running: Mutex::new(None),
            quick: Mutex::new(()),
            full_busy: AtomicBool::new(false),
        }
    }
}

static INDEX: &str = include_str!("../../assets/web/index.html");
static APP_JS: &str = include_str!("../../assets/web/app.js");
static APP_CSS: &str = include_str!("../../assets/web/app.css");
static UPLOT_JS: &str = include_str!("../../assets/web/vendor/uPlot.iife.min.js");
static UPLOT_CSS: &str = include_str!("../../assets/web/vendor/uPlot.min.css");

fn header(k: &str, v: &str) -> Header {
    Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("ASCII header")
}

fn send(request: Request, status: u16, content_type: &str, body: Vec<u8>) {
    let response = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header(
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        ));
    // The page may have gone (a newer request replaced it): nothing to do.
    let _ = request.respond(response);
}

fn json_reply(request: Request, status: u16, v: &Value) {
    send(
        request,
        status,
        "application/json",
        v.to_string().into_bytes(),
    );
}

fn error(request: Request, status: u16, message: &str) {
    json_reply(request, status, &json!({ "error": message }));
}

/// Whether `host` is an IP address literal (a host name could be an attacker's, rebound to this
/// machine) with this server's port.
fn is_ip_with_port(host: &str, port: u16) -> bool {
    host.parse::<std::net::SocketAddr>()
        .is_ok_and(|a| a.port() == port)
}

/// Answers one request.
pub fn handle(state: &State, mut request: Request) {
    let get = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_string())
    };
    // DNS rebinding: a page of another site that resolves its name to 127.0.0.1 still sends its
    // own name as Host; cross-site requests carry their Origin.
    let host = get("Host");
    let host_ok = host.as_ref().is_some_and(|h| {
        state.hosts.contains(h) || (state.any_ip && is_ip_with_port(h, state.port))
    });
    let origin_ok = get("Origin").is_none_or(|o| {
        state.origins.contains(&o)
            || (state.any_ip && host.as_ref().is_some_and(|h| o == format!("http://{h}")))
    });
    if !host_ok || !origin_ok {
        return error(
            request,
            403,
            "refused: this server answers only its own page on this machine (Host or Origin is another site)",
        );
    }
    if request
        .body_length()
        .is_some_and(|n| n as u64 > MAX_BODY_BYTES)
    {
        return error(request, 413, "request too large");
    }
    let mut body = Vec::new();
    if request
        .as_reader()
        .take(MAX_BODY_BYTES + 1)
        .read_to_end(&mut body)
        .is_err()
        || body.len() as u64 > MAX_BODY_BYTES
    {
        return error(request, 413, "request too large");
    }
    let url = request.url().split('?').next().unwrap_or("").to_string();
    match (request.method(), url.as_str()) {
        (Method::Get, "/") => send(request, 200, "text/html; charset=utf-8", INDEX.into()),
        (Method::Get, "/app.js") => send(
            request,
            200,
            "text/javascript; charset=utf-8",
            APP_JS.into(),
        ),
        (Method::Get, "/app.css") => send(request, 200, "text/css; charset=utf-8", APP_CSS.into()),
        (Method::Get, "/vendor/uPlot.iife.min.js") => send(
            request,
            200,
            "text/javascript; charset=utf-8",
            UPLOT_JS.into(),
        ),
        (Method::Get, "/vendor/uPlot.min.css") => {
            send(request, 200, "text/css; charset=utf-8", UPLOT_CSS.into())
        }
        (Method::Get, "/fonts/latin.ttf") => {
            send(request, 200, "font/ttf", crate::chart::LATIN_FONT.to_vec())
        }
        (Method::Get, "/fonts/cjk.otf") => {
            send(request, 200, "font/otf", crate::chart::CJK_FONT.to_vec())
        }
        (Method::Get, "/api/scenarios") => {
            let list = scenarios(state);
            json_reply(request, 200, &list)
        }
        (Method::Get, path) if path.starts_with("/api/scenario/") => {
            match path["/api/scenario/".len()..]
                .parse::<usize>()
                .ok()
                .and_then(|i| state.scenarios.get(i))
            {
                Some(p) => match describe(p) {
                    Ok(v) => json_reply(request, 200, &v),
                    Err(e) => error(request, 400, &format!("{e:#}")),
                },
                None => error(request, 404, "no such scenario"),
            }
        }
        (Method::Post, "/api/run") => run_quick(state, request, &body),
        (Method::Post, "/api/full") => run_full(state, request, &body),
        (Method::Post, "/api/save") => save(state, request, &body),
        _ => error(request, 404, "not found"),
    }
}

fn scenarios(state: &State) -> Value {
    Value::Array(
        state
            .scenarios
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let sc = scenario::load(p, &[]).ok()?;
                Some(json!({
                    "id": i,
                    "file": p.display().to_string(),
                    "name": sc.raw.name,
                    "levers": sc.raw.levers.len(),
                }))
            })
            .collect(),
    )
}

/// A scenario's description and levers, with each lever's value in effect.
fn describe(path: &Path) -> anyhow::Result<Value> {
    let sc = scenario::load(path, &[])?;
    let levers: Vec<Value> = sc
        .raw
        .levers
        .iter()
        .map(|(name, l)| {
            let text = scenario::levers::current_value(&sc.tree, &sc.raw, l);
            let first = text
                .trim_start_matches("mixed (")
                .split([' ', ')'])
                .next()
                .unwrap_or("");
            let value = match first {
                "true" => json!(true),
                "false" => json!(false),
                n => n.parse::<f64>().map_or(Value::Null, |x| json!(x)),
            };
            json!({
                "name": name, "label": l.label, "label_zh": l.label_zh, "unit": l.unit,
                "min": l.min, "max": l.max, "step": l.step, "from": l.from,
                "source": l.source, "value": value, "value_text": text,
                "paths": l.paths,
            })
        })
        .collect();
    Ok(json!({
        "name": sc.raw.name,
        "description": sc.raw.description,
        "start_year": sc.raw.run.start_year,
        "levers": levers,
    }))
}

#[derive(Deserialize)]
struct Ask {
    scenario: usize,
    #[serde(default)]
    levers: BTreeMap<String, Value>,
}

/// The scenario and lever overrides a request asks for.
fn ask(state: &State, body: &[u8]) -> Result<(PathBuf, BTreeMap<String, String>), String> {
    let a: Ask = serde_json::from_slice(body)
        .map_err(|e| format!("expected {{\"scenario\": N, \"levers\": {{NAME: VALUE}}}}: {e}"))?;
    let path = state
        .scenarios
        .get(a.scenario)
        .cloned()
        .ok_or_else(|| format!("no scenario {}", a.scenario))?;
    let mut levers = BTreeMap::new();
    for (name, v) in a.levers {
        let text = match v {
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::String(s) => s,
            other => return Err(format!("lever `{name}`: `{other}` is not a value")),
        };
        levers.insert(name, text);
    }
    Ok((path, levers))
}

fn run_quick(state: &State, request: Request, body: &[u8]) {
    let (path, levers) = match ask(state, body) {
        Ok(x) => x,
        Err(m) => return error(request, 400, &m),
    };
    // A newer request cancels the one running, then waits its turn.
    let cancel = Arc::new(AtomicBool::new(false));
    if let Some(old) = state
        .running
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .replace(Arc::clone(&cancel))
    {
        old.store(true, Ordering::SeqCst);
    }
    let _turn = state.quick.lock().unwrap_or_else(|e| e.into_inner());
    if cancel.load(Ordering::SeqCst) {
        return json_reply(request, 409, &json!({ "cancelled": true }));
    }
    match super::quick::answer(&path, &levers, &cancel) {
        Ok(v) => json_reply(request, 200, &v),
        Err(_) if cancel.load(Ordering::SeqCst) => {
            json_reply(request, 409, &json!({ "cancelled": true }))
        }
        Err(e) => error(request, 400, &format!("{e:#}")),
    }
}

fn run_full(state: &State, request: Request, body: &[u8]) {
    let (path, levers) = match ask(state, body) {
        Ok(x) => x,
        Err(m) => return error(request, 400, &m),
    };
    if state.full_busy.swap(true, Ordering::SeqCst) {
        return error(
            request,
            429,
            "a full run is already in progress; wait for it to finish",
        );
    }
    // Free the slot however the run ends (an error, a panic).
    struct Release<'a>(&'a AtomicBool);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            self.0.store(false, Ordering::SeqCst);
        }
    }
    let _release = Release(&state.full_busy);
    let result = (|| -> anyhow::Result<Value> {
        let name = scenario::load(&path, &[])?.raw.name;
        let overrides: Vec<String> = levers
            .iter()
            .map(|(n, v)| format!("{LEVER_PREFIX}{n}={v}"))
            .collect();
        let out = PathBuf::from("outputs").join(full_run_folder(&name, &levers));
        let stop = AtomicBool::new(false);
        let outcome = crate::study::run::run(
            &crate::study::run::RunSettings {
                scenario: path.clone(),
                overrides: overrides.clone(),
                set: overrides,
                replication: None,
                options: crate::study::RunOptions {
                    out: Some(out),
                    force: true,
                    charts: Some(crate::chart::ChartOptions::default()),
                    ..Default::default()
                },
            },
            &stop,
            |_| indicatif::ProgressBar::hidden(),
        )?;
        Ok(json!({ "dir": outcome.dir.display().to_string(), "report": outcome.report }))
    })();
    match result {
        Ok(v) => json_reply(request, 200, &v),
        Err(e) => error(request, 400, &format!("{e:#}")),
    }
}

/// The folder under `outputs/` of a full run: the scenario's name and the lever values made
/// file-name safe and short, with a hash of the exact values so two runs never share a folder.
fn full_run_folder(name: &str, levers: &BTreeMap<String, String>) -> String {
    use sha2::Digest;
    let exact: String = levers.iter().map(|(n, v)| format!("{n}={v};")).collect();
    let hash = sha2::Sha256::digest(format!("{name}\n{exact}").as_bytes());
    let short: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let readable: String = crate::chart::slug(&format!("{name}-{}", exact.replace(';', "_")))
        .chars()
        .take(80)
        .collect();
    format!("{readable}-{short}")
}

/// A scenario file that extends the chosen one with the lever values.
fn save(state: &State, request: Request, body: &[u8]) {
    let (path, levers) = match ask(state, body) {
        Ok(x) => x,
        Err(m) => return error(request, 400, &m),
    };
    // Check the values as a run would.
    let overrides: Vec<String> = levers
        .iter()
        .map(|(n, v)| format!("{LEVER_PREFIX}{n}={v}"))
        .collect();
    let sc = match scenario::load(&path, &overrides) {
        Ok(s) => s,
        Err(e) => return error(request, 400, &e.to_string()),
    };
    let base = crate::output::folder::absolute(&path);
    let mut text = format!(
        "# Saved from `tierflow serve`: {} with the lever values below.\n# Run it with `tierflow run FILE`. `extends` names the scenario by its absolute path on the\n# machine that saved it; change it if you move either file.\nextends = {}\nname = {}\ndescription = {}\n\n[lever_values]\n",
        sc.raw.name,
        toml::Value::String(base.display().to_string()),
        toml::Value::String(format!("{}-whatif", sc.raw.name)),
        toml::Value::String(format!(
            "{} — what-if: {}",
            sc.raw.name,
            levers
                .iter()
                .map(|(n, v)| format!("{n} = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    );
    for (n, v) in &levers {
        let value = match v.parse::<f64>() {
            Ok(x) => toml::Value::Float(x).to_string(),
            Err(_) if v == "true" || v == "false" => v.clone(),
            Err(_) => toml::Value::String(v.clone()).to_string(),
        };
        text.push_str(&format!(
            "{n} = {value}   # {}\n",
            sc.raw.levers.get(n).map_or("", |l| l.source.as_str())
        ));
    }
    let response = Response::from_data(text.into_bytes())
        .with_header(header("Content-Type", "application/toml; charset=utf-8"))
        .with_header(header(
            "Content-Disposition",
            &format!(
                "attachment; filename=\"{}-whatif.toml\"",
                crate::chart::slug(&sc.raw.name)
            ),
        ));
    let _ = request.respond(response);
}

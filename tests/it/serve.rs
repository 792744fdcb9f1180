//! `tierflow serve`: the API a planner's page calls, its safety rules, and the page itself in
//! headless Chromium driven over WebDriver.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::common::repo;
use crate::webdriver::Browser;

/// A running `tierflow serve`; stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(cwd: &Path, args: &[&str]) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("tierflow"))
        .current_dir(cwd)
        .arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Server { child, url }
}

fn shaoxing() -> String {
    repo("scenarios/shaoxing-2014.toml").display().to_string()
}

fn post(url: &str, body: Value) -> (u16, Value) {
    match ureq::post(url).send_json(body) {
        Ok(r) => (r.status(), r.into_json().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_json().unwrap_or(Value::Null)),
        Err(e) => panic!("{url}: {e}"),
    }
}

#[test]
fn the_api_answers_a_lever_move_with_paired_projections_and_refuses_what_it_should() {
    let dir = tempfile::tempdir().unwrap();
    let s = serve(dir.path(), &[&shaoxing(), "--port", "0"]);
    let page = ureq::get(&format!("{}/", s.url))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(page.contains("/vendor/uPlot.iife.min.js") && page.contains("/app.js"));
    let list: Value = ureq::get(&format!("{}/api/scenarios", s.url))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(list[0]["name"], "shaoxing-2014");
    let sc: Value = ureq::get(&format!("{}/api/scenario/0", s.url))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    let payout = sc["levers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "grassroots_outpatient_payout")
        .unwrap();
    assert_eq!(payout["label_zh"], "基层门诊报销比例（城乡居民）");
    assert_eq!(payout["from"], "2015-01-01");

    // Raising the residents' grassroots payout to 80% raises the grassroots share, and the
    // interval of the paired difference excludes zero.
    let (code, r) = post(
        &format!("{}/api/run", s.url),
        json!({ "scenario": 0, "levers": { "grassroots_outpatient_payout": 0.8 } }),
    );
    assert_eq!(code, 200, "{r}");
    let diff = r["metrics"]["grassroots_outpatient_share"]["diff"]
        .as_array()
        .unwrap();
    let last = diff.last().unwrap();
    assert!(
        last[0].as_f64().unwrap() > 0.005 && last[1].as_f64().unwrap() > 0.0,
        "{last}"
    );
    // Before the lever's date nothing differs (exact pairing).
    assert_eq!(diff[0][0].as_f64().unwrap(), 0.0);
    assert_eq!(r["sample"]["replications"], 8);
    assert!(r["bed_occupancy"]["township"]["whatif"].is_array());
    assert!(
        r["targets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["whatif"].is_number())
    );
    assert!(
        r["notes"][0]
            .as_str()
            .unwrap()
            .contains("an override wins from its date")
    );

    // Refusals: an unknown lever, another site's Host or Origin, a huge body.
    let (code, r) = post(
        &format!("{}/api/run", s.url),
        json!({ "scenario": 0, "levers": { "payout": 0.8 } }),
    );
    assert_eq!(code, 400);
    assert!(
        r["error"].as_str().unwrap().contains("unknown lever"),
        "{r}"
    );
    let (code, _) = post(&format!("{}/api/run", s.url), json!({ "scenario": 9 }));
    assert_eq!(code, 400);
    let host = ureq::get(&format!("{}/api/scenarios", s.url))
        .set("Host", "attacker.example:80")
        .call();
    assert!(matches!(host, Err(ureq::Error::Status(403, _))));
    let origin = ureq::post(&format!("{}/api/run", s.url))
        .set("Origin", "http://attacker.example")
        .send_json(json!({ "scenario": 0 }));
    assert!(matches!(origin, Err(ureq::Error::Status(403, _))));
    let big = "x".repeat(100_000);
    let too_big = ureq::post(&format!("{}/api/run", s.url)).send_string(&big);
    assert!(
        matches!(too_big, Err(ureq::Error::Status(413, _))),
        "{too_big:?}"
    );

    // A newer request cancels the one running.
    let url = format!("{}/api/run", s.url);
    let first = std::thread::spawn({
        let url = url.clone();
        move || {
            post(
                &url,
                json!({ "scenario": 0, "levers": { "township_beds": 2.0 } }),
            )
            .0
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(150));
    let (second, _) = post(
        &url,
        json!({ "scenario": 0, "levers": { "township_beds": 2.5 } }),
    );
    assert_eq!((first.join().unwrap(), second), (409, 200));

    // Save as scenario: a file that extends the scenario with the values and reruns them.
    let toml = ureq::post(&format!("{}/api/save", s.url))
        .send_json(json!({ "scenario": 0, "levers": { "grassroots_outpatient_payout": 0.8 } }))
        .unwrap()
        .into_string()
        .unwrap();
    assert!(toml.contains("[lever_values]") && toml.contains("grassroots_outpatient_payout = 0.8"));
    let saved = dir.path().join("saved.toml");
    std::fs::write(&saved, &toml).unwrap();
    let out = crate::common::tierflow_ok(&["levers", saved.to_str().unwrap()]);
    assert!(out.contains("grassroots_outpatient_payout = 0.8"), "{out}");

    // The same port twice: a clear message.
    let port = s.url.rsplit(':').next().unwrap().to_string();
    let o = Command::new(assert_cmd::cargo::cargo_bin("tierflow"))
        .args(["serve", &shaoxing(), "--port", &port])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already in use"));
}

#[test]
fn run_in_full_writes_an_ordinary_results_folder_under_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let s = serve(dir.path(), &[&shaoxing(), "--port", "0"]);
    let (code, r) = post(
        &format!("{}/api/full", s.url),
        json!({ "scenario": 0, "levers": { "township_beds": 2.0 } }),
    );
    assert_eq!(code, 200, "{r}");
    let folder = dir.path().join(r["dir"].as_str().unwrap());
    assert!(r["dir"].as_str().unwrap().starts_with("outputs/"));
    assert!(folder.join("metrics.csv").is_file() && folder.join("tables.xlsx").is_file());
    let manifest = std::fs::read_to_string(folder.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("lever:township_beds=2"),
        "{manifest:.300}"
    );
}

#[test]
fn a_planner_moves_the_payout_slider_and_sees_the_answer_change_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let s = serve(dir.path(), &[&shaoxing(), "--port", "0"]);
    let b = Browser::start();
    b.open(&format!("{}/", s.url));
    b.wait_until(
        "return document.body.dataset.state === 'ready'",
        60,
        "the first answer",
    );
    let diff = "return document.querySelector('#headline tr[data-metric=grassroots_outpatient_share] .diff').firstChild.textContent";
    assert_eq!(b.script(diff), json!("0.00 pp"));
    assert!(
        b.script("return document.querySelectorAll('#chart-share canvas').length > 0")
            == json!(true)
    );

    // Six steps right on the payout slider: 40% → 70%.
    b.keys("#lever-grassroots_outpatient_payout", &"\u{E014}".repeat(6));
    b.wait_until(
        &format!("{diff} !== '0.00 pp' && document.body.dataset.state === 'ready'"),
        60,
        "the answer to the slider move",
    );
    let moved = b.script(diff).as_str().unwrap().to_string();
    assert!(moved.starts_with('+'), "{moved}");
    assert_eq!(
        b.script(
            "return document.getElementById('value-grassroots_outpatient_payout').textContent"
        ),
        json!("70%")
    );
    b.wait_until(
        "return document.getElementById('sample').textContent.includes('8 replications')",
        5,
        "the sample note",
    );

    b.click("#lang");
    assert_eq!(
        b.script("return document.getElementById('title').textContent"),
        json!("如果……会怎样？")
    );
    assert!(
        b.script("return document.getElementById('headline-title').textContent")
            .as_str()
            .unwrap()
            .starts_with("预测结果")
    );
    assert!(b.script("return document.querySelector('label[for=lever-grassroots_outpatient_payout]').textContent.startsWith('基层门诊报销比例')") == json!(true));
    let errors = b.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    let shot = b.screenshot();
    assert!(crate::browser::inked_share(&shot) > 0.03, "blank page");
}

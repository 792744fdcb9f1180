// tierflow's what-if page: lever sliders, a quick paired answer from the local server, charts
// drawn with uPlot. Every request goes to the server that served this page.
"use strict";

const WORDS = {
  en: {
    title: "What if…?", scenario: "Scenario", levers: "Levers", reset: "Reset",
    run_full: "Run in full", save: "Save as scenario", headline: "Projections",
    targets: "Targets", measure: "Measure", baseline: "Baseline", whatif: "What-if",
    difference: "Difference (95% CI)", target: "Target", year: "Year",
    p_baseline: "Probability met, baseline", p_whatif: "Probability met, what-if",
    simulating: "Simulating…", ready: "Updated in", seconds: "s",
    sample: (s) => `Quick answer: ${s.replications} replications × ${fmtInt(s.people)} simulated people each, for baseline and what-if (the full run: ${s.full_replications} × ${fmtInt(s.full_people)}). Bands: 5–95% of replications.`,
    share: "Grassroots share of visits (%)", beds: "Bed occupancy by tier (%)",
    money: "Fund and out-of-pocket spending (yuan per year)",
    fund: "fund", oop: "out of pocket", from: "from", source: "source",
    full_done: "Full run written to", no_levers: "This scenario declares no levers.",
    effect_note: "Difference: what-if minus baseline, paired replication by replication; in brackets its 95% confidence interval.",
    metrics: {
      grassroots_outpatient_share: "Grassroots share of visits",
      grassroots_inpatient_share: "Grassroots share of admissions",
      in_region_rate: "In-region rate", total_cost: "Total cost", fund_spend: "Insurance fund spending",
      oop_spend: "Out-of-pocket spending", oop_per_capita: "Out-of-pocket per person",
    },
    tiers: { village: "village", township: "township", county: "county", tertiary: "tertiary", out_of_region: "out of region" },
  },
  zh: {
    title: "如果……会怎样？", scenario: "情景", levers: "政策杠杆", reset: "复位",
    run_full: "完整运行", save: "另存为情景", headline: "预测结果",
    targets: "政策目标", measure: "指标", baseline: "基线", whatif: "假设情景",
    difference: "差值（95%置信区间）", target: "目标", year: "年份",
    p_baseline: "基线达标概率", p_whatif: "假设情景达标概率",
    simulating: "正在模拟……", ready: "已更新，用时", seconds: "秒",
    sample: (s) => `快速估算：基线与假设情景各 ${s.replications} 次重复 × 每次 ${fmtInt(s.people)} 名模拟人口（完整运行为 ${s.full_replications} 次 × ${fmtInt(s.full_people)} 人）。区间：重复模拟的第5–95百分位数。`,
    share: "基层诊疗量占比（%）", beds: "各级机构病床使用率（%）",
    money: "医保基金与个人自付支出（元/年）",
    fund: "医保基金", oop: "个人自付", from: "起始", source: "依据",
    full_done: "完整运行结果已写入", no_levers: "本情景未声明政策杠杆。",
    effect_note: "差值：假设情景减基线，逐次配对计算；括号内为95%置信区间。",
    metrics: {
      grassroots_outpatient_share: "基层诊疗量占比", grassroots_inpatient_share: "基层住院占比",
      in_region_rate: "县域内就诊率", total_cost: "医疗总费用", fund_spend: "医保基金支出",
      oop_spend: "个人自付费用", oop_per_capita: "人均自付费用",
    },
    tiers: { village: "村卫生室", township: "乡镇卫生院", county: "县级医院", tertiary: "城市三级医院", out_of_region: "区域外" },
  },
};
const SHARES = ["grassroots_outpatient_share", "grassroots_inpatient_share", "in_region_rate"];

const state = { lang: "en", scenarios: [], scenario: null, values: {}, result: null, controller: null, timer: null, plots: [] };

const $ = (id) => document.getElementById(id);
const w = () => WORDS[state.lang];
function fmtInt(x) { return Math.round(x).toLocaleString("en-US"); }
function fmtValue(metric, x) {
  if (x === null || x === undefined) return "–";
  if (SHARES.includes(metric)) return (x * 100).toFixed(1) + "%";
  const a = Math.abs(x);
  if (a >= 1e9) return (x / 1e9).toFixed(2) + " bn";
  if (a >= 1e6) return (x / 1e6).toFixed(1) + " M";
  return x.toFixed(a >= 100 ? 0 : 2);
}
function fmtChange(metric, x) {
  if (x === null || x === undefined) return "–";
  const s = SHARES.includes(metric) ? (x * 100).toFixed(2) + " pp" : fmtValue(metric, x);
  return x > 0 ? "+" + s : s;
}
function leverText(l, v) {
  if (l.unit === "true/false") return v ? "✓" : "✗";
  if (l.unit === "fraction") return String(Math.round(v * 1000) / 10) + "%";
  return `${v} ${l.unit}`;
}

async function getJSON(url, options) {
  const r = await fetch(url, options);
  const text = await r.text();
  let body = null;
  try { body = JSON.parse(text); } catch (e) { body = { error: text || r.statusText }; }
  if (r.status === 409) return null;
  if (!r.ok) throw new Error((body && body.error) || r.statusText);
  return body;
}

function applyWords() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  $("title").textContent = w().title;
  document.title = "tierflow — " + w().title;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = w()[el.dataset.i18n]; });
  $("lang").textContent = state.lang === "zh" ? "English" : "中文";
}

async function start() {
  applyWords();
  state.scenarios = await getJSON("/api/scenarios");
  const select = $("scenario");
  for (const s of state.scenarios) {
    const o = document.createElement("option");
    o.value = s.id;
    o.textContent = `${s.name}${s.levers ? "" : " (—)"}`;
    select.appendChild(o);
  }
  const first = state.scenarios.find((s) => s.levers > 0) || state.scenarios[0];
  select.value = first.id;
  select.addEventListener("change", () => chooseScenario(Number(select.value)));
  $("lang").addEventListener("click", () => { state.lang = state.lang === "en" ? "zh" : "en"; applyWords(); renderLevers(); render(); });
  $("reset").addEventListener("click", () => { state.values = {}; renderLevers(); schedule(0); });
  $("full").addEventListener("click", runFull);
  $("save").addEventListener("click", saveScenario);
  await chooseScenario(first.id);
}

async function chooseScenario(id) {
  state.scenario = await getJSON(`/api/scenario/${id}`);
  state.scenario.id = id;
  state.values = {};
  $("description").textContent = state.scenario.description;
  renderLevers();
  schedule(0);
}

function renderLevers() {
  const box = $("levers");
  box.replaceChildren();
  const levers = state.scenario ? state.scenario.levers : [];
  if (!levers.length) { box.textContent = w().no_levers; return; }
  for (const l of levers) {
    const div = document.createElement("div");
    div.className = "lever";
    const value = l.name in state.values ? state.values[l.name] : l.value;
    const label = document.createElement("label");
    const name = state.lang === "zh" && l.label_zh ? l.label_zh : l.label;
    label.htmlFor = "lever-" + l.name;
    label.append(name + ": ");
    const shown = document.createElement("span");
    shown.className = "value";
    shown.id = "value-" + l.name;
    shown.textContent = leverText(l, value) + (l.value_text.startsWith("mixed") && !(l.name in state.values) ? " *" : "");
    label.appendChild(shown);
    const input = document.createElement("input");
    input.type = "range";
    input.id = "lever-" + l.name;
    input.dataset.lever = l.name;
    if (l.unit === "true/false") { input.min = 0; input.max = 1; input.step = 1; input.value = value ? 1 : 0; }
    else { input.min = l.min; input.max = l.max; input.step = l.step; input.value = value; }
    input.addEventListener("input", () => {
      const v = l.unit === "true/false" ? input.value === "1" : Number(input.value);
      state.values[l.name] = v;
      shown.textContent = leverText(l, v);
      schedule(250);
    });
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = `${l.from ? w().from + " " + l.from + " · " : ""}${w().source}: ${l.source}`;
    div.append(label, input, meta);
    box.appendChild(div);
  }
}

function schedule(delay) {
  clearTimeout(state.timer);
  state.timer = setTimeout(runQuick, delay);
}

async function runQuick() {
  // A newer move cancels the answer in flight (the server stops its simulation too).
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  document.body.dataset.state = "running";
  $("status").textContent = w().simulating;
  try {
    const result = await getJSON("/api/run", {
      method: "POST", headers: { "Content-Type": "application/json" }, signal: controller.signal,
      body: JSON.stringify({ scenario: state.scenario.id, levers: state.values }),
    });
    if (!result || controller.signal.aborted) return;
    state.result = result;
    render();
    document.body.dataset.state = "ready";
  } catch (e) {
    if (e.name === "AbortError") return;
    $("status").textContent = e.message;
    document.body.dataset.state = "error";
  }
}

function render() {
  const r = state.result;
  if (!r) return;
  $("status").textContent = `${w().ready} ${r.seconds.toFixed(1)} ${w().seconds}`;
  $("sample").textContent = w().sample(r.sample);
  $("notes").replaceChildren(...r.notes.map((n) => { const p = document.createElement("div"); p.textContent = n; return p; }));
  const last = r.years.length - 1;
  const year = r.years[last];
  $("headline-title").textContent = `${w().headline} ${year}`;
  const table = $("headline");
  table.replaceChildren();
  const head = table.insertRow();
  for (const h of [w().measure, w().baseline, w().whatif, w().difference]) { const th = document.createElement("th"); th.textContent = h; head.appendChild(th); }
  for (const [metric, s] of Object.entries(r.metrics)) {
    const row = table.insertRow();
    row.dataset.metric = metric;
    row.insertCell().textContent = w().metrics[metric] || metric;
    const cell = (cls, text, ci) => {
      const c = row.insertCell(); c.className = "num " + cls; c.textContent = text;
      if (ci) { const span = document.createElement("span"); span.className = "ci"; span.textContent = ci; c.appendChild(span); }
    };
    const b = s.baseline[last], x = s.whatif[last], d = s.diff[last];
    cell("baseline", b ? fmtValue(metric, b[0]) : "–", b ? `[${fmtValue(metric, b[1])}, ${fmtValue(metric, b[2])}]` : "");
    cell("whatif", x ? fmtValue(metric, x[0]) : "–", x ? `[${fmtValue(metric, x[1])}, ${fmtValue(metric, x[2])}]` : "");
    cell("diff", d ? fmtChange(metric, d[0]) : "–", d ? `[${fmtChange(metric, d[1])}, ${fmtChange(metric, d[2])}]` : "");
  }
  const targets = $("targets");
  targets.replaceChildren();
  const th = targets.insertRow();
  for (const h of [w().target, w().year, w().p_baseline, w().p_whatif]) { const c = document.createElement("th"); c.textContent = h; th.appendChild(c); }
  for (const t of r.targets) {
    const row = targets.insertRow();
    row.insertCell().textContent = t.name;
    row.insertCell().textContent = t.year;
    for (const p of [t.baseline, t.whatif]) { const c = row.insertCell(); c.className = "num"; c.textContent = (p * 100).toFixed(0) + "%"; }
  }
  drawCharts(r);
}

const BLUE = "#0072b2", ORANGE = "#e69f00";
const TIER_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7"];

function bandChart(el, title, years, lines, scale) {
  // lines: [{label, colour, dash, points: [[mean, p5, p95] | null]}]
  const data = [years];
  const series = [{}];
  const bands = [];
  for (const l of lines) {
    const at = (i) => l.points.map((p) => (p ? p[i] * scale : null));
    data.push(at(0), at(2), at(1));
    const n = data.length - 1;
    series.push({ label: l.label, stroke: l.colour, width: 2, dash: l.dash });
    series.push({ label: "", stroke: "transparent", width: 0, points: { show: false } });
    series.push({ label: "", stroke: "transparent", width: 0, points: { show: false } });
    if (l.band) bands.push({ series: [n - 1, n], fill: l.colour + "33" });
  }
  const box = document.createElement("div");
  const h = document.createElement("h3");
  h.textContent = title;
  // uPlot's own legend would list the band edges too: a plain legend of the lines instead.
  const legend = document.createElement("div");
  legend.className = "legend";
  for (const l of lines) {
    const item = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.borderColor = l.colour;
    swatch.style.borderStyle = l.dash ? "dashed" : "solid";
    item.append(swatch, l.label);
    legend.appendChild(item);
  }
  el.replaceChildren(h, box, legend);
  const width = Math.max(320, el.clientWidth || 420);
  const plot = new uPlot({
    width, height: 240, series, bands,
    scales: { x: { time: false } },
    axes: [{ incrs: [1], values: (u, v) => v.map((x) => String(Math.round(x))) }, {}],
    legend: { show: false },
    cursor: { show: false },
  }, data, box);
  state.plots.push(plot);
}

function drawCharts(r) {
  state.plots.forEach((p) => p.destroy());
  state.plots = [];
  const share = r.metrics.grassroots_outpatient_share;
  bandChart($("chart-share"), w().share, r.years, [
    { label: w().baseline, colour: BLUE, points: share.baseline, band: true },
    { label: w().whatif, colour: ORANGE, points: share.whatif, band: true },
  ], 100);
  const bedLines = [];
  Object.entries(r.bed_occupancy).forEach(([tier, s], i) => {
    const c = TIER_COLOURS[i % TIER_COLOURS.length];
    bedLines.push({ label: `${w().tiers[tier] || tier} · ${w().baseline}`, colour: c, dash: [6, 4], points: s.baseline });
    bedLines.push({ label: `${w().tiers[tier] || tier} · ${w().whatif}`, colour: c, points: s.whatif, band: true });
  });
  bandChart($("chart-beds"), w().beds, r.years, bedLines, 100);
  bandChart($("chart-money"), w().money, r.years, [
    { label: `${w().fund} · ${w().baseline}`, colour: BLUE, dash: [6, 4], points: r.metrics.fund_spend.baseline },
    { label: `${w().fund} · ${w().whatif}`, colour: BLUE, points: r.metrics.fund_spend.whatif, band: true },
    { label: `${w().oop} · ${w().baseline}`, colour: ORANGE, dash: [6, 4], points: r.metrics.oop_spend.baseline },
    { label: `${w().oop} · ${w().whatif}`, colour: ORANGE, points: r.metrics.oop_spend.whatif, band: true },
  ], 1);
}

async function runFull() {
  $("status").textContent = w().simulating;
  try {
    const r = await getJSON("/api/full", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ scenario: state.scenario.id, levers: state.values }),
    });
    $("status").textContent = `${w().full_done} ${r.dir}`;
  } catch (e) { $("status").textContent = e.message; }
}

async function saveScenario() {
  const r = await fetch("/api/save", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ scenario: state.scenario.id, levers: state.values }),
  });
  if (!r.ok) { $("status").textContent = (await r.json()).error; return; }
  const blob = await r.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `${state.scenario.name}-whatif.toml`;
  a.click();
  URL.revokeObjectURL(a.href);
}

start().catch((e) => { $("status").textContent = e.message; document.body.dataset.state = "error"; });

//! The report's fixed words in English and Chinese (metric, tier and parameter names come from
//! `chart::labels` and `chart::parameter_labels`).

use crate::chart::Lang;

/// Every fixed phrase of a report, in one language.
pub struct Words {
    /// `<html lang>`.
    pub html_lang: &'static str,
    /// Title prefix.
    pub report: &'static str,
    /// Heading of what was run.
    pub what_was_run: &'static str,
    /// Labels of the run facts.
    pub scenario: &'static str,
    /// The scenario's description.
    pub description: &'static str,
    /// The scenario files read, base first.
    pub files: &'static str,
    /// Replications.
    pub replications: &'static str,
    /// Seed.
    pub seed: &'static str,
    /// tierflow version.
    pub version: &'static str,
    /// Finished at.
    pub date: &'static str,
    /// Command-line overrides.
    pub overrides: &'static str,
    /// Heading of the levers that differ from the base.
    pub levers: &'static str,
    /// Sentence before the levers table.
    pub levers_intro: &'static str,
    /// No lever differs.
    pub no_levers: &'static str,
    /// Column heads of the levers table.
    pub parameter: &'static str,
    /// Value in the base scenario.
    pub base_value: &'static str,
    /// Value in this scenario.
    pub this_value: &'static str,
    /// Source note.
    pub source: &'static str,
    /// Heading of the headline projections.
    pub headline: &'static str,
    /// Sentence under the headline table.
    pub headline_note: &'static str,
    /// Metric column.
    pub metric: &'static str,
    /// Heading of targets.
    pub targets: &'static str,
    /// Target columns.
    pub target: &'static str,
    /// Year column.
    pub year: &'static str,
    /// Projected column.
    pub projected: &'static str,
    /// Probability of meeting a target.
    pub probability_met: &'static str,
    /// Met / not met.
    pub met: &'static str,
    /// Yes.
    pub yes: &'static str,
    /// No.
    pub no: &'static str,
    /// No targets declared.
    pub no_targets: &'static str,
    /// Heading of a comparison.
    pub comparison: &'static str,
    /// Difference column.
    pub difference: &'static str,
    /// 95% confidence interval of the mean difference.
    pub ci95: &'static str,
    /// Spread of replication differences.
    pub spread: &'static str,
    /// What the two difference columns mean.
    pub effect_note: &'static str,
    /// Heading of the differences over the years.
    pub difference_by_year: &'static str,
    /// Heading of a sweep.
    pub sweep: &'static str,
    /// Sentence under a sweep table.
    pub sweep_note: &'static str,
    /// Heading of a sensitivity analysis.
    pub sensitivity: &'static str,
    /// Sensitivity columns.
    pub lowered: &'static str,
    /// Sensitivity columns.
    pub raised: &'static str,
    /// Effect of moving down/up.
    pub effect: &'static str,
    /// Sentence under a sensitivity table.
    pub sensitivity_note: &'static str,
    /// Heading of a calibration.
    pub calibration: &'static str,
    /// Fitted parameters heading.
    pub fitted_parameters: &'static str,
    /// Range, start and fitted columns.
    pub range: &'static str,
    /// Start value.
    pub start: &'static str,
    /// Fitted value.
    pub fitted: &'static str,
    /// Simulated value.
    pub simulated: &'static str,
    /// Tolerance.
    pub tolerance: &'static str,
    /// Heading of charts.
    pub charts: &'static str,
    /// Heading of assumptions and sources.
    pub assumptions: &'static str,
    /// Sentence introducing the scenario file's own notes.
    pub assumptions_intro: &'static str,
    /// Heading of how to reproduce.
    pub reproduce: &'static str,
    /// Sentence before the command.
    pub reproduce_intro: &'static str,
    /// Footer.
    pub generated_by: &'static str,
    /// Value column.
    pub value: &'static str,
    /// Band legend.
    pub band: &'static str,
}

/// The words of `lang`.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

static EN: Words = Words {
    html_lang: "en",
    report: "tierflow report",
    what_was_run: "What was run",
    scenario: "Scenario",
    description: "Description",
    files: "Scenario files (base first)",
    replications: "Replications",
    seed: "Seed",
    version: "tierflow version",
    date: "Finished",
    overrides: "Command-line overrides",
    levers: "Levers that differ from the base scenario",
    levers_intro: "Every setting this scenario changes from the scenario it extends, with the note its file gives for it.",
    no_levers: "This scenario extends no other, or changes no setting of it.",
    parameter: "Setting",
    base_value: "Base",
    this_value: "This scenario",
    source: "Source note",
    headline: "Headline projections",
    headline_note: "Mean over replications, with the 5th–95th percentile band in brackets.",
    metric: "Measure",
    targets: "Targets",
    target: "Target",
    year: "Year",
    projected: "Projected",
    probability_met: "Probability met",
    met: "Met",
    yes: "yes",
    no: "no",
    no_targets: "The scenario declares no targets.",
    comparison: "Comparison",
    difference: "Difference",
    ci95: "under it, the 95% CI of the mean difference",
    spread: "5th–95th percentile of replication differences",
    effect_note: "The difference is the mean of paired replication-by-replication differences. Its 95% confidence interval says how precisely the replications pin down that mean effect (it narrows with more replications); the 5th–95th percentile says how much a single replication's difference varies.",
    difference_by_year: "Differences over the years",
    sweep: "Sweep",
    sweep_note: "One row per point of the grid: the mean of each measure in the last year, with its 5th–95th percentile band.",
    sensitivity: "Sensitivity",
    lowered: "Lowered to",
    raised: "Raised to",
    effect: "Effect",
    sensitivity_note: "Each setting is moved down and up by the stated range, one at a time, with the same random numbers; the effect is the mean paired change of the measure, with its 95% confidence interval.",
    calibration: "Calibration",
    fitted_parameters: "Fitted parameters",
    range: "Range",
    start: "Start",
    fitted: "Fitted",
    simulated: "Simulated",
    tolerance: "Tolerance",
    charts: "Charts",
    assumptions: "Assumptions and sources",
    assumptions_intro: "The scenario file's own notes, as its authors wrote them (sources cite the policy document's clauses).",
    reproduce: "How to reproduce",
    reproduce_intro: "The same command, seed and replications give exactly these numbers on any machine and thread count:",
    generated_by: "Generated by tierflow",
    value: "Value",
    band: "5–95% band",
};

static ZH: Words = Words {
    html_lang: "zh-CN",
    report: "tierflow 模拟报告",
    what_was_run: "模拟设置",
    scenario: "情景",
    description: "说明",
    files: "情景文件（基准在前）",
    replications: "重复次数",
    seed: "随机种子",
    version: "tierflow 版本",
    date: "完成时间",
    overrides: "命令行参数修改",
    levers: "与基准情景不同的政策杠杆",
    levers_intro: "本情景相对于其所继承情景修改的每项设置，以及情景文件中对应的说明。",
    no_levers: "本情景未继承其他情景，或未修改任何设置。",
    parameter: "设置",
    base_value: "基准",
    this_value: "本情景",
    source: "来源说明",
    headline: "主要预测结果",
    headline_note: "各次重复模拟的均值，方括号内为第5至第95百分位数区间。",
    metric: "指标",
    targets: "政策目标",
    target: "目标",
    year: "年份",
    projected: "预测值",
    probability_met: "达标概率",
    met: "是否达标",
    yes: "是",
    no: "否",
    no_targets: "本情景未设定目标。",
    comparison: "情景比较",
    difference: "差值",
    ci95: "下行为均值差的95%置信区间",
    spread: "单次差值的第5至第95百分位数",
    effect_note: "差值为逐次配对重复模拟差值的均值。95%置信区间表示重复模拟对该平均效应的估计精度（重复次数越多越窄）；第5至第95百分位数表示单次重复差值的波动范围。",
    difference_by_year: "各年差值",
    sweep: "参数扫描",
    sweep_note: "每行为网格中的一个取值点：末年各指标的均值，方括号内为第5至第95百分位数区间。",
    sensitivity: "敏感性分析",
    lowered: "下调至",
    raised: "上调至",
    effect: "影响",
    sensitivity_note: "每次只上下调整一项设置（幅度如标题所示），使用相同的随机数；影响为指标的配对变化均值及其95%置信区间。",
    calibration: "参数校准",
    fitted_parameters: "校准参数",
    range: "范围",
    start: "初值",
    fitted: "校准值",
    simulated: "模拟值",
    tolerance: "容差",
    charts: "图表",
    assumptions: "假设与资料来源",
    assumptions_intro: "情景文件作者的原始注释（来源标注政策文件条款）。",
    reproduce: "如何重现",
    reproduce_intro: "在任何机器、任意线程数下，相同的命令、随机种子和重复次数都会给出完全相同的结果：",
    generated_by: "由 tierflow 生成",
    value: "数值",
    band: "5–95% 区间",
};

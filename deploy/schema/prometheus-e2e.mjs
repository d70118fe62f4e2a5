// Evaluates every dashboard query and every alert expression against a running Prometheus through
// its HTTP API, and prints which return series. Called by deploy/check-prometheus-e2e.sh, which
// starts the Prometheus and points it at the gateway and workers.
//   node prometheus-e2e.mjs --url http://127.0.0.1:PORT [--rate-interval 1m] [--strict]
//        [--allow-empty REGEX] [--report FILE.json]
// Exit 1 when a query errors or a rule fails to evaluate in Prometheus; with --strict also when a
// dashboard query or a metric the queries use returns no series (names matching --allow-empty are
// reported but allowed). Alerts returning nothing is the healthy case and never fails.
import fs from "node:fs";
import { collectQueries, metricNames } from "./queries.mjs";

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const base = opt("--url");
const rateInterval = opt("--rate-interval", "1m");
const strict = argv.includes("--strict");
const allowEmpty = opt("--allow-empty") ? new RegExp(opt("--allow-empty")) : null;
const reportFile = opt("--report");
if (!base) { console.error("usage: prometheus-e2e.mjs --url <prometheus> [--rate-interval 1m] [--strict] [--allow-empty REGEX] [--report FILE]"); process.exit(2); }

async function api(pathAndQuery) {
  const res = await fetch(base + pathAndQuery);
  const body = await res.json().catch(() => ({ status: "error", error: `HTTP ${res.status}, not JSON` }));
  if (body.status !== "success") throw new Error(`${body.errorType ?? "error"}: ${body.error ?? res.status}`);
  return body.data;
}
const instant = (expr) => api(`/api/v1/query?query=${encodeURIComponent(expr)}`);

function describe(data) {
  const n = data.resultType === "vector" || data.resultType === "matrix" ? data.result.length : 1;
  if (!n) return { series: 0, sample: "" };
  const first = data.result[0];
  const v = first?.value?.[1] ?? (Array.isArray(data.result) ? "" : data.result?.[1]);
  return { series: n, sample: v };
}

const rows = [];
const queries = collectQueries({ rateInterval });
for (const q of queries) {
  try {
    const d = describe(await instant(q.expr));
    rows.push({ ...q, ...d, status: d.series ? "series" : "none" });
  } catch (e) {
    rows.push({ ...q, series: 0, sample: "", status: "ERROR", error: e.message });
  }
}
const metrics = [...new Set(queries.flatMap((q) => metricNames(q.expr)))].sort();
const metricRows = [];
for (const m of metrics) {
  try {
    const byJob = (await instant(`count by (job) (${m})`)).result;
    const series = byJob.reduce((n, r) => n + Number(r.value[1]), 0);
    const jobs = byJob.map((r) => r.metric.job ?? "?").join(",");
    metricRows.push({ source: "metric", name: m, expr: m, series, jobs, status: series ? "series" : "none" });
  } catch (e) {
    metricRows.push({ source: "metric", name: m, expr: m, series: 0, status: "ERROR", error: e.message });
  }
}
// Prometheus's own evaluation of the loaded alert rules (a rule that cannot run shows health "err").
const ruleRows = [];
try {
  const groups = (await api("/api/v1/rules")).groups;
  for (const g of groups) for (const r of g.rules) {
    ruleRows.push({ source: "rule", name: r.name, health: r.health, state: r.state ?? "", lastError: r.lastError ?? "" });
  }
} catch (e) {
  ruleRows.push({ source: "rule", name: "(rules API)", health: "err", lastError: e.message });
}
const targets = (await api("/api/v1/targets?state=active")).activeTargets.map((t) => ({
  job: t.labels.job, instance: t.labels.instance, health: t.health, lastError: t.lastError }));

// ---- print -----------------------------------------------------------------------------------
const pad = (s, n) => { s = String(s ?? ""); return s.length > n ? s.slice(0, n - 1) + "…" : s.padEnd(n); };
const line = (...cols) => console.log(cols.join("  "));
console.log("\nTargets");
for (const t of targets) line(pad(t.job, 14), pad(t.instance, 28), pad(t.health, 8), t.lastError ?? "");

const isAllowedEmpty = (r) => allowEmpty && allowEmpty.test(r.name);
const verdict = (r) => {
  if (r.status === "ERROR") return "ERROR";
  if (r.status === "series") return `${r.series} series`;
  if (r.source === "alert") return "none (quiet)";
  return isAllowedEmpty(r) ? "none (allowed)" : "NONE";
};
console.log(`\nDashboard panels and alerts (${rows.length} queries, rate interval ${rateInterval})`);
line(pad("SOURCE", 6), pad("NAME", 48), pad("RESULT", 15), pad("SAMPLE", 12), "EXPR");
for (const r of rows) line(pad(r.source, 6), pad(r.name, 48), pad(verdict(r), 15), pad(r.sample, 12), r.status === "ERROR" ? r.error : r.expr.replace(/\s+/g, " ").slice(0, 90));
console.log(`\nMetrics the queries select (${metricRows.length})`);
line(pad("METRIC", 48), pad("RESULT", 15), "JOBS");
for (const r of metricRows) line(pad(r.name, 48), pad(verdict(r), 15), r.status === "ERROR" ? r.error : r.jobs);
console.log(`\nAlert rules as evaluated by Prometheus (${ruleRows.length})`);
for (const r of ruleRows) line(pad(r.name, 48), pad(r.health, 8), pad(r.state, 10), r.lastError);

const errors = [...rows, ...metricRows].filter((r) => r.status === "ERROR");
const badRules = ruleRows.filter((r) => r.health === "err");
const emptyPanels = rows.filter((r) => r.source === "panel" && r.status === "none" && !isAllowedEmpty(r));
const emptyMetrics = metricRows.filter((r) => r.status === "none" && !isAllowedEmpty(r));
const downTargets = targets.filter((t) => t.health !== "up");
const panelsWithData = new Set(rows.filter((r) => r.source === "panel" && r.status === "series").map((r) => r.panelId));
const allPanels = new Set(rows.filter((r) => r.source === "panel").map((r) => r.panelId));
console.log(`\nSummary: ${panelsWithData.size}/${allPanels.size} panels with data; ` +
  `${rows.filter((r) => r.source === "panel" && r.status === "series").length}/${rows.filter((r) => r.source === "panel").length} panel queries and ` +
  `${metricRows.filter((r) => r.status === "series").length}/${metricRows.length} metrics return series; ` +
  `${rows.filter((r) => r.source === "alert" && r.status === "series").length}/${rows.filter((r) => r.source === "alert").length} alert expressions currently true; ` +
  `${errors.length} query errors; ${badRules.length} rules failing; ${downTargets.length} targets down.`);
if (reportFile) fs.writeFileSync(reportFile, JSON.stringify({ rateInterval, targets, queries: rows, metrics: metricRows, rules: ruleRows }, null, 2) + "\n");

let fail = errors.length > 0 || badRules.length > 0;
if (strict && (emptyPanels.length || emptyMetrics.length || downTargets.length)) {
  console.log(`strict: ${emptyPanels.length} panel queries and ${emptyMetrics.length} metrics without series, ${downTargets.length} targets down`);
  fail = true;
}
process.exit(fail ? 1 : 0);

// The PromQL that IST's deployment evaluates: every dashboard target and every alert expression,
// read from the canonical files. Shared by dashboard-exprs.mjs (static check) and prometheus-e2e.mjs.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DASHBOARD = "deploy/grafana/dashboards/ist.json";
export const ALERTS = "deploy/prometheus/ist-alerts.yml";

// Grafana's built-in interval variables, replaced by fixed durations so Prometheus can run the query.
export function substituteGrafanaVariables(expr, rateInterval = "5m") {
  return expr
    .replace(/\$\{?__rate_interval\}?/g, rateInterval)
    .replace(/\$\{?__interval\}?/g, rateInterval)
    .replace(/\$\{?__range\}?/g, "1h");
}

function panelsOf(dashboard) {
  const out = [];
  for (const p of dashboard.panels ?? []) {
    out.push(p);
    if (p.type === "row") out.push(...(p.panels ?? []));
  }
  return out;
}

// Structural problems of the dashboard itself (returned as strings).
export function dashboardProblems(dashboard) {
  const problems = [];
  const ids = new Set();
  for (const p of panelsOf(dashboard)) {
    if (ids.has(p.id)) problems.push(`panel id ${p.id} is used twice`);
    ids.add(p.id);
    if (p.type === "row") continue;
    if (!p.title) problems.push(`panel ${p.id} has no title`);
    if (!p.gridPos) problems.push(`panel "${p.title}" has no gridPos`);
    if (!p.targets?.length) problems.push(`panel "${p.title}" has no targets`);
    for (const t of p.targets ?? []) {
      if (!t.expr || !t.expr.trim()) problems.push(`panel "${p.title}" target ${t.refId} has no expr`);
      const uid = t.datasource?.uid ?? p.datasource?.uid;
      if (uid !== "${datasource}") problems.push(`panel "${p.title}" target ${t.refId} does not use the $datasource variable`);
    }
  }
  if (!(dashboard.templating?.list ?? []).some((v) => v.name === "datasource" && v.type === "datasource")) problems.push("no datasource template variable");
  if (!dashboard.uid) problems.push("dashboard has no uid");
  return problems;
}

export function loadDashboard() {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, DASHBOARD), "utf8"));
}

export function collectQueries({ rateInterval = "5m" } = {}) {
  const queries = [];
  for (const p of panelsOf(loadDashboard())) {
    if (p.type === "row") continue;
    for (const t of p.targets ?? []) {
      queries.push({ source: "panel", name: `${p.title} [${t.refId}]`, panelId: p.id, refId: t.refId,
        expr: substituteGrafanaVariables(t.expr, rateInterval) });
    }
  }
  const rules = YAML.parse(fs.readFileSync(path.join(repoRoot, ALERTS), "utf8"));
  for (const g of rules.groups) {
    for (const r of g.rules) {
      if (r.alert) queries.push({ source: "alert", name: r.alert, expr: r.expr.trim() });
    }
  }
  return queries;
}

const PROMQL_KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
  "and", "or", "unless", "atan2", "inf", "nan", "start", "end"]);

// Metric names a PromQL expression selects (a small tokenizer, not a full parser: it drops string
// literals, label matchers, grouping label lists, range/subquery brackets, numbers and function calls).
export function metricNames(expr) {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  s = s.replace(/\{[^}]*\}/g, " ");
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  s = s.replace(/\[[^\]]*\]/g, " ");
  const names = new Set();
  const re = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  let m;
  while ((m = re.exec(s))) {
    const word = m[0];
    const rest = s.slice(re.lastIndex);
    if (/^\s*\(/.test(rest)) continue;                 // function call
    if (PROMQL_KEYWORDS.has(word.toLowerCase())) continue;
    const before = s.slice(0, m.index);
    if (/[0-9.]$/.test(before) || /^[eE]$/.test(word)) continue;  // part of a number like 1e3
    names.add(word);
  }
  return [...names];
}

// The contract name of a metric: Prometheus histogram/summary/timer series map to their family.
export function familyOf(name) {
  return name.replace(/_(bucket|count|sum|max)$/, "");
}

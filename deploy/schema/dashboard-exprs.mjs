// Checks the Grafana dashboard's structure and writes every panel query as a recording rule, so that
// `promtool check rules <out>` parses each PromQL expression with Prometheus's own parser.
//   node dashboard-exprs.mjs <out-rules.yml>
import fs from "node:fs";
import YAML from "yaml";
import { collectQueries, dashboardProblems, loadDashboard } from "./queries.mjs";

const out = process.argv[2];
if (!out) { console.error("usage: dashboard-exprs.mjs <out-rules.yml>"); process.exit(2); }
const problems = dashboardProblems(loadDashboard());
for (const p of problems) console.log(`FAIL dashboard: ${p}`);
const panels = collectQueries().filter((q) => q.source === "panel");
const rules = panels.map((q) => ({ record: `ist_dashboard:panel_${q.panelId}_${q.refId}`, expr: q.expr }));
fs.writeFileSync(out, YAML.stringify({ groups: [{ name: "ist-dashboard-exprs", rules }] }, { lineWidth: 0 }));
console.log(`${problems.length ? "FAIL" : "ok  "} dashboard: ${panels.length} queries in ${new Set(panels.map((q) => q.panelId)).size} panels written to ${out}`);
process.exit(problems.length ? 1 : 0);

// Checks that the deployment stays inside the metric contract and that every alert is complete:
//  - every metric a dashboard panel or alert selects is named in deploy/METRICS.md;
//  - every alert has severity, summary, runbook and runbook_url, and a promtool test where it fires.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { collectQueries, metricNames, familyOf, repoRoot, ALERTS } from "./queries.mjs";

const problems = [];
const contract = fs.readFileSync(path.join(repoRoot, "deploy/METRICS.md"), "utf8");
const queries = collectQueries();
const used = new Set(queries.flatMap((q) => metricNames(q.expr)));
for (const name of [...used].sort()) {
  if (name === "up") continue; // Prometheus's own per-target series
  if (!contract.includes(name) && !contract.includes(familyOf(name))) problems.push(`metric ${name} is used but not in deploy/METRICS.md`);
}
const rules = YAML.parse(fs.readFileSync(path.join(repoRoot, ALERTS), "utf8"));
const tests = YAML.parse(fs.readFileSync(path.join(repoRoot, "deploy/prometheus/ist-alerts.test.yml"), "utf8"));
const firing = new Set(tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => (a.exp_alerts ?? []).length).map((a) => a.alertname)));
const quiet = new Set(tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => !(a.exp_alerts ?? []).length).map((a) => a.alertname)));
let alerts = 0;
for (const g of rules.groups) for (const r of g.rules) {
  if (!r.alert) continue;
  alerts++;
  if (!r.labels?.severity) problems.push(`alert ${r.alert} has no severity label`);
  for (const a of ["summary", "description", "runbook", "runbook_url"]) if (!r.annotations?.[a]) problems.push(`alert ${r.alert} has no ${a} annotation`);
  if (!firing.has(r.alert)) problems.push(`alert ${r.alert} has no promtool test where it fires`);
  if (!quiet.has(r.alert)) problems.push(`alert ${r.alert} has no promtool test where it stays quiet`);
}
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`${problems.length ? "FAIL" : "ok  "} contract: ${used.size} metrics used by ${queries.length} queries; ${alerts} alerts, each with runbook and firing/quiet tests`);
process.exit(problems.length ? 1 : 0);

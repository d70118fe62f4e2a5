// Writes the PrometheusRule for Kubernetes from the one canonical rules file.
//   node deploy/schema/gen-prometheusrule.mjs > k8s/base/monitoring/prometheusrule.yaml
// deploy/check.sh regenerates it and fails when the committed file differs.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const source = "deploy/prometheus/ist-alerts.yml";
const rules = YAML.parse(fs.readFileSync(path.join(root, source), "utf8"));
const rule = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  metadata: { name: "ist-alerts", labels: { "app.kubernetes.io/name": "ist-alerts", role: "alert-rules" } },
  spec: { groups: rules.groups },
};
process.stdout.write(
  `# GENERATED from ${source} by deploy/schema/gen-prometheusrule.mjs: do not edit.\n` +
  YAML.stringify(rule, { lineWidth: 0 }));

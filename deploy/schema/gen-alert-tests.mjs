// Writes deploy/prometheus/ist-alerts.test.yml (promtool unit tests) from the cases below.
//   node deploy/schema/gen-alert-tests.mjs          (deploy/check.sh fails when the file is stale)
// The cases (input series, when each alert fires or stays quiet, the rendered summary) live here;
// the static annotations (description, runbook, runbook_url) are copied from ist-alerts.yml, because
// promtool compares annotations exactly and the runbooks would otherwise be written twice.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const rules = YAML.parse(fs.readFileSync(path.join(root, "deploy/prometheus/ist-alerts.yml"), "utf8"));
const byName = {};
for (const g of rules.groups) for (const r of g.rules) byName[r.alert] = r;
const ann = (name, summary) => {
  const a = { ...byName[name].annotations, summary };
  return Object.fromEntries(Object.keys(a).sort().map(k => [k, a[k]]));
};
const fire = (name, t, summary, labels = {}) => ({ eval_time: t, alertname: name,
  exp_alerts: [{ exp_labels: { severity: byName[name].labels.severity, ...labels }, exp_annotations: ann(name, summary) }] });
const quiet = (name, t) => ({ eval_time: t, alertname: name, exp_alerts: [] });
const s = (series, values) => ({ series, values });
const W = 'job="ist-worker", instance="w1:9400"';
const G = 'job="ist-gateway", instance="gw:8080"';
const tests = [
  { name: "IstNoWorkerWhileJobsWait fires when jobs are queued for 10 minutes and the only worker is down", interval: "1m",
    input_series: [s(`ist_gateway_jobs{${G}, state="queued"}`, "3x30"), s(`ist_gateway_jobs{${G}, state="running"}`, "0x30"), s(`up{${W}}`, "0x30")],
    alert_rule_test: [quiet("IstNoWorkerWhileJobsWait", "5m"), fire("IstNoWorkerWhileJobsWait", "15m", "3 job(s) queued and no IST worker is up")] },
  { name: "IstNoWorkerWhileJobsWait fires when there is no worker target at all (scaled to zero)", interval: "1m",
    input_series: [s(`ist_gateway_jobs{${G}, state="queued"}`, "2x30")],
    alert_rule_test: [fire("IstNoWorkerWhileJobsWait", "20m", "2 job(s) queued and no IST worker is up")] },
  { name: "IstNoWorkerWhileJobsWait stays quiet while a worker is up, and when nothing is queued", interval: "1m",
    input_series: [s(`ist_gateway_jobs{${G}, state="queued"}`, "3x20 0x20"), s(`up{${W}}`, "1x20 0x20")],
    alert_rule_test: [quiet("IstNoWorkerWhileJobsWait", "15m"), quiet("IstNoWorkerWhileJobsWait", "38m")] },

  { name: "IstConsumerLagGrowing fires when queued jobs keep rising for 10 minutes", interval: "1m",
    input_series: [s(`ist_gateway_jobs{${G}, state="queued"}`, "0+1x40")],
    alert_rule_test: [quiet("IstConsumerLagGrowing", "8m"), fire("IstConsumerLagGrowing", "25m", "IST job backlog has been growing for 10 minutes (now 25)")] },
  { name: "IstConsumerLagGrowing fires on the workers' Kafka consumer lag alone", interval: "1m",
    input_series: [s(`kafka_consumer_fetch_manager_records_lag_max{${W}, client_id="c1"}`, "0+2x40"), s(`ist_gateway_jobs{${G}, state="queued"}`, "0x40")],
    alert_rule_test: [fire("IstConsumerLagGrowing", "30m", "IST job backlog has been growing for 10 minutes (now 60)")] },
  { name: "IstConsumerLagGrowing stays quiet on a steady or shrinking backlog", interval: "1m",
    input_series: [s(`ist_gateway_jobs{${G}, state="queued"}`, "5x40"), s(`kafka_consumer_fetch_manager_records_lag_max{${W}, client_id="c1"}`, "40-1x40")],
    alert_rule_test: [quiet("IstConsumerLagGrowing", "25m"), quiet("IstConsumerLagGrowing", "39m")] },

  { name: "IstJobFailureRatioHigh fires when half the finished jobs fail", interval: "1m",
    input_series: [s(`ist_worker_jobs_total{${W}, outcome="failed", error_code="INPUT_CORRUPT"}`, "0+1x40"),
                   s(`ist_worker_jobs_total{${W}, outcome="succeeded", error_code="none"}`, "0+1x40")],
    alert_rule_test: [fire("IstJobFailureRatioHigh", "25m", "50% of IST jobs failed in the last 15 minutes")] },
  { name: "IstJobFailureRatioHigh stays quiet below 20% and on too few jobs", interval: "1m",
    input_series: [s(`ist_worker_jobs_total{${W}, outcome="failed", error_code="INPUT_CORRUPT"}`, "0+1x40"),
                   s(`ist_worker_jobs_total{${W}, outcome="succeeded", error_code="none"}`, "0+9x40"),
                   s(`ist_worker_jobs_total{instance="w2:9400", job="ist-worker", outcome="failed", error_code="ENGINE"}`, "_x40 0 1 2 3")],
    alert_rule_test: [quiet("IstJobFailureRatioHigh", "30m")] },
  { name: "IstJobFailureRatioHigh needs at least 5 finished jobs", interval: "1m",
    input_series: [s(`ist_worker_jobs_total{${W}, outcome="failed", error_code="INPUT_CORRUPT"}`, "0+0.1x40")],
    alert_rule_test: [quiet("IstJobFailureRatioHigh", "30m")] },

  { name: "IstQueueWaitP95High fires when most jobs wait 10 to 30 minutes", interval: "1m",
    input_series: [
      s(`ist_worker_queue_wait_seconds_bucket{${W}, le="60"}`, "0+0x40"),
      s(`ist_worker_queue_wait_seconds_bucket{${W}, le="600"}`, "0+0x40"),
      s(`ist_worker_queue_wait_seconds_bucket{${W}, le="1800"}`, "0+1x40"),
      s(`ist_worker_queue_wait_seconds_bucket{${W}, le="+Inf"}`, "0+1x40")],
    alert_rule_test: [quiet("IstQueueWaitP95High", "5m"), fire("IstQueueWaitP95High", "30m", "p95 IST queue wait is 28m 59s")] },
  { name: "IstQueueWaitP95High stays quiet when jobs start within a minute", interval: "1m",
    input_series: [
      s(`ist_worker_queue_wait_seconds_bucket{${W}, le="60"}`, "0+1x40"),
      s(`ist_worker_queue_wait_seconds_bucket{${W}, le="600"}`, "0+1x40"),
      s(`ist_worker_queue_wait_seconds_bucket{${W}, le="1800"}`, "0+1x40"),
      s(`ist_worker_queue_wait_seconds_bucket{${W}, le="+Inf"}`, "0+1x40")],
    alert_rule_test: [quiet("IstQueueWaitP95High", "30m")] },

  { name: "IstDeadLetters fires when the dead-letter counter grows", interval: "1m",
    input_series: [s(`ist_worker_dlq_messages_total{${W}, reason="undecodable"}`, "0x10 1x30")],
    alert_rule_test: [quiet("IstDeadLetters", "9m"), fire("IstDeadLetters", "12m", "Requests were dead-lettered to ist.jobs.dlq in the last 15 minutes"), quiet("IstDeadLetters", "35m")] },
  { name: "IstDeadLetters fires on a dead-letter series that appears already at 1", interval: "1m",
    input_series: [s(`ist_worker_dlq_messages_total{${W}, reason="undecodable"}`, "_x20 1x20")],
    alert_rule_test: [quiet("IstDeadLetters", "19m"), fire("IstDeadLetters", "25m", "Requests were dead-lettered to ist.jobs.dlq in the last 15 minutes")] },
  { name: "IstDeadLetters stays quiet on counters registered at zero", interval: "1m",
    input_series: [s(`ist_worker_dlq_messages_total{${W}, reason="undecodable"}`, "_x5 0x30")],
    alert_rule_test: [quiet("IstDeadLetters", "10m"), quiet("IstDeadLetters", "30m")] },

  { name: "IstGateway5xxHigh fires when one response in six is a 500", interval: "1m",
    input_series: [s(`http_server_requests_seconds_count{${G}, method="POST", uri="/api/v1/jobs", status="500", outcome="SERVER_ERROR"}`, "0+60x30"),
                   s(`http_server_requests_seconds_count{${G}, method="POST", uri="/api/v1/jobs", status="202", outcome="SUCCESS"}`, "0+300x30")],
    alert_rule_test: [quiet("IstGateway5xxHigh", "3m"), fire("IstGateway5xxHigh", "15m", "16.67% of gateway responses are 5xx")] },
  { name: "IstGateway5xxHigh stays quiet at 1% errors, and ignores 4xx", interval: "1m",
    input_series: [s(`http_server_requests_seconds_count{${G}, method="POST", uri="/api/v1/jobs", status="500", outcome="SERVER_ERROR"}`, "0+1x30"),
                   s(`http_server_requests_seconds_count{${G}, method="POST", uri="/api/v1/jobs", status="413", outcome="CLIENT_ERROR"}`, "0+500x30"),
                   s(`http_server_requests_seconds_count{${G}, method="POST", uri="/api/v1/jobs", status="202", outcome="SUCCESS"}`, "0+99x30")],
    alert_rule_test: [quiet("IstGateway5xxHigh", "20m")] },
  { name: "IstGateway5xxHigh stays quiet on a trickle of traffic", interval: "1m",
    input_series: [s(`http_server_requests_seconds_count{${G}, method="GET", uri="/api/v1/jobs/{id}", status="500", outcome="SERVER_ERROR"}`, "0+1x30")],
    alert_rule_test: [quiet("IstGateway5xxHigh", "20m")] },

  { name: "IstGatewayDown fires when the gateway target is down for 5 minutes", interval: "1m",
    input_series: [s(`up{${G}}`, "1x5 0x20")],
    alert_rule_test: [quiet("IstGatewayDown", "8m"), fire("IstGatewayDown", "15m", "No IST gateway instance is up")] },
  { name: "IstGatewayDown fires when there is no gateway target at all", interval: "1m",
    input_series: [s(`up{${W}}`, "1x20")],
    alert_rule_test: [fire("IstGatewayDown", "10m", "No IST gateway instance is up")] },
  { name: "IstGatewayDown stays quiet while one of two gateways is up", interval: "1m",
    input_series: [s(`up{${G}}`, "1x20"), s(`up{job="ist-gateway", instance="gw2:8080"}`, "0x20")],
    alert_rule_test: [quiet("IstGatewayDown", "15m")] },

  { name: "IstProjectorLagHigh fires when the gateways together stay more than 1000 records behind for 10 minutes", interval: "1m",
    input_series: [s(`ist_projector_lag_records{${G}}`, "600x30"), s(`ist_projector_lag_records{job="ist-gateway", instance="gw2:8080"}`, "700x30")],
    alert_rule_test: [quiet("IstProjectorLagHigh", "5m"), fire("IstProjectorLagHigh", "15m", "The job-store projector is 1300 records behind Kafka")] },
  { name: "IstProjectorLagHigh stays quiet on a short burst and on a steady small lag", interval: "1m",
    input_series: [s(`ist_projector_lag_records{${G}}`, "5000x5 0x5 900x30")],
    alert_rule_test: [quiet("IstProjectorLagHigh", "4m"), quiet("IstProjectorLagHigh", "8m"), quiet("IstProjectorLagHigh", "30m")] },

  { name: "IstJobStoreNotReady fires when a projector has records waiting and applies none for 5 minutes, and clears when it resumes", interval: "1m",
    input_series: [s(`ist_projector_lag_records{${G}}`, "40x30"), s(`ist_projector_records_applied_total{${G}}`, "100x12 100+50x20")],
    alert_rule_test: [quiet("IstJobStoreNotReady", "3m"), fire("IstJobStoreNotReady", "9m", "Gateway gw:8080 cannot write the job store: 40 records waiting, none applied in 5 minutes", { instance: "gw:8080" }),
      quiet("IstJobStoreNotReady", "25m")] },
  { name: "IstJobStoreNotReady watches each gateway: one stalled replica fires while the other applies", interval: "1m",
    input_series: [s(`ist_projector_lag_records{${G}}`, "7x30"), s(`ist_projector_records_applied_total{${G}}`, "10x30"),
                   s(`ist_projector_lag_records{job="ist-gateway", instance="gw2:8080"}`, "30x30"), s(`ist_projector_records_applied_total{job="ist-gateway", instance="gw2:8080"}`, "0+40x30")],
    alert_rule_test: [fire("IstJobStoreNotReady", "15m", "Gateway gw:8080 cannot write the job store: 7 records waiting, none applied in 5 minutes", { instance: "gw:8080" })] },
  { name: "IstJobStoreNotReady stays quiet while records are applied or skipped, and when nothing waits", interval: "1m",
    input_series: [s(`ist_projector_lag_records{${G}}`, "40x30"), s(`ist_projector_records_applied_total{${G}}`, "100x30"),
                   s(`ist_projector_records_skipped_total{${G}, reason="undecodable"}`, "0+5x30"),
                   s(`ist_projector_lag_records{job="ist-gateway", instance="gw2:8080"}`, "0x30"), s(`ist_projector_records_applied_total{job="ist-gateway", instance="gw2:8080"}`, "5x30")],
    alert_rule_test: [quiet("IstJobStoreNotReady", "12m"), quiet("IstJobStoreNotReady", "25m")] },
];
const covered = new Set(tests.flatMap(t => t.alert_rule_test.filter(a => a.exp_alerts.length).map(a => a.alertname)));
for (const n of Object.keys(byName)) if (!covered.has(n)) throw new Error("no firing test for " + n);
const doc = { rule_files: ["ist-alerts.yml"], evaluation_interval: "1m", tests };
const head = "# promtool test rules deploy/prometheus/ist-alerts.test.yml\n# Every alert in ist-alerts.yml fires in at least one case and stays quiet in another.\n# GENERATED by deploy/schema/gen-alert-tests.mjs (edit the cases there, then run it).\n";
const target = path.join(root, "deploy/prometheus/ist-alerts.test.yml");
const text = head + YAML.stringify(doc, { lineWidth: 0 });
if (process.argv.includes("--check")) {
  if (fs.readFileSync(target, "utf8") !== text) { console.log("FAIL deploy/prometheus/ist-alerts.test.yml is stale: run node deploy/schema/gen-alert-tests.mjs"); process.exit(1); }
  console.log("ok   deploy/prometheus/ist-alerts.test.yml matches gen-alert-tests.mjs");
} else {
  fs.writeFileSync(target, text);
}

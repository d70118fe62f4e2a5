// Tests of the checkers themselves: each must reject a known-bad input, or a passing check.sh
// would prove nothing. Run by deploy/check.sh:  node selftest.mjs <rendered-cpu-overlay.yaml>
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { metricNames } from "./queries.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ist-selftest-"));
const run = (script, ...args) => spawnSync(process.execPath, [path.join(here, script), ...args], { encoding: "utf8" });
let passed = 0;
const test = (name, fn) => { fn(); passed++; console.log(`ok   ${name}`); };

try {
  test("metricNames finds selectors, not functions, labels, keywords or durations", () => {
    assert.deepEqual(metricNames('sum by (le, instance) (rate(foo_bucket{job="x", le!="1"}[5m])) > 0.5').sort(), ["foo_bucket"]);
    assert.deepEqual(metricNames('(sum(a{s="q"}) > 0) unless on() (sum(up{job="w"}) > 0)').sort(), ["a", "up"]);
    assert.deepEqual(metricNames("deriv(sum(lag_max)[10m:1m]) > 1e3 and b offset 15m or vector(0)").sort(), ["b", "lag_max"]);
    assert.deepEqual(metricNames('histogram_quantile(0.95, sum without (pod) (rate(x_seconds_bucket[$__rate_interval])))'), ["x_seconds_bucket"]);
  });

  test("Dockerfile lint rejects root, missing HEALTHCHECK, bad syntax and unknown stages", () => {
    const f = path.join(tmp, "bad.Dockerfile");
    fs.writeFileSync(f, 'FROM debian:12 AS base\nRUNN true\nFROM base\nCOPY --from=nowhere /a /b\nUSER root\nEXPOSE 1\nCMD ["x"]\n');
    const r = run("lint-dockerfiles.mjs", f);
    assert.equal(r.status, 1, r.stdout);
    for (const m of ["Unknown instruction: RUNN", "USER root is root", "no HEALTHCHECK", "COPY --from=nowhere", "MaxRAMPercentage"]) assert.match(r.stdout, new RegExp(m));
  });

  test("compose job-store check rejects a floating image, a published port, no health wait and a worker with DB credentials", () => {
    const bad = "services:\n  postgres:\n    image: postgres:latest\n    ports: ['5432:5432']\n"
      + "    environment: {POSTGRES_USER: ist, POSTGRES_PASSWORD: s, POSTGRES_DB: ist}\n"
      + "    healthcheck: {test: [CMD, 'true']}\n    volumes: ['./pg:/var/lib/postgresql/data']\n"
      + "  gateway:\n    environment: {IST_DB_URL: 'jdbc:postgresql://db:5432/ist', IST_DB_USER: ist, IST_DB_PASSWORD: s}\n"
      + "  worker:\n    environment: {IST_DB_PASSWORD: s}\n";
    const r = spawnSync(process.execPath, [path.join(here, "compose-jobstore.mjs")], { input: bad, encoding: "utf8" });
    assert.equal(r.status, 1, r.stdout);
    for (const m of ["not the official postgres image with a pinned major", "published on the host", "pg_isready",
      "not on a named volume", "does not depend on postgres being healthy", "does not point at the postgres service",
      "worker: has IST_DB_PASSWORD", "IST_DB_MIGRATION_USER is not set", "logs in as postgres's superuser",
      "no /docker-entrypoint-initdb.d script"]) assert.match(r.stdout, new RegExp(m));
  });

  test("compose least-privilege check rejects an open broker, ACLs off the README table, a shared S3 user and a password in a client file", () => {
    const acls = path.join(tmp, "acls.sh");
    fs.writeFileSync(acls, "acl ist-gateway Write,Read,Describe topic:ist.jobs*\nacl ist-worker Write topic:ist.jobs*\n");
    const client = path.join(tmp, "client.properties");
    fs.writeFileSync(client, 'security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=x required username="ist-gateway" password="hunter22";\n');
    const bad = "services:\n  minio:\n    environment: {MINIO_ROOT_USER: root}\n"
      + "  kafka-sasl:\n    ports: ['9092:9092']\n    environment: {KAFKA_LISTENERS: 'SASL_PLAINTEXT://:9092,CONTROLLER://:9093', "
      + "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT', KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER, "
      + "KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: 'true', KAFKA_SASL_ENABLED_MECHANISMS: SCRAM-SHA-512, KAFKA_AUTHORIZER_CLASS_NAME: x.StandardAuthorizer}\n"
      + "  gateway:\n    environment: {IST_S3_ACCESS_KEY: root}\n  worker:\n    environment: {IST_S3_ACCESS_KEY: root}\n"
      + `  gateway-sasl:\n    environment: {IST_KAFKA_BOOTSTRAP_SERVERS: 'kafka-sasl:9092', IST_KAFKA_CLIENT_CONFIG: /c}\n    volumes: ['${client}:/c:ro']\n`
      + "  worker-sasl:\n    environment: {IST_KAFKA_BOOTSTRAP_SERVERS: 'kafka:9092'}\n";
    const r = spawnSync(process.execPath, [path.join(here, "compose-kafka-sasl.mjs"), acls], { input: bad, encoding: "utf8" });
    assert.equal(r.status, 1, r.stdout);
    for (const m of ["controller listener CONTROLLER://:9093 must bind to loopback", "allow.everyone.if.no.acl.found must be false",
      "kafka-sasl: published on the host", "ist-gateway: missing READ on topic ist.events", "ist-worker: WRITE on topic ist.jobs\\* is not in the README ACL table",
      "gateway-sasl: its client file holds a password", "worker-sasl: IST_KAFKA_BOOTSTRAP_SERVERS is not kafka-sasl:9092",
      "gateway: uses MinIO's root user", "gateway and workers share one S3 user"]) assert.match(r.stdout, new RegExp(m));
  });

  test("S3 policy check rejects a wildcard, a missing prefix and a worker that may write inputs", () => {
    const dir = path.join(tmp, "minio"); const src = path.join(tmp, "src", "common", "src", "main", "java");
    fs.mkdirSync(dir, { recursive: true }); fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, "Keys.java"), 'class K { static final String INPUTS_PREFIX = "inputs/sha256/"; static final String NEW_PREFIX = "thumbnails/"; }');
    const stmt = (actions, ...prefixes) => ({ Effect: "Allow", Action: actions, Resource: prefixes.map((p) => `arn:aws:s3:::BUCKET/${p}*`) });
    fs.writeFileSync(path.join(dir, "ist-gateway-policy.json"), JSON.stringify({ Statement: [stmt(["s3:*"], "inputs/sha256/", "jobs/")] }));
    fs.writeFileSync(path.join(dir, "ist-worker-policy.json"), JSON.stringify({ Statement: [stmt(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "inputs/sha256/", "jobs/", "models/")] }));
    const r = run("s3-policies.mjs", dir, path.join(tmp, "src"));
    assert.equal(r.status, 1, r.stdout);
    for (const m of ["gateway: statement \\? grants a wildcard action s3:\\*", "key prefix thumbnails/ .* is in no component's policy",
      "worker: must not have s3:PutObject on inputs/sha256/", "worker: must not have s3:PutObject on models/"]) assert.match(r.stdout, new RegExp(m));
  });

  const rendered = process.argv[2];
  if (rendered) {
    test("manifest validation rejects wrong types, inlined Secrets, unknown kinds and a KEDA ceiling off the partitions", () => {
      const bad = fs.readFileSync(rendered, "utf8")
        .replace("containerPort: 9400", 'containerPort: "9400"')
        .replace("maxReplicaCount: 12", "maxReplicaCount: 20")
        .replace("kraftMetadata: shared", "kraftMetadta: shared")
        + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\nstringData:\n  k: v\n"
        + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n";
      const f = path.join(tmp, "bad.yaml");
      fs.writeFileSync(f, bad);
      const r = run("validate-manifests.mjs", f);
      assert.equal(r.status, 1, r.stdout);
      for (const m of ["containerPort must be integer", "maxReplicaCount 20 != partitions", "unknown field kraftMetadta",
        "Secret leaked is inlined", "no schema for example.com/v1 Widget"]) assert.match(r.stdout, new RegExp(m));
    });
  }
  if (rendered) {
    test("manifest validation rejects a bad job-store Cluster, a URL off its -rw Service, wrong credentials and open ingress", () => {
      const bad = fs.readFileSync(rendered, "utf8")
        .replace('max_connections: "200"', "max_connections: 200")
        .replace("primaryUpdateStrategy: unsupervised", "primaryUpdateStrategy: automatic")
        .replace("  walStorage:", "  walStorag:")
        .replace("IST_DB_URL: jdbc:postgresql://ist-jobstore-rw:5432/ist", "IST_DB_URL: jdbc:postgresql://ist-jobstore-ro:5432/ist")
        .replace(/key: username(\n\s+name: ist-jobstore-app)/, "key: user$1")
        .replace(/key: password(\n\s+name: )ist-jobstore-gateway/, "key: password$1ist-jobstore-app")
        .replace("superuser: false", "superuser: true")
        + "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: workers-to-db\nspec:\n"
        + "  podSelector:\n    matchLabels:\n      cnpg.io/cluster: ist-jobstore\n  ingress:\n    - from:\n"
        + "        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: ist-worker\n      ports:\n        - port: 5432\n";
      const f = path.join(tmp, "bad-jobstore.yaml");
      fs.writeFileSync(f, bad);
      const r = run("validate-manifests.mjs", f);
      assert.equal(r.status, 1, r.stdout);
      for (const m of ["parameters/max_connections: must be a string", "primaryUpdateStrategy: must be one of unsupervised, supervised",
        "unknown field walStorag", "IST_DB_URL host ist-jobstore-ro is no Cluster's -rw Service",
        "IST_DB_MIGRATION_USER must come from Secret ist-jobstore-app key username",
        "IST_DB_PASSWORD must come from key password of a managed login role's passwordSecret",
        "managed role ist_gateway has superuser",
        "NetworkPolicy/workers-to-db: lets .*ist-worker.* reach the job store's 5432"]) assert.match(r.stdout, new RegExp(m));
    });
  }
  const pooled = process.argv[3];
  if (pooled) {
    test("manifest validation rejects a pool's ScaledObject on the wrong group or lanes, and drifted config", () => {
      const bad = fs.readFileSync(pooled, "utf8")
        .replace("consumerGroup: ist-workers-large", "consumerGroup: ist-workers")
        .replace("topic: ist.jobs.pool.large.low", "topic: ist.jobs.low")
        .replace("value: http://ist-minio:9000", "value: http://elsewhere:9000");
      const f = path.join(tmp, "bad-pool.yaml");
      fs.writeFileSync(f, bad);
      const r = run("validate-manifests.mjs", f);
      assert.equal(r.status, 1, r.stdout);
      for (const m of ["ScaledObject/ist-worker-large: consumerGroup must be ist-workers-large",
        "ScaledObject/ist-worker-large: no kafka trigger for lane topic ist.jobs.pool.large.low",
        "Deployment/ist-worker-large: env IST_S3_ENDPOINT=http://elsewhere:9000 differs from ist-config"]) assert.match(r.stdout, new RegExp(m));
    });
  }
  if (pooled) {
    test("manifest validation rejects ACLs off the README table, a borrowed KafkaUser, a plain listener and a secret in a ConfigMap", () => {
      const docs = YAML.parseAllDocuments(fs.readFileSync(pooled, "utf8")).map((d) => d.toJS()).filter(Boolean);
      const find = (kind, name) => docs.find((o) => o.kind === kind && o.metadata.name === name);
      find("KafkaUser", "ist-gateway").spec.authorization.acls[0].operations = ["Read", "Describe"];
      find("KafkaUser", "ist-worker").spec.authorization.acls.push({ resource: { type: "topic", name: "ist.jobs", patternType: "prefix" }, operations: ["Write"] });
      find("KafkaUser", "ist-worker-large").spec.authorization.acls[1].resource.name = "ist-workers";
      find("KafkaUser", "ist-keda").spec.authorization.acls[0].operations = ["Read", "Describe"];
      find("Deployment", "ist-worker").spec.template.spec.volumes.find((v) => v.name === "kafka-user").secret.secretName = "ist-gateway";
      find("Kafka", "ist-kafka").spec.kafka.listeners[0].tls = false;
      const client = find("ConfigMap", "ist-kafka-client");
      client.data["client.properties"] = client.data["client.properties"].replace(/ssl.truststore.password=.*/, "ssl.truststore.password=hunter22");
      const f = path.join(tmp, "bad-kafka.yaml");
      fs.writeFileSync(f, docs.map((o) => YAML.stringify(o)).join("---\n"));
      const r = run("validate-manifests.mjs", f);
      assert.equal(r.status, 1, r.stdout);
      for (const m of ["KafkaUser/ist-gateway: missing WRITE on topic ist.jobs\\* \\(README ACL table\\)",
        "KafkaUser/ist-worker: WRITE on topic ist.jobs\\* is not in the README ACL table",
        "KafkaUser/ist-worker-large: missing READ on group ist-workers-large",
        "KafkaUser/ist-worker-large: READ on group ist-workers is not in the README ACL table",
        "KafkaUser/ist-keda: KEDA needs only DESCRIBE",
        "Deployment/ist-worker: must mount exactly its own KafkaUser Secret ist-worker",
        "Kafka/ist-kafka: listener tls is not TLS",
        "ConfigMap/ist-kafka-client: client.properties sets ssl.truststore.password inline"]) assert.match(r.stdout, new RegExp(m));
    });
  }
  console.log(`selftest: ${passed} passed`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

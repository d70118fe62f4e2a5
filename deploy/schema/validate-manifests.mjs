// Validates rendered Kubernetes manifests offline.
//   node validate-manifests.mjs [--expect-gpu] <rendered.yaml>...
// 1. Schema: every object goes through the typed model of its apiVersion/kind (npm kubernetes-models,
//    @kubernetes-models/keda, @kubernetes-models/prometheus-operator), which checks required fields and
//    types. Strimzi has no model package on npm (`npm view @kubernetes-models/strimzi`: 404), so its
//    Kafka, KafkaNodePool and KafkaTopic get the structural schema below (required fields, types, and
//    no unknown keys at the levels IST uses). Neither has CloudNativePG, so its Cluster (the job store) gets one
//    written from the postgresql.cnpg.io/v1 CRD the same way. An apiVersion/kind with no schema is an error.
// 2. Cross references the schemas cannot see: Secrets are referenced, never inlined; referenced
//    ConfigMaps exist; Service/monitor selectors and ports match pods; the worker's grace period covers
//    its checkpoint grace; KEDA's ceiling equals the partitions of its topic; gpu overlay requests GPUs; the
//    gateway's IST_DB_URL names a Cluster's -rw Service and database and its credentials come from that Cluster's
//    Secret; only gateway pods (and the cluster itself and its operator) may reach the job store; each component has
//    its own S3 user and only MinIO and its bucket Job see the root user.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { aclProblems, readAclTable } from "./kafka-acls.mjs";

const README = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "README.md");

const args = process.argv.slice(2);
const expectGpu = args.includes("--expect-gpu");
const files = args.filter((a) => !a.startsWith("--"));
if (!files.length) { console.error("usage: validate-manifests.mjs [--expect-gpu] <rendered.yaml>..."); process.exit(2); }

// Secrets created out of band; crossCheck adds those a CloudNativePG Cluster makes or names (see cnpgSecrets).
const REFERENCED_SECRETS = new Set(["ist-minio-root", "ist-s3-gateway", "ist-s3-worker", "ist-gateway-api-keys"]);
// The Secret holding a Cluster's application role: the bootstrap secret it names, or <name>-app that the operator makes.
const cnpgAppSecret = (c) => c.spec?.bootstrap?.initdb?.secret?.name ?? `${c.metadata.name}-app`;

function modulePath(apiVersion, kind) {
  if (apiVersion === "v1") return `kubernetes-models/v1/${kind}`;
  const [group, version] = apiVersion.split("/");
  if (group === "keda.sh") return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${kind}`;
  if (group.includes(".") && !group.endsWith(".k8s.io")) return null;
  return `kubernetes-models/${group}/${version}/${kind}`;
}

// ---- Strimzi structural schema (kafka.strimzi.io/v1beta2) ------------------------------------
const T = {
  str: { type: "string" }, int: { type: "integer" }, bool: { type: "boolean" },
  any: { type: "any" }, map: { type: "object", open: true },
};
const obj = (props, required = [], open = false) => ({ type: "object", props, required, open });
const arr = (items) => ({ type: "array", items });
const enumOf = (...values) => ({ type: "string", enum: values });
const resources = obj({ requests: T.map, limits: T.map });
const volume = obj({ id: T.int, type: enumOf("ephemeral", "persistent-claim"), size: T.str, class: T.str,
  deleteClaim: T.bool, kraftMetadata: enumOf("shared"), selector: T.map, sizeLimit: T.str }, ["type"]);
const storage = obj({ type: enumOf("ephemeral", "persistent-claim", "jbod"), volumes: arr(volume), size: T.str,
  class: T.str, deleteClaim: T.bool }, ["type"]);
const listener = obj({ name: T.str, port: T.int, type: enumOf("internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"),
  tls: T.bool, authentication: T.map, configuration: T.map, networkPolicyPeers: arr(T.map) }, ["name", "port", "type", "tls"]);
const metadata = obj({ name: T.str, namespace: T.str, labels: T.map, annotations: T.map }, ["name"]);
const STRIMZI = {
  Kafka: obj({ apiVersion: T.str, kind: T.str, metadata, spec: obj({
    kafka: obj({ version: T.str, metadataVersion: T.str, replicas: T.int, listeners: arr(listener), config: T.map,
      storage, resources, authorization: T.map, rack: T.map, metricsConfig: T.map, template: T.map, logging: T.map,
      jvmOptions: T.map }, ["listeners"]),
    entityOperator: obj({ topicOperator: T.map, userOperator: T.map, template: T.map }),
    cruiseControl: T.map, kafkaExporter: T.map, clientsCa: T.map, clusterCa: T.map,
  }, ["kafka"]) }, ["apiVersion", "kind", "metadata", "spec"]),
  KafkaNodePool: obj({ apiVersion: T.str, kind: T.str, metadata, spec: obj({
    replicas: T.int, roles: arr(enumOf("controller", "broker")), storage, resources, jvmOptions: T.map, template: T.map,
  }, ["replicas", "roles", "storage"]) }, ["apiVersion", "kind", "metadata", "spec"]),
  KafkaTopic: obj({ apiVersion: T.str, kind: T.str, metadata, spec: obj({
    topicName: T.str, partitions: T.int, replicas: T.int, config: T.map,
  }, ["partitions", "replicas"]) }, ["apiVersion", "kind", "metadata", "spec"]),
  KafkaUser: obj({ apiVersion: T.str, kind: T.str, metadata, spec: obj({
    authentication: obj({ type: enumOf("tls", "tls-external", "scram-sha-512"), password: T.map }, ["type"]),
    authorization: obj({ type: enumOf("simple"), acls: arr(obj({
      resource: obj({ type: enumOf("topic", "group", "cluster", "transactionalId"), name: T.str,
        patternType: enumOf("literal", "prefix") }, ["type"]),
      type: enumOf("allow", "deny"), host: T.str,
      operations: arr(enumOf("Read", "Write", "Create", "Delete", "Alter", "Describe", "ClusterAction", "AlterConfigs",
        "DescribeConfigs", "IdempotentWrite", "All")),
    }, ["resource", "operations"])) }, ["type"]),
    quotas: T.map, template: T.map,
  }, ["authentication"]) }, ["apiVersion", "kind", "metadata", "spec"]),
};

// ---- CloudNativePG structural schema (postgresql.cnpg.io/v1 Cluster) -------------------------
// From the Cluster CRD: instances is required; PostgreSQL parameters are a map of STRINGS (an unquoted number is
// refused by the API server); enums as in the CRD. Only the levels IST uses are closed to unknown fields.
const strMap = { type: "object", values: { type: "string" } };
const cnpgStorage = obj({ size: T.str, storageClass: T.str, resizeInUseVolumes: T.bool, pvcTemplate: T.map });
const CNPG = {
  Cluster: obj({ apiVersion: T.str, kind: T.str, metadata, spec: obj({
    description: T.str, instances: T.int, imageName: T.str, imageCatalogRef: T.map, imagePullPolicy: enumOf("Always", "IfNotPresent", "Never"),
    primaryUpdateStrategy: enumOf("unsupervised", "supervised"), primaryUpdateMethod: enumOf("switchover", "restart"),
    enableSuperuserAccess: T.bool, superuserSecret: obj({ name: T.str }, ["name"]), enablePDB: T.bool,
    minSyncReplicas: T.int, maxSyncReplicas: T.int, startDelay: T.int, stopDelay: T.int, smartShutdownTimeout: T.int,
    switchoverDelay: T.int, failoverDelay: T.int, logLevel: enumOf("error", "warning", "info", "debug", "trace"),
    bootstrap: obj({
      initdb: obj({ database: T.str, owner: T.str, secret: obj({ name: T.str }, ["name"]), encoding: T.str,
        localeCollate: T.str, localeCType: T.str, locale: T.str, localeProvider: T.str, dataChecksums: T.bool,
        walSegmentSize: T.int, postInitSQL: arr(T.str), postInitApplicationSQL: arr(T.str), postInitTemplateSQL: arr(T.str),
        import: T.map }),
      recovery: T.map, pg_basebackup: T.map }),
    postgresql: obj({ parameters: strMap, pg_hba: arr(T.str), pg_ident: arr(T.str), shared_preload_libraries: arr(T.str),
      syncReplicaElectionConstraint: T.map, synchronous: T.map, ldap: T.map, promotionTimeout: T.int, extensions: arr(T.map) }),
    storage: cnpgStorage, walStorage: cnpgStorage, tablespaces: arr(T.map),
    resources, affinity: obj({ enablePodAntiAffinity: T.bool, podAntiAffinityType: enumOf("preferred", "required"),
      topologyKey: T.str, nodeSelector: T.map, tolerations: arr(T.map), nodeAffinity: T.map,
      additionalPodAffinity: T.map, additionalPodAntiAffinity: T.map }),
    topologySpreadConstraints: arr(T.map), priorityClassName: T.str, schedulerName: T.str,
    monitoring: obj({ enablePodMonitor: T.bool, disableDefaultQueries: T.bool, customQueriesConfigMap: arr(T.map),
      customQueriesSecret: arr(T.map), podMonitorMetricRelabelings: arr(T.map), podMonitorRelabelings: arr(T.map), tls: T.map }),
    backup: T.map, managed: T.map, certificates: T.map, env: arr(T.map), envFrom: arr(T.map), inheritedMetadata: T.map,
    serviceAccountTemplate: T.map, projectedVolumeTemplate: T.map, ephemeralVolumeSource: T.map, ephemeralVolumesSizeLimit: T.map,
    probes: T.map, plugins: arr(T.map), replica: T.map, externalClusters: arr(T.map), seccompProfile: T.map,
  }, ["instances", "storage"]) }, ["apiVersion", "kind", "metadata", "spec"]),
};

function checkShape(schema, value, where, out) {
  if (schema.type === "any") return;
  if (schema.type === "object") {
    if (value === null || typeof value !== "object" || Array.isArray(value)) { out.push(`${where}: must be an object`); return; }
    if (schema.values) { for (const [k, v] of Object.entries(value)) checkShape(schema.values, v, `${where}/${k}`, out); return; }
    if (schema.open) return;
    for (const r of schema.required ?? []) if (!(r in value)) out.push(`${where}: missing required field ${r}`);
    for (const [k, v] of Object.entries(value)) {
      if (!schema.props[k]) out.push(`${where}: unknown field ${k}`);
      else checkShape(schema.props[k], v, `${where}/${k}`, out);
    }
  } else if (schema.type === "array") {
    if (!Array.isArray(value)) { out.push(`${where}: must be an array`); return; }
    value.forEach((v, i) => checkShape(schema.items, v, `${where}/${i}`, out));
  } else if (schema.type === "integer") {
    if (!Number.isInteger(value)) out.push(`${where}: must be an integer`);
  } else if (schema.type === "boolean") {
    if (typeof value !== "boolean") out.push(`${where}: must be a boolean`);
  } else if (schema.type === "string") {
    if (typeof value !== "string") out.push(`${where}: must be a string`);
    else if (schema.enum && !schema.enum.includes(value)) out.push(`${where}: must be one of ${schema.enum.join(", ")}`);
  }
}

// ---- cross-reference checks ------------------------------------------------------------------
function podSpecOf(o) {
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(o.kind)) return o.spec?.template;
  if (o.kind === "Job") return o.spec?.template;
  return null;
}
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const durationSeconds = (s) => { const m = /^(\d+)(ms|s|m|h)?$/.exec(String(s)); if (!m) return NaN;
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? "s"]); };

function crossCheck(objs, out) {
  const byKind = (k) => objs.filter((o) => o.kind === k);
  for (const c of byKind("Cluster")) REFERENCED_SECRETS.add(cnpgAppSecret(c));
  // Strimzi makes a Secret per KafkaUser (its name) and the cluster CA's truststore Secret
  for (const u of byKind("KafkaUser")) REFERENCED_SECRETS.add(u.metadata.name);
  for (const k of byKind("Kafka")) REFERENCED_SECRETS.add(`${k.metadata.name}-cluster-ca-cert`);
  for (const c of byKind("Cluster")) for (const r of c.spec.managed?.roles ?? []) if (r.passwordSecret?.name) REFERENCED_SECRETS.add(r.passwordSecret.name);
  const configMaps = new Set(byKind("ConfigMap").map((o) => o.metadata.name));
  for (const s of byKind("Secret")) out.push(`Secret ${s.metadata.name} is inlined in the manifests: reference an existing Secret instead`);
  const workloads = objs.filter(podSpecOf);
  for (const w of workloads) {
    const tpl = podSpecOf(w); const spec = tpl.spec ?? {}; const where = `${w.kind}/${w.metadata.name}`;
    const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    for (const c of containers) {
      for (const e of c.env ?? []) {
        const sk = e.valueFrom?.secretKeyRef; const ck = e.valueFrom?.configMapKeyRef;
        if (sk && !REFERENCED_SECRETS.has(sk.name)) out.push(`${where}: env ${e.name} references unknown Secret ${sk.name}`);
        if (ck && !configMaps.has(ck.name)) out.push(`${where}: env ${e.name} references missing ConfigMap ${ck.name}`);
        if (ck) { const cm = byKind("ConfigMap").find((m) => m.metadata.name === ck.name);
          if (cm && !(ck.key in (cm.data ?? {}))) out.push(`${where}: env ${e.name} references missing key ${ck.key} of ConfigMap ${ck.name}`); }
        if (/KEY|SECRET|PASSWORD|TOKEN/.test(e.name) && typeof e.value === "string" && !e.name.endsWith("_FILE"))
          out.push(`${where}: env ${e.name} has an inline value; secrets must come from a Secret`);
      }
      for (const ef of c.envFrom ?? []) {
        if (ef.configMapRef && !configMaps.has(ef.configMapRef.name)) out.push(`${where}: envFrom references missing ConfigMap ${ef.configMapRef.name}`);
        if (ef.secretRef && !REFERENCED_SECRETS.has(ef.secretRef.name)) out.push(`${where}: envFrom references unknown Secret ${ef.secretRef.name}`);
      }
      if (!c.resources?.requests) out.push(`${where}: container ${c.name} has no resource requests`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) out.push(`${where}: container ${c.name} does not set allowPrivilegeEscalation: false`);
      for (const p of ["livenessProbe", "readinessProbe", "startupProbe"]) {
        const port = c[p]?.httpGet?.port;
        if (typeof port === "string" && !(c.ports ?? []).some((cp) => cp.name === port)) out.push(`${where}: ${p} uses unknown port name ${port}`);
      }
    }
    for (const v of spec.volumes ?? []) {
      if (v.secret && !REFERENCED_SECRETS.has(v.secret.secretName)) out.push(`${where}: volume ${v.name} references unknown Secret ${v.secret.secretName}`);
      if (v.configMap && !configMaps.has(v.configMap.name)) out.push(`${where}: volume ${v.name} references missing ConfigMap ${v.configMap.name}`);
      if (v.persistentVolumeClaim && !byKind("PersistentVolumeClaim").some((p) => p.metadata.name === v.persistentVolumeClaim.claimName))
        out.push(`${where}: volume ${v.name} references missing PVC ${v.persistentVolumeClaim.claimName}`);
    }
    if (spec.securityContext?.runAsNonRoot !== true) out.push(`${where}: pod does not set runAsNonRoot: true`);
    if (w.kind !== "Job" && w.spec.selector && !matches(w.spec.selector.matchLabels, tpl.metadata?.labels)) out.push(`${where}: selector does not match its pod template labels`);
  }
  const podsMatching = (selector) => workloads.filter((w) => w.kind !== "Job" && matches(selector, podSpecOf(w).metadata?.labels));
  for (const s of byKind("Service")) {
    const targets = podsMatching(s.spec.selector);
    if (!targets.length) out.push(`Service/${s.metadata.name}: selector matches no workload`);
    for (const p of s.spec.ports ?? []) {
      if (typeof p.targetPort === "string" && !targets.some((w) => podSpecOf(w).spec.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort))))
        out.push(`Service/${s.metadata.name}: targetPort ${p.targetPort} is no container port name`);
    }
  }
  for (const m of byKind("ServiceMonitor")) {
    const svcs = byKind("Service").filter((s) => matches(m.spec.selector?.matchLabels, s.metadata.labels));
    if (!svcs.length) out.push(`ServiceMonitor/${m.metadata.name}: selector matches no Service`);
    for (const e of m.spec.endpoints ?? []) if (e.port && !svcs.some((s) => s.spec.ports.some((p) => p.name === e.port))) out.push(`ServiceMonitor/${m.metadata.name}: port ${e.port} is on no selected Service`);
    if (m.spec.jobLabel && !svcs.every((s) => s.metadata.labels?.[m.spec.jobLabel])) out.push(`ServiceMonitor/${m.metadata.name}: jobLabel ${m.spec.jobLabel} missing on a Service`);
  }
  for (const m of byKind("PodMonitor")) {
    const ws = podsMatching(m.spec.selector?.matchLabels);
    if (!ws.length) out.push(`PodMonitor/${m.metadata.name}: selector matches no workload`);
    for (const e of m.spec.podMetricsEndpoints ?? []) if (e.port && !ws.some((w) => podSpecOf(w).spec.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === e.port)))) out.push(`PodMonitor/${m.metadata.name}: port ${e.port} is no container port name`);
    if (m.spec.jobLabel && !ws.every((w) => podSpecOf(w).metadata.labels?.[m.spec.jobLabel])) out.push(`PodMonitor/${m.metadata.name}: jobLabel ${m.spec.jobLabel} missing on pods`);
  }
  for (const h of [...byKind("HorizontalPodAutoscaler"), ...byKind("ScaledObject")]) {
    const ref = h.spec.scaleTargetRef;
    if (!workloads.some((w) => w.kind === (ref.kind ?? "Deployment") && w.metadata.name === ref.name)) out.push(`${h.kind}/${h.metadata.name}: scale target ${ref.name} does not exist`);
  }
  for (const p of byKind("PodDisruptionBudget")) if (!podsMatching(p.spec.selector?.matchLabels).length) out.push(`PodDisruptionBudget/${p.metadata.name}: selector matches no workload`);
  const topics = new Map(byKind("KafkaTopic").map((t) => [t.spec.topicName ?? t.metadata.name, t]));
  const clusters = new Set(byKind("Kafka").map((k) => k.metadata.name));
  for (const t of byKind("KafkaTopic")) if (!clusters.has(t.metadata.labels?.["strimzi.io/cluster"])) out.push(`KafkaTopic/${t.metadata.name}: strimzi.io/cluster label names no Kafka`);
  for (const n of byKind("KafkaNodePool")) if (!clusters.has(n.metadata.labels?.["strimzi.io/cluster"])) out.push(`KafkaNodePool/${n.metadata.name}: strimzi.io/cluster label names no Kafka`);
  for (const name of ["ist.jobs", "ist.jobs.high", "ist.jobs.low", "ist.events", "ist.jobs.dlq", "ist.control", "ist.workers"]) if (!topics.has(name)) out.push(`no KafkaTopic for ${name}`);
  // a worker's pool (IST_WORKER_POOL, default "default") decides its lane topics and consumer group
  const envOf = (w) => Object.fromEntries((podSpecOf(w).spec.containers[0].env ?? []).filter((e) => "value" in e).map((e) => [e.name, e.value]));
  const poolOf = (w) => { const env = envOf(w); const pool = env.IST_WORKER_POOL ?? "default";
    const jobs = pool === "default" ? "ist.jobs" : `ist.jobs.pool.${pool}`;
    return { pool, lanes: [`${jobs}.high`, jobs, `${jobs}.low`],
      group: env.IST_WORKER_GROUP_ID ?? (pool === "default" ? "ist-workers" : `ist-workers-${pool}`) }; };
  const istConfig = byKind("ConfigMap").find((m) => /^ist-config(-|$)/.test(m.metadata.name));
  for (const w of byKind("Deployment").filter((d) => "IST_WORKER_POOL" in envOf(d))) {
    for (const lane of poolOf(w).lanes) if (!topics.has(lane)) out.push(`Deployment/${w.metadata.name}: no KafkaTopic for its pool's lane ${lane}`);
    // a pool worker that spells out ist-config's values (a component cannot reference the hashed map) must agree
    for (const [k, v] of Object.entries(envOf(w))) if (istConfig?.data && k in istConfig.data && istConfig.data[k] !== v)
      out.push(`Deployment/${w.metadata.name}: env ${k}=${v} differs from ist-config (${istConfig.data[k]})`);
  }
  for (const so of byKind("ScaledObject")) {
    // one lag trigger per priority lane of the target's pool, or a lane's backlog would not wake workers
    const target = workloads.find((w) => w.kind === "Deployment" && w.metadata.name === so.spec.scaleTargetRef.name);
    const { lanes, group } = target ? poolOf(target) : poolOf({ spec: { template: { spec: { containers: [{}] } } } });
    const triggered = new Set((so.spec.triggers ?? []).filter((t) => t.type === "kafka").map((t) => t.metadata.topic));
    for (const lane of lanes) if (!triggered.has(lane)) out.push(`ScaledObject/${so.metadata.name}: no kafka trigger for lane topic ${lane}`);
    for (const t of so.spec.triggers ?? []) {
      if (t.type !== "kafka") continue;
      const topic = topics.get(t.metadata.topic);
      if (!topic) out.push(`ScaledObject/${so.metadata.name}: topic ${t.metadata.topic} has no KafkaTopic`);
      else if (so.spec.maxReplicaCount !== topic.spec.partitions) out.push(`ScaledObject/${so.metadata.name}: maxReplicaCount ${so.spec.maxReplicaCount} != partitions of ${t.metadata.topic} (${topic.spec.partitions})`);
      if (t.metadata.consumerGroup !== group) out.push(`ScaledObject/${so.metadata.name}: consumerGroup must be ${group} (its workers' group)`);
      if (!/kafka-bootstrap/.test(t.metadata.bootstrapServers ?? "")) out.push(`ScaledObject/${so.metadata.name}: bootstrapServers does not point at the Strimzi bootstrap service`);
    }
  }
  const worker = byKind("Deployment").find((d) => d.metadata.name === "ist-worker");
  if (!worker) out.push("no Deployment ist-worker");
  else {
    const c = worker.spec.template.spec.containers[0];
    const grace = durationSeconds((c.env ?? []).find((e) => e.name === "IST_WORKER_SHUTDOWN_GRACE")?.value);
    const tgps = worker.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    if (!(tgps > grace)) out.push(`Deployment/ist-worker: terminationGracePeriodSeconds ${tgps} must exceed IST_WORKER_SHUTDOWN_GRACE (${grace}s)`);
    const gpus = c.resources?.limits?.["nvidia.com/gpu"];
    if (expectGpu && !(Number(gpus) >= 1)) out.push("Deployment/ist-worker: gpu overlay must request nvidia.com/gpu");
    if (!expectGpu && gpus) out.push("Deployment/ist-worker: only the gpu overlay requests nvidia.com/gpu");
    if (expectGpu && !/cuda/.test(c.image)) out.push(`Deployment/ist-worker: gpu overlay must run the cuda image, not ${c.image}`);
  }
  if (!byKind("ConfigMap").some((m) => m.metadata.labels?.grafana_dashboard === "1" && m.data?.["ist.json"])) out.push("no Grafana dashboard ConfigMap (label grafana_dashboard=1, key ist.json)");
  jobStoreCheck(objs, byKind, istConfig, out);
  s3UsersCheck(workloads, out);
  kafkaSecurityCheck(objs, byKind, workloads, istConfig, out);
  noSecretInConfigMaps(byKind("ConfigMap"), out);
}

// ---- Kafka least privilege (the README table: kafka-acls.mjs) --------------------------------
function kafkaSecurityCheck(objs, byKind, workloads, istConfig, out) {
  for (const k of byKind("Kafka")) {
    const where = `Kafka/${k.metadata.name}`;
    for (const l of k.spec.kafka.listeners ?? []) {
      if (l.tls !== true) out.push(`${where}: listener ${l.name} is not TLS`);
      if (!l.authentication?.type) out.push(`${where}: listener ${l.name} has no authentication`);
    }
    if (k.spec.kafka.authorization?.type !== "simple") out.push(`${where}: authorization must be simple (ACLs per KafkaUser)`);
    if (byKind("KafkaUser").length && !k.spec.entityOperator?.userOperator) out.push(`${where}: KafkaUsers need entityOperator.userOperator`);
  }
  let rows;
  try { rows = readAclTable(fs.readFileSync(README, "utf8")); } catch (e) { out.push(e.message); return; }
  const pools = new Set(byKind("Deployment").map((d) => (podSpecOf(d).spec.containers[0].env ?? []).find((e) => e.name === "IST_WORKER_POOL")?.value).filter(Boolean));
  for (const u of byKind("KafkaUser")) {
    const name = u.metadata.name; const where = `KafkaUser/${name}`;
    const acls = (u.spec.authorization?.acls ?? []).flatMap((a) => (a.operations ?? []).map((op) => ({
      type: a.resource.type, name: a.resource.name, pattern: a.resource.patternType ?? "literal", op: op.toUpperCase(), deny: a.type === "deny" })));
    if (name === "ist-keda") { // lag reads only
      for (const a of acls) if (a.op !== "DESCRIBE") out.push(`${where}: KEDA needs only DESCRIBE (offsets), not ${a.op} on ${a.type} ${a.name}`);
      continue;
    }
    const pool = /^ist-worker-(.+)$/.exec(name)?.[1];
    if (pool && !pools.has(pool)) out.push(`${where}: no worker Deployment of pool ${pool}`);
    for (const p of aclProblems(rows, name, acls)) out.push(`${where}: ${p}`);
  }
  // every Kafka client pod logs in as its own KafkaUser, through the client config file
  const users = new Set(byKind("KafkaUser").map((u) => u.metadata.name));
  for (const w of workloads.filter((x) => /^ist-(gateway|worker)(-|$)/.test(x.metadata.name))) {
    const where = `${w.kind}/${w.metadata.name}`; const spec = podSpecOf(w).spec;
    const mounted = (spec.volumes ?? []).map((v) => v.secret?.secretName).filter((n) => users.has(n));
    if (mounted.length !== 1 || mounted[0] !== w.metadata.name) out.push(`${where}: must mount exactly its own KafkaUser Secret ${w.metadata.name} (mounts ${mounted.join(", ") || "none"})`);
    const env = Object.fromEntries((spec.containers[0].env ?? []).map((e) => [e.name, e.value]));
    const clientConfig = env.IST_KAFKA_CLIENT_CONFIG ?? istConfig?.data?.IST_KAFKA_CLIENT_CONFIG;
    if (!clientConfig) out.push(`${where}: no IST_KAFKA_CLIENT_CONFIG (the SASL_SSL client settings)`);
  }
}

// Credentials live in Secrets: a ConfigMap line that sets a password, secret or JAAS login must be a config-provider
// reference (${dir:...}, ${file:...}), never the value.
function noSecretInConfigMaps(configMaps, out) {
  for (const cm of configMaps) for (const [key, value] of Object.entries(cm.data ?? {})) {
    for (const line of String(value).split("\n")) {
      const m = /^\s*([\w.-]*(?:password|secret|jaas\.config)[\w.-]*)\s*[=:]\s*(\S.*)$/i.exec(line);
      if (m && !/^\$\{[a-z]+:/.test(m[2])) out.push(`ConfigMap/${cm.metadata.name}: ${key} sets ${m[1]} inline; reference a Secret (Kafka config provider) instead`);
    }
    if (/password="[^"$]/.test(String(value))) out.push(`ConfigMap/${cm.metadata.name}: ${key} holds a JAAS password`);
  }
}

// Least privilege on S3: MinIO's root user reaches only MinIO and the bucket Job; the gateway and every worker pool
// log in with their own user (made by the bucket Job with only that component's policy).
function s3UsersCheck(workloads, out) {
  const rootReaders = new Set(["ist-minio", "ist-minio-bucket"]);
  for (const w of workloads) {
    const name = w.metadata.name;
    const refs = podSpecOf(w).spec.containers.flatMap((c) => (c.env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef?.name]));
    if (refs.some(([, s]) => s === "ist-minio-root") && !rootReaders.has(name)) out.push(`${w.kind}/${name}: reads MinIO's root Secret ist-minio-root (only MinIO and its bucket Job may)`);
    const want = name === "ist-gateway" ? "ist-s3-gateway" : /^ist-worker(-|$)/.test(name) ? "ist-s3-worker" : null;
    if (!want) continue;
    for (const v of ["IST_S3_ACCESS_KEY", "IST_S3_SECRET_KEY"]) {
      const got = refs.find(([n]) => n === v)?.[1];
      if (got !== want) out.push(`${w.kind}/${name}: ${v} must come from Secret ${want} (got ${got ?? "none"})`);
    }
  }
}

// The job store: the gateway's IST_DB_URL (ist-config) names the -rw Service and the database of a CloudNativePG
// Cluster, IST_DB_USER/IST_DB_PASSWORD come from that Cluster's application Secret, workers get none of it, and a
// NetworkPolicy lets only gateway pods (plus the cluster itself and the operator's namespace) reach its 5432.
function jobStoreCheck(objs, byKind, istConfig, out) {
  const clusters = byKind("Cluster");
  if (!clusters.length) { out.push("no CloudNativePG Cluster for the job store"); return; }
  const url = istConfig?.data?.IST_DB_URL;
  const m = /^jdbc:postgresql:\/\/([^/:?]+)(?::(\d+))?\/([^?]+)/.exec(url ?? "");
  const named = m && clusters.find((c) => m[1] === `${c.metadata.name}-rw` || m[1].startsWith(`${c.metadata.name}-rw.`));
  // the remaining checks go on with the only (or first) Cluster when the URL names none
  const cluster = named ?? clusters[0];
  if (!m) out.push(`ist-config: IST_DB_URL must be a jdbc:postgresql://HOST:PORT/DB URL (got ${url})`);
  else if (!named) out.push(`ist-config: IST_DB_URL host ${m[1]} is no Cluster's -rw Service (${clusters.map((c) => c.metadata.name + "-rw").join(", ")})`);
  else {
    const db = cluster.spec.bootstrap?.initdb?.database ?? "app";
    if (m[3] !== db) out.push(`ist-config: IST_DB_URL database ${m[3]} is not Cluster/${cluster.metadata.name}'s ${db}`);
    if ((m[2] ?? "5432") !== "5432") out.push(`ist-config: IST_DB_URL port ${m[2]} is not 5432`);
  }
  const secret = cnpgAppSecret(cluster);
  const gateway = byKind("Deployment").find((d) => d.metadata.name === "ist-gateway");
  const env = gateway?.spec.template.spec.containers[0].env ?? [];
  // least privilege: Flyway migrates as the owner (the application Secret), the gateway runs as a managed role that is
  // neither superuser nor able to create roles or databases
  for (const [name, key] of [["IST_DB_MIGRATION_USER", "username"], ["IST_DB_MIGRATION_PASSWORD", "password"]]) {
    const ref = env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    if (!ref || ref.name !== secret || ref.key !== key) out.push(`Deployment/ist-gateway: ${name} must come from Secret ${secret} key ${key}`);
  }
  const runtimeRoles = (cluster.spec.managed?.roles ?? []).filter((r) => r.login && r.passwordSecret?.name && (r.ensure ?? "present") === "present");
  for (const r of runtimeRoles) for (const k of ["superuser", "createdb", "createrole", "replication", "bypassrls"])
    if (r[k]) out.push(`Cluster/${cluster.metadata.name}: managed role ${r.name} has ${k}`);
  for (const [name, key] of [["IST_DB_USER", "username"], ["IST_DB_PASSWORD", "password"]]) {
    const ref = env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    if (!ref || ref.key !== key || !runtimeRoles.some((r) => r.passwordSecret.name === ref.name))
      out.push(`Deployment/ist-gateway: ${name} must come from key ${key} of a managed login role's passwordSecret (${runtimeRoles.map((r) => r.passwordSecret.name).join(", ") || "none"}), not the owner's Secret ${secret}`);
  }
  for (const d of byKind("Deployment").filter((x) => x !== gateway))
    for (const c of d.spec.template.spec.containers) if ((c.env ?? []).some((e) => /^IST_DB_/.test(e.name))) out.push(`Deployment/${d.metadata.name}: container ${c.name} has IST_DB_* variables; only the gateway connects to the job store`);
  const sel = { "cnpg.io/cluster": cluster.metadata.name };
  const policies = byKind("NetworkPolicy").filter((p) => p.spec.podSelector?.matchLabels && matches(p.spec.podSelector.matchLabels, sel)
    && Object.keys(p.spec.podSelector.matchLabels).length > 0);
  if (!policies.length) { out.push(`no NetworkPolicy selects the pods of Cluster/${cluster.metadata.name} (cnpg.io/cluster)`); return; }
  let gatewayAllowed = false;
  for (const p of policies) for (const rule of p.spec.ingress ?? []) {
    const ports = (rule.ports ?? []).map((x) => x.port);
    const reaches5432 = !rule.ports || ports.includes(5432);
    if (!reaches5432) continue;
    if (!rule.from?.length) { out.push(`NetworkPolicy/${p.metadata.name}: opens 5432 of the job store to everyone`); continue; }
    for (const peer of rule.from) {
      const pods = peer.podSelector?.matchLabels ?? {};
      const operator = peer.namespaceSelector && pods["app.kubernetes.io/name"] === "cloudnative-pg";
      const own = !peer.namespaceSelector && pods["cnpg.io/cluster"] === cluster.metadata.name;
      const gw = !peer.namespaceSelector && pods["app.kubernetes.io/name"] === "ist-gateway";
      if (gw) gatewayAllowed = true;
      if (!(operator || own || gw)) out.push(`NetworkPolicy/${p.metadata.name}: lets ${JSON.stringify(peer)} reach the job store's 5432 (only the gateway may)`);
    }
  }
  if (!gatewayAllowed) out.push(`no NetworkPolicy lets the gateway pods reach Cluster/${cluster.metadata.name} on 5432`);
}

let failed = 0;
for (const file of files) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
  const objs = [];
  const problems = [];
  for (const d of docs) {
    if (d.errors.length) { problems.push(`YAML: ${d.errors[0].message}`); continue; }
    const o = d.toJS();
    if (!o) continue;
    objs.push(o);
    const id = `${o.kind}/${o.metadata?.name}`;
    if (!o.apiVersion || !o.kind) { problems.push(`${id}: missing apiVersion or kind`); continue; }
    if (o.apiVersion === "kafka.strimzi.io/v1beta2" && STRIMZI[o.kind]) {
      const out = []; checkShape(STRIMZI[o.kind], o, id, out); problems.push(...out); continue;
    }
    if (o.apiVersion === "postgresql.cnpg.io/v1" && CNPG[o.kind]) {
      const out = []; checkShape(CNPG[o.kind], o, id, out); problems.push(...out); continue;
    }
    const mod = modulePath(o.apiVersion, o.kind);
    if (!mod) { problems.push(`${id}: no schema for ${o.apiVersion} ${o.kind}`); continue; }
    let Model;
    try { Model = (await import(mod))[o.kind]; } catch { Model = null; }
    if (!Model) { problems.push(`${id}: no model for ${o.apiVersion} ${o.kind} (${mod})`); continue; }
    try { new Model(o).validate(); } catch (e) { problems.push(`${id}: ${e.message}`); }
  }
  crossCheck(objs, problems);
  if (problems.length) { failed += problems.length; for (const p of problems) console.log(`FAIL ${file}: ${p}`); }
  else console.log(`ok   ${file}: ${objs.length} objects valid (${[...new Set(objs.map((o) => o.kind))].sort().join(", ")})`);
}
process.exit(failed ? 1 : 0);

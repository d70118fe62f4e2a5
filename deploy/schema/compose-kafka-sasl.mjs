// Compose's "sasl" profile, read from `docker-compose --profile sasl config` (variables resolved, YAML on stdin):
// the broker authenticates every client listener and denies what no ACL allows, its controller listener is loopback
// only, nothing of it is published; kafka-sasl-init's ACLs (deploy/kafka/compose-sasl/acls.sh) are exactly the
// README's table for ist-gateway and ist-worker; gateway-sasl and worker-sasl log in as their own user through a
// client file that holds no password; least-privilege S3 users hold for every profile (no root key in a component).
//   docker-compose --env-file .env.example --profile sasl -f docker-compose.yml config | node compose-kafka-sasl.mjs [acls.sh]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { aclProblems, readAclTable } from "./kafka-acls.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
const aclScript = process.argv[2] ?? path.join(root, "deploy/kafka/compose-sasl/acls.sh");
const cfg = YAML.parse(fs.readFileSync(0, "utf8"));
const services = cfg.services ?? {};
const problems = [];

const broker = services["kafka-sasl"];
if (!broker) problems.push("no kafka-sasl service in the sasl profile");
else {
  const env = broker.environment ?? {};
  const listeners = String(env.KAFKA_LISTENERS ?? "").split(",");
  const protocols = Object.fromEntries(String(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? "").split(",").map((p) => p.split(":")));
  for (const l of listeners) {
    const [, name, host] = /^([A-Z_]+):\/\/([^:]*):/.exec(l) ?? [];
    const controller = String(env.KAFKA_CONTROLLER_LISTENER_NAMES ?? "").split(",").includes(name);
    if (controller) { if (!["localhost", "127.0.0.1"].includes(host)) problems.push(`kafka-sasl: controller listener ${l} must bind to loopback`); }
    else if (!/^SASL_/.test(protocols[name] ?? "")) problems.push(`kafka-sasl: client listener ${l} does not authenticate (${protocols[name]})`);
  }
  if (env.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND !== "false") problems.push("kafka-sasl: allow.everyone.if.no.acl.found must be false");
  if (!/StandardAuthorizer/.test(env.KAFKA_AUTHORIZER_CLASS_NAME ?? "")) problems.push("kafka-sasl: no StandardAuthorizer");
  if (!/SCRAM-SHA-512/.test(env.KAFKA_SASL_ENABLED_MECHANISMS ?? "")) problems.push("kafka-sasl: SCRAM-SHA-512 is not enabled");
  if (broker.ports?.length) problems.push("kafka-sasl: published on the host");
  const supers = String(env.KAFKA_SUPER_USERS ?? "").split(";");
  for (const u of supers) if (/ist-/.test(u)) problems.push(`kafka-sasl: ${u} is a super user; components get ACLs`);
}

// kafka-sasl-init's ACLs, as `acl USER OPS RESOURCE` lines of the script
const acls = {};
for (const line of fs.readFileSync(aclScript, "utf8").split("\n")) {
  const m = /^acl (\S+) (\S+) (topic|group):(\S+)\s*$/.exec(line.trim());
  if (!m) continue;
  const [, user, ops, type, raw] = m;
  const pattern = raw.endsWith("*") ? "prefix" : "literal";
  for (const op of ops.split(",")) (acls[user] ??= []).push({ type, name: raw.replace(/\*$/, ""), pattern, op: op.toUpperCase() });
}
const rows = readAclTable(fs.readFileSync(path.join(root, "README.md"), "utf8"));
for (const user of ["ist-gateway", "ist-worker"]) {
  if (!acls[user]) { problems.push(`${path.basename(aclScript)}: no ACLs for ${user}`); continue; }
  for (const p of aclProblems(rows, user, acls[user])) problems.push(`${path.basename(aclScript)}: ${user}: ${p}`);
}

for (const [name, user] of [["gateway-sasl", "ist-gateway"], ["worker-sasl", "ist-worker"]]) {
  const s = services[name];
  if (!s) { problems.push(`no ${name} service in the sasl profile`); continue; }
  const env = s.environment ?? {};
  if (env.IST_KAFKA_BOOTSTRAP_SERVERS !== "kafka-sasl:9092") problems.push(`${name}: IST_KAFKA_BOOTSTRAP_SERVERS is not kafka-sasl:9092`);
  const mount = (s.volumes ?? []).map((v) => (typeof v === "string" ? v.split(":") : [v.source, v.target]))
    .find(([, target]) => target === env.IST_KAFKA_CLIENT_CONFIG);
  if (!mount) { problems.push(`${name}: IST_KAFKA_CLIENT_CONFIG names no mounted file`); continue; }
  const file = fs.readFileSync(path.resolve(root, mount[0]), "utf8");
  if (!new RegExp(`username="${user}"`).test(file)) problems.push(`${name}: its client file does not log in as ${user}`);
  if (/password="(?!\$\{)/.test(file) || /^[^#]*password=(?!["$])\S/m.test(file)) problems.push(`${name}: its client file holds a password (use a config provider)`);
  if (/security\.protocol=PLAINTEXT/.test(file) || !/security\.protocol=SASL_/.test(file)) problems.push(`${name}: its client file does not use SASL`);
}

// S3: one user per component, never MinIO's root user
const root_ = services.minio?.environment?.MINIO_ROOT_USER;
const keyOf = (n) => services[n]?.environment?.IST_S3_ACCESS_KEY;
const gatewayKey = keyOf("gateway"); const workerKey = keyOf("worker");
for (const [n, s] of Object.entries(services)) {
  const k = s.environment?.IST_S3_ACCESS_KEY;
  if (!k) continue;
  if (k === root_) problems.push(`${n}: uses MinIO's root user as its S3 key`);
  if (/^gateway/.test(n) && k !== gatewayKey) problems.push(`${n}: S3 key differs from the gateway's`);
  if (/^worker/.test(n) && k !== workerKey) problems.push(`${n}: S3 key differs from the workers'`);
}
if (gatewayKey && gatewayKey === workerKey) problems.push("gateway and workers share one S3 user");

for (const p of problems) console.log(`FAIL compose: ${p}`);
console.log(`${problems.length ? "FAIL" : "ok  "} compose least privilege: sasl broker, ACLs = README table, client files, S3 users`);
process.exit(problems.length ? 1 : 0);

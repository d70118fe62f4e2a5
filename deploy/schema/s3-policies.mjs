// The per-component S3 policies (deploy/minio/ist-*-policy.json) against the object-key prefixes the code uses:
// every *_PREFIX key constant of gateway, worker and common that names a key prefix ("x/") is covered by some
// policy, no statement grants a wildcard action or the whole bucket's objects, and each component gets only the
// rights its code needs on the prefixes (the README "Least privilege" table is the same list).
//   node s3-policies.mjs [policy-dir] [source-root]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = process.argv[2] ?? path.join(root, "deploy/minio");
const src = process.argv[3] ?? root;
const problems = [];

const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith(".java") ? [path.join(d, e.name)] : []);
const prefixes = new Set();
for (const m of ["common", "gateway", "worker"]) {
  const main = path.join(src, m, "src/main/java");
  if (!fs.existsSync(main)) continue;
  for (const f of walk(main)) for (const x of fs.readFileSync(f, "utf8").matchAll(/static final String \w*PREFIX = "([a-z0-9/_-]+\/)";/g)) prefixes.add(x[1]);
}
if (!prefixes.size) problems.push(`no key prefixes found under ${src}`);

const policies = {};
for (const c of ["gateway", "worker"]) {
  const f = path.join(dir, `ist-${c}-policy.json`);
  try { policies[c] = JSON.parse(fs.readFileSync(f, "utf8")); } catch (e) { problems.push(`${f}: ${e.message}`); }
}
// object rights per component: prefix -> set of actions
const rights = {};
for (const [c, p] of Object.entries(policies)) {
  rights[c] = {};
  for (const st of p.Statement ?? []) {
    const actions = [].concat(st.Action ?? []); const resources = [].concat(st.Resource ?? []);
    if (st.Effect !== "Allow") continue;
    for (const a of actions) if (/\*/.test(a)) problems.push(`${c}: statement ${st.Sid ?? "?"} grants a wildcard action ${a}`);
    for (const r of resources) {
      const m = /^arn:aws:s3:::BUCKET(?:\/(.*))?$/.exec(r);
      if (!m) { problems.push(`${c}: resource ${r} is not in arn:aws:s3:::BUCKET`); continue; }
      if (m[1] === undefined) { for (const a of actions) if (!["s3:ListBucket", "s3:GetBucketLocation"].includes(a)) problems.push(`${c}: ${a} on the bucket itself`); continue; }
      if (m[1] === "*" || !m[1].endsWith("/*")) problems.push(`${c}: resource ${r} is not one key prefix`);
      const prefix = m[1].replace(/\*$/, "");
      for (const a of actions) (rights[c][prefix] ??= new Set()).add(a);
    }
  }
}
for (const p of prefixes) if (!Object.values(rights).some((r) => Object.keys(r).some((k) => p.startsWith(k) || k.startsWith(p))))
  problems.push(`key prefix ${p} (a *_PREFIX constant in the code) is in no component's policy`);
// who writes and who deletes what: the contract the code keeps (README "Least privilege")
const must = { gateway: { "inputs/sha256/": ["s3:PutObject"], "jobs/": ["s3:GetObject"] },
  worker: { "inputs/sha256/": ["s3:GetObject", "s3:DeleteObject"], "jobs/": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "models/": ["s3:GetObject"] } };
const mustNot = { gateway: { "inputs/sha256/": ["s3:DeleteObject"], "jobs/": ["s3:DeleteObject"] },
  worker: { "inputs/sha256/": ["s3:PutObject"], "models/": ["s3:PutObject", "s3:DeleteObject"], "owners/": ["s3:GetObject", "s3:PutObject"] } };
for (const [c, byPrefix] of Object.entries(must)) for (const [p, actions] of Object.entries(byPrefix))
  for (const a of actions) if (!rights[c]?.[p]?.has(a)) problems.push(`${c}: needs ${a} on ${p}*`);
for (const [c, byPrefix] of Object.entries(mustNot)) for (const [p, actions] of Object.entries(byPrefix))
  for (const a of actions) if (rights[c]?.[p]?.has(a)) problems.push(`${c}: must not have ${a} on ${p}*`);

for (const p of problems) console.log(`FAIL s3 policies: ${p}`);
console.log(`${problems.length ? "FAIL" : "ok  "} s3 policies: ${[...prefixes].sort().join(" ")} covered; gateway and worker rights as the code needs`);
process.exit(problems.length ? 1 : 0);

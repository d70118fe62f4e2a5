// The README's Kafka least-privilege table as a checker: validate-manifests.mjs holds Strimzi KafkaUsers to it,
// compose-kafka-sasl.mjs the ACLs compose's sasl profile creates.
//
// The table ("Least privilege: the ACLs each component needs"), read into rows of
// { who: gateway|worker, optional: bool (the forwarding row), resources: [{type, name, pattern, pool}], ops, maybeOps }.
// A name with the pool placeholder P (ist.jobs.P, ist-workers-P) is the form a worker pool other than the default uses.
export function readAclTable(markdown) {
  const start = markdown.indexOf("**Least privilege: the ACLs each component needs**");
  if (start < 0) throw new Error("README has no least-privilege ACL table");
  const rows = [];
  for (const line of markdown.slice(start).split("\n").slice(1)) {
    if (rows.length && !line.startsWith("|")) break;
    if (!line.startsWith("| ") || /^\|\s*(Principal|-)/.test(line)) continue;
    const [who, what, ops] = line.split("|").slice(1, 4).map((c) => c.trim());
    const principal = /^gateway/.test(who) ? "gateway" : /^worker/.test(who) ? "worker" : null;
    if (!principal) continue;
    const prefixed = /prefix `([^`]+)`(?:, or `([^`]+)`)?/.exec(what);
    const tokens = prefixed ? prefixed.slice(1).filter(Boolean).map((t) => t + "*") : [...what.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const resources = tokens.map((t) => {
      const pattern = t.endsWith("*") ? "prefix" : "literal"; const name = t.replace(/\*$/, "");
      return { type: name.startsWith("ist-") ? "group" : "topic", name, pattern, pool: /[.-]P$/.test(name) };
    });
    const bare = ops.replace(/\([^)]*\)/g, "");
    const opsOf = (text) => [...text.matchAll(/\b(READ|WRITE|DESCRIBE|CREATE)\b/g)].map((m) => m[1]);
    rows.push({ who: principal, optional: /forwarding/.test(who), resources, ops: opsOf(bare),
      maybeOps: opsOf(ops).filter((o) => !opsOf(bare).includes(o)) });
  }
  return rows;
}

// What a KafkaUser may do and must be able to do, from the table: a pool's worker uses the P forms where a row has them.
function aclExpectations(rows, component, pool) {
  const required = []; const allowed = [];
  for (const r of rows.filter((x) => x.who === component)) {
    const hasPoolForm = r.resources.some((x) => x.pool);
    const own = r.optional ? [] : r.resources.filter((x) => (pool && hasPoolForm ? x.pool : !x.pool));
    const resolve = (x, p) => ({ ...x, name: x.pool ? (x.type === "topic" ? x.name.replace(/\.P$/, `.pool.${p}`) : x.name.replace(/-P$/, `-${p}`)) : x.name });
    for (const x of own) {
      const res = resolve(x, pool);
      for (const op of r.ops) required.push({ ...res, op });
      for (const op of [...r.ops, ...r.maybeOps]) allowed.push({ ...res, op });
    }
    // forwarding to another pool (any pool name): allowed, not required
    if (r.optional) for (const x of r.resources) for (const op of r.ops) allowed.push({ ...x, name: x.name.replace(/\.P$/, ".pool."), pattern: "prefix-of-pool", op });
  }
  return { required, allowed };
}


// What is wrong with principal `user` (ist-gateway, ist-worker, ist-worker-<pool>) holding `acls`
// ([{type, name, pattern: literal|prefix, op: READ|WRITE|..., deny}]): a right of the table it lacks, or one the
// table does not give it.
export function aclProblems(rows, user, acls) {
  const m = /^ist-(gateway|worker)(?:-(.+))?$/.exec(user);
  if (!m) return [`no row of the README's ACL table names principal ${user}`];
  const [, component, pool] = m;
  const problems = [];
  const { required, allowed } = aclExpectations(rows, component, pool);
  for (const r of required) {
    const granted = acls.some((a) => !a.deny && a.type === r.type && a.op === r.op
      && (a.pattern === "prefix" ? r.name.startsWith(a.name) : r.pattern === "literal" && a.name === r.name));
    if (!granted) problems.push(`missing ${r.op} on ${r.type} ${r.pattern === "prefix" ? r.name + "*" : r.name} (README ACL table)`);
  }
  for (const a of acls) {
    const ok = allowed.some((r) => r.type === a.type && r.op === a.op && (r.pattern === "prefix-of-pool"
      ? a.pattern === "prefix" && a.name.startsWith(r.name) && a.name.length > r.name.length
      : r.pattern === a.pattern && r.name === a.name));
    if (!ok) problems.push(`${a.op} on ${a.type} ${a.pattern === "prefix" ? a.name + "*" : a.name} is not in the README ACL table`);
  }
  return problems;
}

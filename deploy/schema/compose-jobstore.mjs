// The job store in docker-compose.yml, read from `docker-compose config` (variables resolved, YAML on stdin):
// a postgres service on the official image with a pinned major, a pg_isready health check and a named volume,
// not published on the host; the gateway waits for it to be healthy and gets IST_DB_URL (pointing at it), the
// migration (owner) role and a separate runtime role, both made by an init script and neither the superuser; no
// worker gets any IST_DB_* variable.
//   docker-compose --env-file .env.example -f docker-compose.yml config | node compose-jobstore.mjs
import fs from "node:fs";
import YAML from "yaml";

const cfg = YAML.parse(fs.readFileSync(0, "utf8"));
const problems = [];
const services = cfg.services ?? {};
const pg = services.postgres;
if (!pg) problems.push("no postgres service");
else {
  if (!/^postgres:\d+(\.\d+)?(-[a-z0-9]+)?$/.test(pg.image ?? "")) problems.push(`postgres: image ${pg.image} is not the official postgres image with a pinned major (postgres:17-bookworm)`);
  const test = [].concat(pg.healthcheck?.test ?? []).join(" ");
  if (!/pg_isready/.test(test)) problems.push("postgres: the health check does not run pg_isready");
  if (pg.ports?.length) problems.push(`postgres: published on the host (${JSON.stringify(pg.ports)}); only the gateway needs it`);
  const vol = (pg.volumes ?? []).find((v) => (typeof v === "string" ? v : v.target ?? "").includes("/var/lib/postgresql/data"));
  const source = typeof vol === "string" ? vol.split(":")[0] : vol?.source;
  if (!source || !(source in (cfg.volumes ?? {}))) problems.push("postgres: /var/lib/postgresql/data is not on a named volume");
  for (const k of ["POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"]) if (!pg.environment?.[k]) problems.push(`postgres: ${k} is not set`);
}
const gw = services.gateway;
if (!gw) problems.push("no gateway service");
else {
  if (gw.depends_on?.postgres?.condition !== "service_healthy") problems.push("gateway: does not depend on postgres being healthy");
  const env = gw.environment ?? {};
  if (!/^jdbc:postgresql:\/\/postgres:5432\/[A-Za-z_]+/.test(env.IST_DB_URL ?? "")) problems.push(`gateway: IST_DB_URL ${env.IST_DB_URL} does not point at the postgres service`);
  if (pg && env.IST_DB_URL && !env.IST_DB_URL.includes(`/${pg.environment?.POSTGRES_DB}`)) problems.push("gateway: IST_DB_URL names another database than POSTGRES_DB");
  // least privilege: the gateway migrates as the owner and runs as the runtime role, both made by the init script
  // from the same variables; neither is the image's superuser
  for (const k of ["IST_DB_MIGRATION_USER", "IST_DB_MIGRATION_PASSWORD", "IST_DB_USER", "IST_DB_PASSWORD"]) {
    if (!env[k]) problems.push(`gateway: ${k} is not set`);
    else if (pg && env[k] !== pg.environment?.[k]) problems.push(`gateway: ${k} differs from the postgres service's ${k} (its roles script)`);
  }
  if (pg && [env.IST_DB_USER, env.IST_DB_MIGRATION_USER].includes(pg.environment?.POSTGRES_USER)) problems.push("gateway: logs in as postgres's superuser POSTGRES_USER");
  if (env.IST_DB_USER && env.IST_DB_USER === env.IST_DB_MIGRATION_USER) problems.push("gateway: IST_DB_USER is the migration (owner) role; the runtime role must be another");
  const initdb = (pg?.volumes ?? []).some((v) => (typeof v === "string" ? v : v.target ?? "").includes("/docker-entrypoint-initdb.d/"));
  if (pg && !initdb) problems.push("postgres: no /docker-entrypoint-initdb.d script creates the job store's roles");
}
for (const [name, s] of Object.entries(services)) {
  // gateway-sasl (profile sasl) is the same gateway on the secured broker
  if (name === "gateway" || name === "postgres" || (name.startsWith("gateway-") && s.image === gw?.image)) continue;
  for (const k of Object.keys(s.environment ?? {})) if (/^IST_DB_/.test(k)) problems.push(`${name}: has ${k}; only the gateway connects to the job store`);
}
for (const p of problems) console.log(`FAIL compose: ${p}`);
console.log(`${problems.length ? "FAIL" : "ok  "} compose job store: postgres ${pg?.image ?? "-"}, health check, volume, gateway wiring`);
process.exit(problems.length ? 1 : 0);

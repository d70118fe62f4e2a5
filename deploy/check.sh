#!/usr/bin/env bash
# Static checks of everything under deploy/, k8s/ and docker-compose.yml. No Docker engine or
# cluster needed. Called from .ci/run as `bash deploy/check.sh`; exits non-zero on any failure.
# Installs what it needs when missing: Debian packages prometheus (promtool) and docker-compose,
# and the npm packages pinned in deploy/schema/package-lock.json.
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SCHEMA=deploy/schema
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

failures=()
step() {  # step <name> <command...>: run, print its output indented, record a failure
  local name=$1; shift
  local start=$SECONDS
  if "$@" >"$TMP/out" 2>&1; then
    printf 'PASS  %-44s (%ss)\n' "$name" "$((SECONDS - start))"
    [[ -n ${VERBOSE:-} ]] && sed 's/^/      /' "$TMP/out"
  else
    printf 'FAIL  %-44s (%ss)\n' "$name" "$((SECONDS - start))"
    sed 's/^/      /' "$TMP/out" | tail -n 60
    failures+=("$name")
  fi
  return 0
}

# ---- tools -----------------------------------------------------------------------------------
# shellcheck source=deploy/schema/ensure.sh
source "$SCHEMA/ensure.sh"
ensure_apt promtool=prometheus docker-compose=docker-compose node=nodejs npm=npm || exit 1
command -v kubectl >/dev/null || { echo "FAIL  kubectl is not installed (needed for kubectl kustomize)"; exit 1; }
ensure_npm || exit 1

# ---- docker-compose --------------------------------------------------------------------------
# .env.example stands in for the operator's .env (the file itself requires the secrets to be set).
step "docker-compose config" docker-compose --env-file .env.example -f docker-compose.yml config -q
step "docker-compose config --profile gpu" docker-compose --env-file .env.example --profile gpu -f docker-compose.yml config -q
step "docker-compose config --profile large" docker-compose --env-file .env.example --profile large -f docker-compose.yml config -q
compose_requires_secrets() {
  # Without an env file the secrets must be refused, not defaulted.
  local out
  : > "$TMP/empty.env"
  out=$(env -i PATH="$PATH" docker-compose --env-file "$TMP/empty.env" -f docker-compose.yml config -q 2>&1) && return 1
  grep -q "IST_MINIO_ROOT_USER\|IST_MINIO_ROOT_PASSWORD\|IST_S3_GATEWAY_ACCESS_KEY\|IST_S3_WORKER_ACCESS_KEY\|GRAFANA_ADMIN_PASSWORD" <<<"$out"
}
step "docker-compose refuses missing secrets" compose_requires_secrets
compose_requires_db_password() {
  # The job store's password has no default either: without it compose names the variable and refuses.
  local out
  grep -v '^IST_DB_PASSWORD=' .env.example > "$TMP/no-db-password.env"
  out=$(env -i PATH="$PATH" docker-compose --env-file "$TMP/no-db-password.env" -f docker-compose.yml config -q 2>&1) && return 1
  grep -q "IST_DB_PASSWORD" <<<"$out"
}
step "docker-compose refuses a missing IST_DB_PASSWORD" compose_requires_db_password
compose_jobstore() {
  docker-compose --env-file .env.example -f docker-compose.yml config > "$TMP/compose.yml" \
    && node "$SCHEMA/compose-jobstore.mjs" < "$TMP/compose.yml"
}
step "compose job store (postgres, gateway wiring)" compose_jobstore
step "docker-compose config --profile sasl" docker-compose --env-file .env.example --profile sasl -f docker-compose.yml config -q
compose_least_privilege() {
  docker-compose --env-file .env.example --profile sasl --profile gpu --profile large -f docker-compose.yml config > "$TMP/compose-all.yml" \
    && node "$SCHEMA/compose-kafka-sasl.mjs" < "$TMP/compose-all.yml"
}
step "compose least privilege (sasl ACLs, S3 users)" compose_least_privilege
step "S3 policies cover the code's key prefixes" node "$SCHEMA/s3-policies.mjs"

# ---- Kubernetes ------------------------------------------------------------------------------
for overlay in k8s/overlays/*/; do
  name=$(basename "$overlay")
  step "kubectl kustomize $overlay" sh -c "kubectl kustomize '$overlay' > '$TMP/k8s-$name.yaml'"
  flags=()
  [[ $name == gpu ]] && flags+=(--expect-gpu)
  step "schema + references: $name overlay" node "$SCHEMA/validate-manifests.mjs" "${flags[@]}" "$TMP/k8s-$name.yaml"
done
prometheusrule_is_generated() {
  node "$SCHEMA/gen-prometheusrule.mjs" > "$TMP/prometheusrule.yaml" \
    && diff -u k8s/base/monitoring/prometheusrule.yaml "$TMP/prometheusrule.yaml"
}
step "PrometheusRule == ist-alerts.yml" prometheusrule_is_generated

# ---- Dockerfiles -----------------------------------------------------------------------------
step "Dockerfile lint" node "$SCHEMA/lint-dockerfiles.mjs" deploy/gateway.Dockerfile deploy/worker.Dockerfile

# ---- Prometheus ------------------------------------------------------------------------------
promtool_config() {
  # The config names the rules file by its path inside the container: point it at this checkout.
  mkdir -p "$TMP/prom/rules" && cp deploy/prometheus/ist-alerts.yml "$TMP/prom/rules/" \
    && sed "s#/etc/prometheus/rules/#$TMP/prom/rules/#" deploy/prometheus/prometheus.yml > "$TMP/prom/prometheus.yml" \
    && promtool check config "$TMP/prom/prometheus.yml"
}
step "promtool check config" promtool_config
step "promtool check rules (alerts)" promtool check rules deploy/prometheus/ist-alerts.yml
step "alert tests generated from their cases" node "$SCHEMA/gen-alert-tests.mjs" --check
step "promtool test rules" promtool test rules deploy/prometheus/ist-alerts.test.yml
dashboard_exprs() {
  node "$SCHEMA/dashboard-exprs.mjs" "$TMP/dashboard-rules.yml" && promtool check rules "$TMP/dashboard-rules.yml"
}
step "dashboard structure + every expr parses" dashboard_exprs
step "metric contract + alert completeness" node "$SCHEMA/contract-coverage.mjs"
step "e2e script syntax" bash -n deploy/check-prometheus-e2e.sh
step "checkers reject known-bad inputs" node "$SCHEMA/selftest.mjs" "$TMP/k8s-cpu.yaml" "$TMP/k8s-cpu-large.yaml"

echo
if ((${#failures[@]})); then
  echo "deploy/check.sh: ${#failures[@]} check(s) failed: ${failures[*]}"
  exit 1
fi
echo "deploy/check.sh: all checks passed in ${SECONDS}s"

#!/usr/bin/env bash
# `./ist test`: every test and check of IST, in order, on this machine — exactly what CI runs (.ci/run calls it).
# Installs what a fresh Debian machine lacks (JDK 17, Maven, Chromium, Node.js, Prometheus, docker-compose,
# psql, the pinned npm packages), then: mvn -B verify (all modules, real Kafka broker + S3 server + Chromium),
# deploy/check.sh (deployment files), deploy/local/e2e-test.sh (./ist demo, ./ist up, real Prometheus),
# deploy/local/chaos-test.sh (two workers under kill -9, SIGSTOP, poison, S3 and broker restarts),
# deploy/local/secured-kafka-test.sh (./ist up --kafka on a SASL_SSL broker with least-privilege users).
#
# Adding a step: write a function below and register it with `step <function>` at the bottom.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

START_SECONDS=$SECONDS
STEPS=()
TIMINGS=()
CURRENT_STEP=""

log() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
ensure_apt() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_cmd() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null 2>&1 || ensure_apt "$pkg"
}

# npm ci in DIR unless its node_modules already matches its lock file.
ensure_npm() {
  local dir=$1
  [ -f "$dir/package.json" ] || { echo "ensure_npm: no package.json in $dir" >&2; return 1; }
  ensure_cmd node nodejs
  ensure_cmd npm npm
  if [ -f "$dir/package-lock.json" ]; then
    if [ -f "$dir/node_modules/.package-lock.json" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
      return 0
    fi
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund)
  else
    log "npm install in $dir"
    (cd "$dir" && npm install --no-audit --no-fund)
  fi
}

java_major() {
  java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]) }'
}

# ---------------------------------------------------------------------------------------------------------------
# steps
install_build_tools() {
  ensure_cmd java openjdk-17-jdk-headless
  if [ "$(java_major)" -lt 17 ]; then
    ensure_apt openjdk-17-jdk-headless
    export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
    export PATH="$JAVA_HOME/bin:$PATH"
  fi
  ensure_cmd mvn maven
  # whole output captured first: `| head -1` under pipefail would fail on SIGPIPE
  local v
  v="$(java -version 2>&1)"; echo "${v%%$'\n'*}"
  v="$(mvn -v 2>&1)"; echo "${v%%$'\n'*}"
}

# What the browser test (gateway) and the deployment checks need on a fresh machine.
install_test_tools() {
  # node/npm by command: this image's Node.js comes from a package that already bundles npm
  ensure_cmd node nodejs
  ensure_cmd npm npm
  # xz-utils and unzip unpack the PostgreSQL that ./ist up runs; psql lets the e2e test read its database
  ensure_apt chromium fonts-liberation prometheus docker-compose curl libjemalloc2 xz-utils unzip postgresql-client
  ensure_npm "$ROOT/gateway/src/test/browser"
}

# Unit, integration and browser tests of every module, against a real Kafka broker and S3 server.
maven_verify() {
  mvn -B verify
}

# Compose, kustomize, schemas, Dockerfiles, Prometheus rules and their unit tests, dashboard queries.
deployment_checks() {
  bash "$ROOT/deploy/check.sh"
}

# ./ist demo, ./ist up failures, and a real Prometheus over the running system.
end_to_end() {
  bash "$ROOT/deploy/local/e2e-test.sh"
}

# Two workers on ./ist up's machinery under kill -9, SIGSTOP past the session timeout, poison records, an S3 outage
# and a broker restart: one SUCCEEDED per job, results intact, poison dead-lettered.
fleet_chaos() {
  bash "$ROOT/deploy/local/chaos-test.sh"
}

# ./ist up --kafka on a broker that takes only SCRAM-SHA-512 over TLS and denies what no ACL allows: gateway and
# worker each on its own least-privilege user run a job; refusals and a wrong password's one-line report.
secured_kafka() {
  bash "$ROOT/deploy/local/secured-kafka-test.sh"
}

# ---------------------------------------------------------------------------------------------------------------

step() { STEPS+=("$1"); }

summary() {
  local status=$?
  local total=$((SECONDS - START_SECONDS))
  echo
  echo "---- ./ist test steps ----"
  local t
  for t in "${TIMINGS[@]}"; do echo "$t"; done
  if [ "$status" -eq 0 ] && [ "${#TIMINGS[@]}" -lt "${#STEPS[@]}" ]; then
    # Killed from outside (a CI deadline, ^C): the trap can see status 0, but the steps did not all run.
    echo "INTERRUPTED in step '${CURRENT_STEP:-setup}' after $((total / 60))m$((total % 60))s wall time"
  elif [ "$status" -eq 0 ]; then
    echo "ALL PASSED: ${#STEPS[@]} steps in $((total / 60))m$((total % 60))s wall time"
  else
    echo "FAILED in step '${CURRENT_STEP:-setup}' (exit $status) after $((total / 60))m$((total % 60))s wall time"
  fi
}
trap summary EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

step install_build_tools
step install_test_tools
step maven_verify
step deployment_checks
step end_to_end
step fleet_chaos
step secured_kafka

for s in "${STEPS[@]}"; do
  CURRENT_STEP=$s
  log "step: $s"
  step_start=$SECONDS
  "$s"
  TIMINGS+=("$(printf '%-28s %5ss' "$s" "$((SECONDS - step_start))")")
done
CURRENT_STEP=""

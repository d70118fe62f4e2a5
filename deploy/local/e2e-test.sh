#!/usr/bin/env bash
# End-to-end checks of what `./ist demo` and `./ist up` promise, on real processes (Kafka broker, S3Proxy, PostgreSQL,
# worker, gateway) and a real Prometheus. Run by `./ist test` after the Maven build, so the modules are already packaged.
#   1. `./ist demo` with a random network, small size and few iterations: the result file is an image of the
#      asked size, PostgreSQL ran with its data and 0600 password file under IST_STATE, and every process the demo
#      started has exited.
#   2. `./ist up` with a port already taken (the gateway's, then PostgreSQL's) fails with the explained one-line message.
#   3. `./ist up`, then a real Prometheus scrapes the gateway and the worker while jobs run, and every dashboard
#      query and alert expression is evaluated through its HTTP API (deploy/check-prometheus-e2e.sh); then the
#      client (`ist submit --follow`, `--log-json`, `ist status`, `ist fetch`, bad options) against the same gateway;
#      and worker pools: with a small default budget and one worker of pool "large", a job only the large one fits is
#      routed to pool large and run by that worker; the workers' environment holds no database credentials.
#   4. `./ist up` again on the same IST_STATE: the database is not created again, every row of the first run is still
#      there and the gateway still answers for the first run's job.
# psql (Debian postgresql-client, installed by `./ist test`) reads the database with the password ./ist up generated.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
WORK=$(mktemp -d)
FAILS=0
PASSES=0
BG=()
cleanup() {
  local p
  for p in "${BG[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${BG[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

say() { printf '\n--- e2e: %s\n' "$*"; }
pass() { PASSES=$((PASSES + 1)); printf 'PASS %s\n' "$*"; }
fail() { FAILS=$((FAILS + 1)); printf 'FAIL %s\n' "$*"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    port_busy "$p" || { echo "$p"; return; }
  done
}
use_fresh_ports() {
  export IST_GATEWAY_PORT IST_KAFKA_PORT IST_KAFKA_CONTROLLER_PORT IST_S3_PORT IST_WORKER_METRICS_PORT IST_DB_PORT
  IST_GATEWAY_PORT=$(free_port); IST_KAFKA_PORT=$(free_port); IST_KAFKA_CONTROLLER_PORT=$(free_port)
  IST_S3_PORT=$(free_port); IST_WORKER_METRICS_PORT=$(free_port); IST_DB_PORT=$(free_port)
}

# psql against the job store that `./ist up` started under $IST_STATE (role ist, its generated password)
db_query() {
  PGPASSWORD=$(<"$IST_STATE/postgres/password") PGCONNECT_TIMEOUT=5 \
    psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$IST_DB_PORT" -U ist -d ist -c "$1"
}
# rows in every table of the job store (exact counts, whatever tables the gateway's migrations made)
DB_ROWS_SQL="select coalesce(sum((xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I',
  schemaname, relname), false, true, '')))[1]::text::bigint), 0) from pg_stat_user_tables"
command -v psql >/dev/null || { echo "e2e: psql is missing (apt-get install postgresql-client; ./ist test installs it)"; exit 1; }

# width and height of a PNG from its IHDR chunk
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'; }

all_exited() { # pid file
  local pid name alive=0
  while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then echo "still running: $name (pid $pid)"; alive=1; fi
  done <"$1"
  return $alive
}

# `ist submit|status|fetch` (client/) against the running gateway: a followed job ends in a valid image and exit 0,
# --log-json ends with the terminal event and the saved file, bad input is one line and exit 2.
submit_client_checks() {
  local base=$1 rc id
  say "ist submit --follow against ./ist up"
  set +e
  ./ist submit --gateway "$base" --follow --size 64 --iterations 8 --output "$WORK/submit.png" \
    samples/content.png samples/style.png >"$WORK/submit.out" 2>"$WORK/submit.err"
  rc=$?
  set -e
  if ((rc == 0)) && [[ -f $WORK/submit.png ]] \
      && [[ $(od -An -tx1 -N8 "$WORK/submit.png" | tr -d ' \n') == 89504e470d0a1a0a ]]; then
    read -r w h < <(png_size "$WORK/submit.png")
    if (( (w > h ? w : h) == 64 )); then pass "ist submit --follow exited 0 with a ${w}x${h} PNG"; \
    else fail "ist submit --follow saved a ${w}x${h} PNG, long side should be 64"; fi
  else
    fail "ist submit --follow (exit $rc):"; cat "$WORK/submit.out" "$WORK/submit.err"
  fi
  id=$(head -1 "$WORK/submit.out")
  if ./ist status --gateway "$base" "$id" | grep -q '^status *SUCCEEDED' \
      && ./ist fetch --gateway "$base" "$id" --output "$WORK/fetched.png" >/dev/null 2>&1 \
      && cmp -s "$WORK/submit.png" "$WORK/fetched.png"; then
    pass "ist status shows job $id SUCCEEDED and ist fetch saves the same bytes"
  else
    fail "ist status / ist fetch of job $id"
  fi
  set +e
  ./ist submit --gateway "$base" --follow --log-json --size 64 --iterations 4 --output "$WORK/submit-json.png" \
    samples/content.png samples/style.png >"$WORK/submit.jsonl" 2>"$WORK/submit-json.err"
  rc=$?
  set -e
  if ((rc == 0)) && grep -q '"kind":"event".*"type":"SUCCEEDED"' "$WORK/submit.jsonl" \
      && tail -1 "$WORK/submit.jsonl" | grep -q '"kind":"result"'; then
    pass "ist submit --log-json: $(wc -l <"$WORK/submit.jsonl") JSON lines ending with the saved result"
  else
    fail "ist submit --log-json (exit $rc):"; cat "$WORK/submit.jsonl" "$WORK/submit-json.err"
  fi
  set +e
  ./ist submit --gateway "$base" --sizee 64 samples/content.png samples/style.png >/dev/null 2>"$WORK/bad-option.err"
  rc=$?
  ./ist submit --gateway "$base" --size 5 samples/content.png samples/style.png >/dev/null 2>"$WORK/refused.err"
  rc2=$?
  set -e
  if ((rc == 2)) && [[ $(wc -l <"$WORK/bad-option.err") == 1 ]] && grep -q "Unknown option: '--sizee'" "$WORK/bad-option.err"; then
    pass "a bad option exits 2 with: $(cat "$WORK/bad-option.err")"
  else
    fail "bad option: exit $rc:"; cat "$WORK/bad-option.err"
  fi
  if ((rc2 == 2)) && grep -q "options.size: must be between" "$WORK/refused.err" && ! grep -q "Exception" "$WORK/refused.err"; then
    pass "a refused option exits 2 with: $(tr '\n' ' ' <"$WORK/refused.err")"
  else
    fail "refused option: exit $rc2:"; cat "$WORK/refused.err"
  fi
}

# Worker pools: the default worker's budget is 1 GiB (the sample content fits it up to 399 px with L-BFGS), the
# large-1 worker's 3 GiB; a 448 px job is routed to pool large (the 202 says so) and large-1 runs it.
pool_routing_checks() {
  local base=$1 body id status worker
  say "worker pools: a job only the large pool fits runs there"
  body=$(curl -s -X POST "$base/v1/jobs" -F content=@samples/content.png -F style=@samples/style.png \
    -F 'options={"size":448,"iterations":1,"optimizer":"LBFGS"}')
  id=$(grep -o '"id":"[^"]*"' <<<"$body" | head -1 | cut -d'"' -f4)
  if [[ -n $id ]] && grep -q '"pool":"large"' <<<"$body"; then
    pass "the 202 of a 448 px job names pool large"
  else
    fail "the 448 px job was not routed to pool large: $body"; return
  fi
  for _ in $(seq 1 600); do
    status=$(curl -s "$base/v1/jobs/$id" | grep -o '"status":"[A-Z]*"' | head -1 | cut -d'"' -f4)
    [[ $status == SUCCEEDED || $status == FAILED || $status == CANCELLED ]] && break
    sleep 0.2
  done
  worker=$(curl -s "$base/v1/jobs/$id" | grep -o '"workerId":"[^"]*"' | head -1 | cut -d'"' -f4)
  if [[ $status == SUCCEEDED && $worker == large-1 ]]; then
    pass "job $id SUCCEEDED on worker $worker (pool large)"
  else
    fail "job $id ended $status on worker '$worker', expected SUCCEEDED on large-1"
  fi
}

# ---- 1. ./ist demo -----------------------------------------------------------------------------------------
say "./ist demo (random network, 64 px, 8 iterations)"
use_fresh_ports
export IST_STATE="$WORK/demo"
demo_start=$SECONDS
if ./ist demo --random-weights 1 --size 64 --iterations 8 --output "$WORK/result.png" >"$WORK/demo.out" 2>&1; then
  pass "./ist demo exited 0 in $((SECONDS - demo_start)) s"
else
  fail "./ist demo failed:"; tail -30 "$WORK/demo.out"
fi
if [[ -f $WORK/result.png ]] && [[ $(od -An -tx1 -N8 "$WORK/result.png" | tr -d ' \n') == 89504e470d0a1a0a ]]; then
  read -r w h < <(png_size "$WORK/result.png")
  if (( (w > h ? w : h) == 64 )); then pass "result is a ${w}x${h} PNG"; else fail "result is ${w}x${h}, long side should be 64"; fi
else
  fail "no PNG result at $WORK/result.png"
fi
if [[ -s $IST_STATE/pids ]] && all_exited "$IST_STATE/pids"; then
  pass "every process the demo started has exited ($(awk '{print $2}' "$IST_STATE/pids" | paste -sd, -))"
else
  fail "processes left behind or none recorded"
fi
grep -q "seeded random network" "$WORK/demo.out" && pass "the demo says it runs a random network" \
  || fail "the demo did not announce the random network"
if grep -q ' postgres$' "$IST_STATE/pids" && grep -q "ready to accept connections" "$IST_STATE/logs/postgres.log" \
    && grep -q "database system is shut down" "$IST_STATE/logs/postgres.log"; then
  pass "the demo started PostgreSQL (pid $(awk '$2 == "postgres" {print $1}' "$IST_STATE/pids")) and shut it down cleanly"
else
  fail "PostgreSQL did not start and stop cleanly in the demo:"; tail -5 "$IST_STATE/logs/postgres.log" 2>/dev/null
fi
if [[ -f $IST_STATE/postgres/data/PG_VERSION && $(stat -c %a "$IST_STATE/postgres/password") == 600 ]]; then
  pass "the database lives in $IST_STATE/postgres/data, its generated password in a 0600 file"
else
  fail "no data folder or no 0600 password file under $IST_STATE/postgres"
fi

# ---- 2. a port already taken --------------------------------------------------------------------------------
say "./ist up with the gateway port taken"
use_fresh_ports
export IST_STATE="$WORK/busy"
java "$ROOT/deploy/local/PortHolder.java" "$IST_GATEWAY_PORT" 120 &
holder=$!
BG+=("$holder")
for _ in $(seq 1 100); do port_busy "$IST_GATEWAY_PORT" && break; sleep 0.1; done
set +e
timeout 60 ./ist up --random-weights 1 >"$WORK/busy.out" 2>&1
rc=$?
set -e
kill "$holder" 2>/dev/null || true
if ((rc != 0)) && grep -q "port $IST_GATEWAY_PORT (gateway HTTP) is already in use" "$WORK/busy.out"; then
  pass "refused with: $(grep -m1 'already in use' "$WORK/busy.out")"
else
  fail "expected the port-in-use message (exit $rc):"; cat "$WORK/busy.out"
fi

say "./ist up with PostgreSQL's port taken"
use_fresh_ports
java "$ROOT/deploy/local/PortHolder.java" "$IST_DB_PORT" 120 &
holder=$!
BG+=("$holder")
for _ in $(seq 1 100); do port_busy "$IST_DB_PORT" && break; sleep 0.1; done
set +e
timeout 60 ./ist up --random-weights 1 >"$WORK/busy-db.out" 2>&1
rc=$?
set -e
kill "$holder" 2>/dev/null || true
if ((rc != 0)) && [[ $(grep -c . "$WORK/busy-db.out") == 1 ]] \
    && grep -q "port $IST_DB_PORT (embedded PostgreSQL job store) is already in use.*IST_DB_PORT=<port>" "$WORK/busy-db.out"; then
  pass "refused with: $(cat "$WORK/busy-db.out")"
else
  fail "expected the one-line IST_DB_PORT message (exit $rc):"; cat "$WORK/busy-db.out"
fi

say "./ist up on an old Java and on a nearly full disk"
mkdir -p "$WORK/oldjava"
printf '#!/bin/sh\necho '"'"'java version "11.0.2" 2019-01-15 LTS'"'"' >&2\n' >"$WORK/oldjava/java"
chmod +x "$WORK/oldjava/java"
set +e
PATH="$WORK/oldjava:$PATH" ./ist up >"$WORK/oldjava.out" 2>&1; rc=$?
IST_MIN_FREE_KB=$((1 << 50)) ./ist up >"$WORK/disk.out" 2>&1; rc2=$?
set -e
if ((rc != 0)) && grep -q "Java 11.0.2 is too old: IST needs Java 17 or newer" "$WORK/oldjava.out"; then
  pass "old Java refused with: $(grep -m1 'too old' "$WORK/oldjava.out")"
else
  fail "expected the Java-too-old message (exit $rc):"; cat "$WORK/oldjava.out"
fi
if ((rc2 != 0)) && grep -q "disk almost full" "$WORK/disk.out"; then
  pass "full disk refused with: $(grep -m1 'disk almost full' "$WORK/disk.out")"
else
  fail "expected the disk-full message (exit $rc2):"; cat "$WORK/disk.out"
fi

# ---- 3. ./ist up + real Prometheus over a running job -------------------------------------------------------
say "./ist up, jobs through the API, real Prometheus evaluating every dashboard and alert query"
use_fresh_ports
export IST_STATE="$WORK/up"
IST_WORKER_MEMORY_BUDGET=1g IST_LARGE_WORKERS=1 IST_LARGE_MEMORY_BUDGET=3g \
  ./ist up --random-weights 1 >"$WORK/up.out" 2>&1 &
up_pid=$!
BG+=("$up_pid")
for _ in $(seq 1 900); do
  grep -q "IST is up" "$WORK/up.out" && break
  kill -0 "$up_pid" 2>/dev/null || break
  sleep 0.2
done
if grep -q "IST is up" "$WORK/up.out"; then
  pass "./ist up started every part"
  base="http://127.0.0.1:$IST_GATEWAY_PORT"
  if bash deploy/check-prometheus-e2e.sh --gateway "$base/q/metrics" \
      --worker "http://127.0.0.1:$IST_WORKER_METRICS_PORT/metrics" \
      --run "bash deploy/local/e2e-jobs.sh $base" --strict \
      --allow-empty "${IST_E2E_ALLOW_EMPTY:-GPU memory|ist_worker_gpu_memory_used_bytes}" \
      --report "$WORK/prometheus-e2e.json"; then
    pass "every dashboard and alert query evaluated against a real Prometheus"
  else
    fail "Prometheus end-to-end evaluation"
  fi
  submit_client_checks "$base"
  pool_routing_checks "$base"
  worker_pid=$(awk '$2 == "worker" {print $1}' "$IST_STATE/pids")
  if [[ -r /proc/$worker_pid/environ ]] && ! tr '\0' '\n' <"/proc/$worker_pid/environ" | grep -q '^IST_DB_\(URL\|USER\|PASSWORD\)='; then
    pass "the worker (pid $worker_pid) has no IST_DB_URL/USER/PASSWORD in its environment"
  else
    fail "the worker's environment holds database credentials (or pid $worker_pid is gone)"
  fi
  if rows_before=$(db_query "$DB_ROWS_SQL") && ((rows_before > 0)); then
    pass "psql with the generated password reads the job store: $rows_before rows after the jobs"
  else
    fail "the job store holds no rows after the jobs (or psql failed: '${rows_before:-}')"
  fi
  # least privilege: Flyway migrated as the owner (ist), the gateway's sessions run as ist_gateway (DML only)
  sessions=$(db_query "select coalesce(string_agg(distinct usename, ','), '') from pg_stat_activity where datname = 'ist' and pid <> pg_backend_pid()" || echo "?")
  installers=$(db_query "select string_agg(distinct installed_by, ',') from flyway_schema_history" || echo "?")
  if [[ $sessions == ist_gateway && $installers == ist && $(stat -c %a "$IST_STATE/postgres/gateway-password") == 600 ]]; then
    pass "the gateway runs as role ist_gateway (password in a 0600 file) and Flyway migrated as the owner ist"
  else
    fail "job-store roles: gateway sessions as '$sessions' (want ist_gateway), migrations by '$installers' (want ist)"
  fi
else
  fail "./ist up did not come up:"; tail -30 "$WORK/up.out"
fi
# SIGTERM, as Ctrl-C (SIGINT) is ignored by background jobs of a non-interactive shell
kill -TERM "$up_pid" 2>/dev/null || true
for _ in $(seq 1 600); do kill -0 "$up_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$up_pid" 2>/dev/null; then fail "./ist up did not exit within 60 s of SIGTERM"; kill -KILL "$up_pid"; fi
wait "$up_pid" 2>/dev/null || true
BG=()
if all_exited "$IST_STATE/pids"; then pass "stopping ./ist up stopped every process it started"; else fail "./ist up left processes behind"; fi

# ---- 4. ./ist up again on the same IST_STATE: the job store keeps its data -----------------------------------
say "./ist up restarted on the same IST_STATE"
first_job=$(head -1 "$WORK/submit.out" 2>/dev/null || true)
./ist up --random-weights 1 >"$WORK/up2.out" 2>&1 &
up_pid=$!
BG+=("$up_pid")
for _ in $(seq 1 900); do
  grep -q "IST is up" "$WORK/up2.out" && break
  kill -0 "$up_pid" 2>/dev/null || break
  sleep 0.2
done
if grep -q "IST is up" "$WORK/up2.out"; then
  if grep -q "creating the job-store database" "$WORK/up2.out"; then fail "the second ./ist up created the database again"; \
  else pass "the second ./ist up reused $IST_STATE/postgres/data"; fi
  rows_after=$(db_query "$DB_ROWS_SQL" || echo "?")
  if [[ $rows_after =~ ^[0-9]+$ && ${rows_before:-} =~ ^[0-9]+$ ]] && ((rows_after >= rows_before && rows_before > 0)); then
    pass "the job store kept the first run's rows ($rows_before before the restart, $rows_after after)"
  else
    fail "the job store held ${rows_before:-?} rows before the restart and $rows_after after"
  fi
  if [[ -n $first_job ]] && ./ist status --gateway "http://127.0.0.1:$IST_GATEWAY_PORT" "$first_job" | grep -q '^status *SUCCEEDED'; then
    pass "after the restart the gateway still shows job $first_job SUCCEEDED"
  else
    fail "after the restart the gateway does not show job '$first_job' SUCCEEDED"
  fi
else
  fail "the second ./ist up did not come up:"; tail -30 "$WORK/up2.out"
fi
kill -TERM "$up_pid" 2>/dev/null || true
for _ in $(seq 1 600); do kill -0 "$up_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$up_pid" 2>/dev/null; then fail "the second ./ist up did not exit within 60 s of SIGTERM"; kill -KILL "$up_pid"; fi
wait "$up_pid" 2>/dev/null || true
BG=()
if all_exited "$IST_STATE/pids" && tail -1 "$IST_STATE/logs/postgres.log" | grep -q "database system is shut down"; then
  pass "stopping the second ./ist up stopped every process, PostgreSQL with a clean shutdown"
else
  fail "the second ./ist up left processes behind or PostgreSQL did not shut down cleanly"
fi

echo
echo "e2e: $PASSES passed, $FAILS failed"
((FAILS == 0))

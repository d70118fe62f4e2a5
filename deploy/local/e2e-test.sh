#!/usr/bin/env bash
# End-to-end checks of what `./ist demo` and `./ist up` promise, on real processes (Kafka broker, S3Proxy, worker,
# gateway) and a real Prometheus. Run by `./ist test` after the Maven build, so the modules are already packaged.
#   1. `./ist demo` with a random network, small size and few iterations: the result file is an image of the
#      asked size, and every process the demo started has exited.
#   2. `./ist up` with a port already taken fails with the explained one-line message.
#   3. `./ist up`, then a real Prometheus scrapes the gateway and the worker while jobs run, and every dashboard
#      query and alert expression is evaluated through its HTTP API (deploy/check-prometheus-e2e.sh); then the
#      client (`ist submit --follow`, `--log-json`, `ist status`, `ist fetch`, bad options) against the same gateway;
#      and worker pools: with a small default budget and one worker of pool "large", a job only the large one fits is
#      routed to pool large and run by that worker.
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
  export IST_GATEWAY_PORT IST_KAFKA_PORT IST_KAFKA_CONTROLLER_PORT IST_S3_PORT IST_WORKER_METRICS_PORT
  IST_GATEWAY_PORT=$(free_port); IST_KAFKA_PORT=$(free_port); IST_KAFKA_CONTROLLER_PORT=$(free_port)
  IST_S3_PORT=$(free_port); IST_WORKER_METRICS_PORT=$(free_port)
}

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

echo
echo "e2e: $PASSES passed, $FAILS failed"
((FAILS == 0))

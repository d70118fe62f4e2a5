#!/usr/bin/env bash
# Fleet chaos on `./ist up`'s machinery (deploy/local/ist-local.sh): a real Kafka broker, S3Proxy and TWO workers
# (random network, small Adam jobs, a 6 s session timeout), then, while jobs run:
#   1. kill -9 a worker mid-job, and start it again;
#   2. SIGSTOP a worker mid-job past the session timeout (until the other worker has taken its job), then SIGCONT;
#   3. the poison set produced straight onto ist.jobs (non-JSON, newer version, wrong types, 900 kB of junk);
#   4. S3 stopped mid-job and started again;
#   5. the broker restarted mid-job.
# Then, straight from the topics and the bucket: exactly one terminal event per job, all SUCCEEDED, every result
# object present and decodable, every poison record on the dead-letter topic. Run by `./ist test` after the Maven
# build. Waits are polls with bounds, never bare sleeps that a result depends on.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export IST_HOME="$ROOT"
WORK=$(mktemp -d)
START=$SECONDS

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    port_busy "$p" || port_busy "$((p + 1))" || { echo "$p"; return; }
  done
}
export IST_STATE="$WORK/state" IST_KAFKA_PORT IST_KAFKA_CONTROLLER_PORT IST_S3_PORT IST_WORKER_METRICS_PORT
IST_KAFKA_PORT=$(free_port); IST_KAFKA_CONTROLLER_PORT=$(free_port); IST_S3_PORT=$(free_port)
IST_WORKER_METRICS_PORT=$(free_port) # and +1 for the second worker
export IST_WORKERS=2 IST_WORKER_RANDOM_WEIGHTS=1 IST_WORKER_JAVA_OPTS="-Xmx1g"
export IST_WORKER_SESSION_TIMEOUT=6s IST_WORKER_CHECKPOINT_EVERY=5 IST_WORKER_PREVIEW_EVERY=0
export IST_WORKER_SHUTDOWN_GRACE=10s IST_ENGINE_THREADS=1
SIZE=${IST_CHAOS_SIZE:-64}
ITERATIONS=${IST_CHAOS_ITERATIONS:-40}

# shellcheck source=deploy/local/ist-local.sh
source "$ROOT/deploy/local/ist-local.sh"

say() { printf '\n--- chaos (%ss): %s\n' "$((SECONDS - START))" "$*"; }
die() { printf 'FAIL chaos: %s\n' "$*"; tail -n 20 "$IST_LOGS"/worker-*.log >&2 || true; exit 1; }

CP="$ROOT/worker/target/classes:$ROOT/worker/target/lib/*"
client() { java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$WORK/client:$CP" ChaosClient "$@"; }

pid_of() { # name: the live process started under that name (the last one)
  local i
  for ((i = ${#IST_NAMES[@]} - 1; i >= 0; i--)); do
    if [[ ${IST_NAMES[i]} == "$1" ]] && kill -0 "${IST_PIDS[i]}" 2>/dev/null; then echo "${IST_PIDS[i]}"; return; fi
  done
  return 1
}

await() { # seconds, description, command...: polls the command until it succeeds
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || die "timed out after ${limit}s waiting for $what"
    sleep 0.2
  done
}

EVENTS="$WORK/events.txt"
: >"$EVENTS"
JOBS="$WORK/jobs.txt"
: >"$JOBS"

running_on() { # job -> the worker of its latest RUNNING event
  awk -v j="$1" '$1 == j && $2 == "RUNNING" { w = $3 } END { if (w == "") exit 1; print w }' "$EVENTS"
}
has_progress() { # job worker: a progress tick of that worker exists
  awk -v j="$1" -v w="$2" '$1 == j && $2 == "PROGRESS" && $3 == w { found = 1 } END { exit !found }' "$EVENTS"
}
terminated() { grep -qE "^$1 (SUCCEEDED|FAILED|CANCELLED) " "$EVENTS"; }
all_terminated() {
  local j
  while read -r j; do terminated "$j" || return 1; done <"$JOBS"
}
submit() { client submit "$1" "$SIZE" "$ITERATIONS" | tee -a "$JOBS"; }
running_job() { # a job RUNNING now (on any worker) with a progress tick, not yet finished
  local j w
  while read -r j; do
    terminated "$j" && continue
    w=$(running_on "$j") || continue
    has_progress "$j" "$w" && { echo "$j $w"; return 0; }
  done <"$JOBS"
  return 1
}
wait_running_job() { # sets JOB and WORKER
  local deadline=$((SECONDS + 120)) found
  until found=$(running_job); do
    ((SECONDS < deadline)) || die "no job started running within 120 s"
    sleep 0.2
  done
  read -r JOB WORKER <<<"$found"
}
storage_trouble_seen() { # a worker noticed the outage in this job (a skipped checkpoint or a storage retry)
  # any worker's log: a rebalance (the SIGSTOP of step 2 still settling) can move the job after it started
  grep -qE "of job $JOB skipped|job $JOB: could not" "$IST_LOGS"/worker-*.log
}

say "starting a broker, S3Proxy and two workers"
ist_check_java
mkdir -p "$IST_LOGS"
ist_build_if_missing
mkdir -p "$WORK/client"
javac -nowarn -cp "$CP" -d "$WORK/client" "$ROOT/deploy/local/ChaosClient.java"
: >"$IST_STATE/pids"
WATCH_PID=""
cleanup() {
  local rc=$?
  if [[ -n $WATCH_PID ]]; then kill "$WATCH_PID" 2>/dev/null || true; wait "$WATCH_PID" 2>/dev/null || true; fi
  local p
  for p in $(pid_of worker-1 || true) $(pid_of worker-2 || true); do kill -CONT "$p" 2>/dev/null || true; done
  ist_stop_all
  ((rc == 0)) && rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
ist_start_kafka
ist_start_s3
ist_start_worker 1
ist_start_worker 2
# java itself in the background (not a function's subshell), so $! is the process to stop at the end
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$WORK/client:$CP" ChaosClient watch "$EVENTS" \
  >"$WORK/watch.log" 2>&1 &
WATCH_PID=$!

say "1. kill -9 a worker mid-job, then start it again"
submit 3 >/dev/null
wait_running_job
pid=$(pid_of "$WORKER") || die "no process for $WORKER"
kill -KILL "$pid"
echo "killed $WORKER (pid $pid) while it ran $JOB"
wait "$pid" 2>/dev/null || true
ist_start_worker "${WORKER#worker-}"
await 180 "the killed worker's job $JOB to finish" terminated "$JOB"

say "2. SIGSTOP a worker mid-job past the session timeout, then SIGCONT"
submit 2 >/dev/null
wait_running_job
pid=$(pid_of "$WORKER") || die "no process for $WORKER"
kill -STOP "$pid"
echo "stopped $WORKER (pid $pid) while it ran $JOB"
took_over() { local w; w=$(running_on "$JOB") && [[ $w != "$WORKER" ]]; }
await 120 "another worker to take over $JOB" took_over
kill -CONT "$pid"
echo "resumed $WORKER after $(running_on "$JOB") took $JOB over"

say "3. the poison set straight onto ist.jobs"
client poison | tee "$WORK/poison.txt"

say "4. S3 stopped mid-job and started again"
submit 2 >/dev/null
wait_running_job
s3=$(pid_of s3) || die "no S3 process"
kill -TERM "$s3"; wait "$s3" 2>/dev/null || true
echo "S3 stopped while $WORKER ran $JOB"
await 90 "a worker to run into the outage in $JOB (started on $WORKER)" storage_trouble_seen
ist_start_s3

say "5. the broker restarted mid-job"
submit 2 >/dev/null
wait_running_job
kafka=$(pid_of kafka) || die "no Kafka process"
kill -TERM "$kafka"; wait "$kafka" 2>/dev/null || true
echo "broker stopped while $WORKER ran $JOB"
ist_start_kafka

say "waiting for every job to end"
await 240 "a terminal event for every job" all_terminated
# both workers survived all of it
for n in 1 2; do
  await 60 "worker-$n healthy after the chaos" curl -fs -o /dev/null --max-time 2 \
    "http://127.0.0.1:$((IST_WORKER_METRICS_PORT + n - 1))/health/ready"
done

say "counting straight from ist.events, ist.jobs.dlq and the bucket"
if client verify "$JOBS" "$WORK/poison.txt"; then
  # informational: the writes storage refused to a superseded attempt (the SIGSTOPped worker's, at least)
  echo "chaos: stale writes refused by the fence: $(cat "$IST_LOGS"/worker-*.log | grep -c 'refused: job' || true)"
  echo "chaos: PASSED in $((SECONDS - START)) s"
else
  die "the end state is wrong (see above)"
fi

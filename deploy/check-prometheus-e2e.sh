#!/usr/bin/env bash
# Starts a real Prometheus (Debian package) on loopback, scrapes the given gateway and worker
# metrics URLs with IST's alert rules loaded, waits for the first scrapes (polling the HTTP API),
# optionally runs a command meanwhile (e.g. an end-to-end job), then evaluates EVERY dashboard query
# and EVERY alert expression through /api/v1/query and prints a table of which return series.
#
#   deploy/check-prometheus-e2e.sh --gateway http://127.0.0.1:8080/q/metrics \
#       --worker http://127.0.0.1:9400/metrics [--worker URL ...] \
#       [--run 'command that drives a job'] [--strict] [--allow-empty REGEX] \
#       [--rate-interval 1m] [--report FILE.json] [--timeout SECONDS] [--scrape-interval 2s]
#
# Exit 1 when a query errors, a rule fails to evaluate, or the first scrape never comes; with
# --strict also when a dashboard query or metric returns no series (except names matching
# --allow-empty, e.g. 'GPU memory|ist_worker_gpu_memory_used_bytes' on CPU workers) or a target
# is down. The exit status of --run's command is passed on when it fails.
set -uo pipefail

usage() { sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 2; }
gateway=""; workers=(); run_cmd=""; node_args=(); timeout=90; scrape=2s
while (($#)); do
  case $1 in
    --gateway) gateway=$2; shift 2 ;;
    --worker) workers+=("$2"); shift 2 ;;
    --run) run_cmd=$2; shift 2 ;;
    --strict) node_args+=(--strict); shift ;;
    --allow-empty|--rate-interval|--report) node_args+=("$1" "$2"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --scrape-interval) scrape=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ -n $gateway && ${#workers[@]} -gt 0 ]] || usage

cd "$(dirname "$0")/.."
# shellcheck source=deploy/schema/ensure.sh
source deploy/schema/ensure.sh
ensure_apt prometheus=prometheus curl=curl node=nodejs npm=npm || exit 1
ensure_npm || exit 1

TMP=$(mktemp -d)
prom_pid=""
cleanup() {
  if [[ -n $prom_pid ]]; then kill "$prom_pid" 2>/dev/null; wait "$prom_pid" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# URL -> scrape config entry: scheme, host:port, path.
target_yaml() {  # target_yaml <job> <url>...
  local job=$1; shift
  local url scheme rest hostport path
  echo "  - job_name: $job"
  url=$1
  scheme=${url%%://*}; rest=${url#*://}; hostport=${rest%%/*}; path=/${rest#*/}
  [[ $rest == */* ]] || path=/metrics
  echo "    scheme: $scheme"
  echo "    metrics_path: $path"
  echo "    static_configs:"
  echo "      - targets:"
  for url in "$@"; do
    rest=${url#*://}; echo "          - \"${rest%%/*}\""
  done
}
{
  echo "global:"
  echo "  scrape_interval: $scrape"
  echo "  evaluation_interval: $scrape"
  echo "rule_files:"
  echo "  - $TMP/ist-alerts.yml"
  echo "scrape_configs:"
  target_yaml ist-gateway "$gateway"
  # Workers share one job; they must share a metrics path (the first URL's).
  target_yaml ist-worker "${workers[@]}"
} > "$TMP/prometheus.yml"
cp deploy/prometheus/ist-alerts.yml "$TMP/ist-alerts.yml"
promtool check config "$TMP/prometheus.yml" >/dev/null || { promtool check config "$TMP/prometheus.yml"; exit 1; }

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
url="http://127.0.0.1:$port"
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/data" \
  --web.listen-address="127.0.0.1:$port" --log.level=warn >"$TMP/prometheus.log" 2>&1 &
prom_pid=$!
echo "prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') on $url (pid $prom_pid), scraping every $scrape"

# Poll a PromQL expression until it returns a sample with value >= want (or time runs out).
wait_for() {  # wait_for <description> <expr> <want>
  local what=$1 expr=$2 want=$3 deadline=$((SECONDS + timeout)) v
  while ((SECONDS < deadline)); do
    kill -0 "$prom_pid" 2>/dev/null || { echo "prometheus exited:"; cat "$TMP/prometheus.log"; exit 1; }
    v=$(curl -fsS --max-time 2 --get "$url/api/v1/query" --data-urlencode "query=$expr" 2>/dev/null \
      | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const r=JSON.parse(s).data.result;console.log(r.length?r[0].value[1]:"")}catch{console.log("")}})')
    if [[ -n $v ]] && node -e "process.exit(Number('$v') >= $want ? 0 : 1)"; then
      echo "$what: ok (after ${SECONDS}s)"; return 0
    fi
    sleep 0.5
  done
  echo "$what: not reached within ${timeout}s (query: $expr)"; tail -n 20 "$TMP/prometheus.log"; exit 1
}
ntargets=$((1 + ${#workers[@]}))
# Every target scraped twice (rate() needs two samples).
wait_for "first scrape of all $ntargets targets" 'count(up{job=~"ist-gateway|ist-worker"})' "$ntargets"
wait_for "second scrape of all targets" 'min(count_over_time(up{job=~"ist-gateway|ist-worker"}[10m]))' 2

run_rc=0
if [[ -n $run_cmd ]]; then
  echo "running: $run_cmd"
  bash -c "$run_cmd"; run_rc=$?
  echo "command exited with $run_rc"
  # Wait until every target has been scraped after the command ended, and rules evaluated again.
  ended=$(date +%s)
  wait_for "scrape after the command" "min(timestamp(up{job=~\"ist-gateway|ist-worker\"})) - $ended" 0
  wait_for "second scrape after the command" "min(timestamp(up{job=~\"ist-gateway|ist-worker\"})) - $ended - 2" 0
fi

node deploy/schema/prometheus-e2e.mjs --url "$url" "${node_args[@]}"
rc=$?
if ((run_rc != 0)); then exit "$run_rc"; fi
exit "$rc"

#!/usr/bin/env bash
# The print-size budget check (too slow for CI on 2 cores; run by hand, report the figures):
#   tools/highres-budget-check.sh CONTENT STYLE SIZE BUDGET ITERATIONS [extra ist transfer options]
# e.g. tools/highres-budget-check.sh content-4096x3072.png style.png 4096 4g 1
# Runs `ist transfer` with --memory-budget BUDGET (random VGG19 weights), samples the RSS of the Java process every
# second, and prints the peak, the budget, their ratio (the issue's bound: at most 1.10) and the seconds per iteration
# from the --log-json lines. Also prints the load average before and after (the machine may be shared).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
content="$1" style="$2" size="$3" budget="$4" iterations="$5"
shift 5
out="$(mktemp -d)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# ist transfer applies the API's size limit (2048 by default); print sizes are what this check is for
export IST_LIMITS_MAX_SIZE="${IST_LIMITS_MAX_SIZE:-$size}"
"$ROOT/ist" transfer --content "$content" --style "$style" --output "$out/out.png" --size "$size" \
  --iterations "$iterations" --random-weights 1 --memory-budget "$budget" --log-json "$@" >"$out/log.jsonl" 2>"$out/err.txt" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [[ -n "$rss" && "$rss" -gt "$peak" ]] && peak=$rss
  sleep 1
done
wait "$pid" && rc=0 || rc=$?
hwm_note="(sampled every 1 s)"
budget_kb=$(( $(numfmt --from=iec "${budget^^}") / 1024 ))
echo "exit $rc; peak RSS $((peak / 1024)) MiB $hwm_note; budget $((budget_kb / 1024)) MiB; ratio $(awk -v p="$peak" -v b="$budget_kb" 'BEGIN {printf "%.3f", p / b}')"
grep -o '"iteration":[0-9]*\|"elapsed_ms":[0-9]*' "$out/log.jsonl" | paste - - | tail -n +1 || true
tail -3 "$out/err.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "output and logs in $out"

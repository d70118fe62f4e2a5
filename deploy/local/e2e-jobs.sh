#!/usr/bin/env bash
# Drives the running system through its HTTP API so every dashboard panel has something to show:
# a refused upload (4xx), a job that succeeds, a job that is cancelled. Usage: e2e-jobs.sh BASE_URL
set -euo pipefail
base=$1
samples="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../samples" && pwd)"

field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$2" | head -1; }
submit() { # size iterations
  curl -fsS -X POST "$base/v1/jobs" -F "content=@$samples/content.png" -F "style=@$samples/style.png" \
    -F "options={\"size\":$1,\"iterations\":$2}"
}
wait_status() { # id, wanted regex, seconds
  local s deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    s=$(field status "$(curl -fsS "$base/v1/jobs/$1")")
    [[ $s =~ ^($2)$ ]] && { echo "job $1: $s"; return 0; }
    sleep 0.5
  done
  echo "job $1 did not reach $2 (last: $s)" >&2
  return 1
}

code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/v1/jobs" -F "content=@$0;type=image/png" -F "style=@$samples/style.png")
echo "non-image upload answered $code"
[[ $code == 415 ]]

ok=$(field id "$(submit 64 12)")
wait_status "$ok" SUCCEEDED 300

slow=$(field id "$(submit 128 400)")
wait_status "$slow" 'RUNNING' 120
curl -fsS -o /dev/null -X DELETE "$base/v1/jobs/$slow"
wait_status "$slow" CANCELLED 120

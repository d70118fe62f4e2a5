# Sourced by deploy/check.sh and deploy/check-prometheus-e2e.sh: installs what the checks need
# when it is missing. ensure_apt <command>=<debian package>...; ensure_npm (npm ci in deploy/schema
# only when package-lock.json changed since the last install).
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

ensure_apt() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
  done
  ((${#missing[@]})) || return 0
  echo "installing ${missing[*]} (apt)"
  as_root apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "FAIL  could not install ${missing[*]}"; return 1; }
}

ensure_npm() {
  local dir sum
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [[ -f $dir/node_modules/.ist-lock-sum && $(cat "$dir/node_modules/.ist-lock-sum") == "$sum" ]]; then
    return 0
  fi
  echo "installing npm packages of deploy/schema (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) \
    || { echo "FAIL  npm ci in deploy/schema"; return 1; }
  echo "$sum" > "$dir/node_modules/.ist-lock-sum"
}

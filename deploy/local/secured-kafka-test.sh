#!/usr/bin/env bash
# `./ist up --kafka` against a secured broker, as an operator would run one (README, "Kafka connection and security"):
#   1. a KRaft broker from the Kafka jars ./ist up installs, with one SASL_SSL listener (SCRAM-SHA-512 over TLS, a
#      CA and broker certificate made here by keytool), the StandardAuthorizer and allow.everyone.if.no.acl.found=false;
#      SCRAM users admin (the only super user), ist-gateway and ist-worker created when the storage is formatted;
#      the controller listener is mutual TLS on loopback (the CA signs only the broker's certificate, and only its
#      principal User:CN=localhost is a super user besides admin);
#   2. the admin creates IST's topics and exactly the README's ACLs for ist-gateway and ist-worker
#      (deploy/local/SecuredKafkaAdmin.java, on the Admin API of the same jars);
#   3. `./ist up --kafka 127.0.0.1:PORT` with IST_GATEWAY_KAFKA_CLIENT_CONFIG / IST_WORKER_KAFKA_CLIENT_CONFIG naming
#      each component's own client file: a submitted job (64 px, 10 iterations, random weights) ends SUCCEEDED;
#   4. a client without a login is refused; the gateway's user cannot advertise capacity (ist.workers) nor put an
#      event on ist.events, the worker's cannot put a job on ist.jobs;
#   5. a worker started with a wrong password stays live, is not ready, and logs one line naming sasl.jaas.config.
# Run by `./ist test` after the Maven build (the modules are packaged). Own IST_STATE and random ports; no secret is
# printed (passwords live in 0600 files, reach keytool through its environment, and are on a command line only for the
# storage tool's --add-scram, which takes them no other way). Waits are polls with deadlines.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export IST_HOME="$ROOT"
WORK=$(mktemp -d)
START=$SECONDS
FAILS=0
PASSES=0
BG=()
cleanup() {
  local p
  for p in "${BG[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${BG[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

say() { printf '\n--- secured kafka (%ss): %s\n' "$((SECONDS - START))" "$*"; }
pass() { PASSES=$((PASSES + 1)); printf 'PASS %s\n' "$*"; }
fail() { FAILS=$((FAILS + 1)); printf 'FAIL %s\n' "$*"; }
die() { printf 'FAIL secured kafka: %s\n' "$*"; exit 1; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    port_busy "$p" || { echo "$p"; return; }
  done
}
await() { # seconds, description, command...: polls the command until it succeeds
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.3
  done
}
secret() { od -An -tx1 -N18 /dev/urandom | tr -d ' \n'; }
# the short-lived JVMs (keytool, the storage tool, the admin tool) start faster without the optimising compiler
QUICK_JVM=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto)

export IST_STATE="$WORK/state" IST_GATEWAY_PORT IST_S3_PORT IST_WORKER_METRICS_PORT IST_DB_PORT
IST_GATEWAY_PORT=$(free_port); IST_S3_PORT=$(free_port); IST_WORKER_METRICS_PORT=$(free_port); IST_DB_PORT=$(free_port)
KAFKA_PORT=$(free_port); CONTROLLER_PORT=$(free_port)
LOGS="$IST_STATE/logs"
SEC="$WORK/secrets"
mkdir -p "$LOGS" "$SEC" && chmod 700 "$SEC"
umask 077

# ---- the Kafka jars, as ./ist up installs them -------------------------------------------------------------------
say "fetching the Kafka jars into $IST_STATE/lib"
mvn -q -B -f deploy/local/pom.xml -Dout="$IST_STATE/lib" package >"$LOGS/fetch.log" 2>&1 \
  || { tail -20 "$LOGS/fetch.log"; die "could not fetch the Kafka jars"; }
CP="$IST_STATE/lib/kafka/*"
javac -d "$WORK/admin-tool" -cp "$CP" deploy/local/SecuredKafkaAdmin.java || die "could not compile SecuredKafkaAdmin.java"
admin_tool() { java "${QUICK_JVM[@]}" -cp "$WORK/admin-tool:$CP" SecuredKafkaAdmin "$@"; }

# ---- certificates: a CA, the broker's key for 127.0.0.1/localhost, a truststore with the CA ------------------------
say "making a CA and the broker's certificate with keytool"
STORE_PASSWORD=$(secret)
export IST_TLS_STORE_PASSWORD=$STORE_PASSWORD
kt() {
  keytool "$@" -storetype PKCS12 -storepass:env IST_TLS_STORE_PASSWORD "${QUICK_JVM[@]/#/-J}" >>"$LOGS/keytool.log" 2>&1 \
    || die "keytool $1 failed; see $LOGS/keytool.log"
}
kt -genkeypair -alias ca -dname "CN=IST secured-kafka test CA" -ext bc:c -keyalg EC -groupname secp256r1 \
  -validity 2 -keystore "$SEC/ca.p12"
kt -exportcert -rfc -alias ca -keystore "$SEC/ca.p12" -file "$SEC/ca.pem"
kt -importcert -noprompt -alias ca -file "$SEC/ca.pem" -keystore "$SEC/truststore.p12"
kt -genkeypair -alias broker -dname "CN=localhost" -keyalg EC -groupname secp256r1 -validity 2 -keystore "$SEC/broker.p12"
kt -certreq -alias broker -keystore "$SEC/broker.p12" -file "$SEC/broker.csr"
kt -gencert -alias ca -keystore "$SEC/ca.p12" -infile "$SEC/broker.csr" -outfile "$SEC/broker.pem" -rfc -validity 2 \
  -ext san=dns:localhost,ip:127.0.0.1
kt -importcert -noprompt -alias ca -file "$SEC/ca.pem" -keystore "$SEC/broker.p12"
kt -importcert -alias broker -file "$SEC/broker.pem" -keystore "$SEC/broker.p12"

# ---- the broker --------------------------------------------------------------------------------------------------
say "starting a SASL_SSL broker on 127.0.0.1:$KAFKA_PORT"
ADMIN_PASSWORD=$(secret); GATEWAY_PASSWORD=$(secret); WORKER_PASSWORD=$(secret)
scram_jaas() { echo "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$1\" password=\"$2\";"; }
mkdir -p "$IST_STATE/kafka"
cat >"$IST_STATE/kafka/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$(scram_jaas admin "$ADMIN_PASSWORD")
ssl.keystore.type=PKCS12
ssl.keystore.location=$SEC/broker.p12
ssl.keystore.password=$STORE_PASSWORD
ssl.truststore.type=PKCS12
ssl.truststore.location=$SEC/truststore.p12
ssl.truststore.password=$STORE_PASSWORD
# the controller listener takes only the broker's own certificate (principal User:CN=localhost)
listener.name.controller.ssl.client.auth=required
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:CN=localhost
allow.everyone.if.no.acl.found=false
auto.create.topics.enable=false
log.dirs=$IST_STATE/kafka/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
java "${QUICK_JVM[@]}" -cp "$CP" kafka.tools.StorageTool format -t "$(java "${QUICK_JVM[@]}" -cp "$CP" kafka.tools.StorageTool random-uuid)" \
  -c "$IST_STATE/kafka/server.properties" --standalone \
  --add-scram "SCRAM-SHA-512=[name=admin,password=$ADMIN_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=ist-gateway,password=$GATEWAY_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=ist-worker,password=$WORKER_PASSWORD]" >"$LOGS/kafka-format.log" 2>&1 \
  || { tail -5 "$LOGS/kafka-format.log"; die "formatting the broker's storage failed"; }
java -Xmx512m -cp "$CP" kafka.Kafka "$IST_STATE/kafka/server.properties" >"$LOGS/kafka.log" 2>&1 &
BROKER_PID=$!
BG+=("$BROKER_PID")

client_file() { # file, user, password: a SCRAM-over-TLS client properties file (0600)
  cat >"$1" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(scram_jaas "$2" "$3")
ssl.truststore.type=PKCS12
ssl.truststore.location=$SEC/truststore.p12
ssl.truststore.password=$STORE_PASSWORD
EOF
}
client_file "$SEC/admin.properties" admin "$ADMIN_PASSWORD"
client_file "$SEC/gateway.properties" ist-gateway "$GATEWAY_PASSWORD"
client_file "$SEC/worker.properties" ist-worker "$WORKER_PASSWORD"
client_file "$SEC/worker-typo.properties" ist-worker "not-$WORKER_PASSWORD"
printf 'security.protocol=SSL\nssl.truststore.type=PKCS12\nssl.truststore.location=%s\nssl.truststore.password=%s\n' \
  "$SEC/truststore.p12" "$STORE_PASSWORD" >"$SEC/no-login.properties"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

broker_listens() { ! kill -0 "$BROKER_PID" 2>/dev/null || port_busy "$KAFKA_PORT"; }
await 90 "the broker's port" broker_listens || true
broker_answers() { kill -0 "$BROKER_PID" 2>/dev/null && admin_tool probe "$BOOTSTRAP" "$SEC/admin.properties" >/dev/null 2>&1; }
await 60 "the broker" broker_answers || { tail -20 "$LOGS/kafka.log"; die "the secured broker did not answer the admin within 90 s"; }
pass "the broker answers its admin over SCRAM-SHA-512/TLS"

say "creating IST's topics and the README's ACLs for ist-gateway and ist-worker"
admin_tool setup "$BOOTSTRAP" "$SEC/admin.properties" ist-gateway ist-worker || die "topics/ACLs (above)"

# ---- refusals ------------------------------------------------------------------------------------------------------
set +e
out=$(admin_tool probe "$BOOTSTRAP" "$SEC/no-login.properties" 2>/dev/null); rc=$?
set -e
# the broker (which just answered the admin) closes a TLS connection that does not go on to log in: the client gets
# no answer at all, only its own time-out
if ((rc == 3)); then pass "a client without a login gets nothing: ${out#refused: }"; else fail "a client without a login: exit $rc: $out"; fi
refused_write() { # user, topic: that user's record on that topic is refused for want of an ACL
  local out rc
  set +e
  out=$(admin_tool send "$BOOTSTRAP" "$SEC/$1.properties" "$2" 2>/dev/null); rc=$?
  set -e
  if ((rc == 3)) && grep -q TopicAuthorizationException <<<"$out"; then
    pass "the $1 user may not write to $2: ${out#refused: }"
  else
    fail "the $1 user writing to $2: exit $rc: $out"
  fi
}
refused_write gateway ist.workers
refused_write gateway ist.events
refused_write worker ist.jobs

# ---- ./ist up --kafka on it -----------------------------------------------------------------------------------------
say "./ist up --kafka $BOOTSTRAP, gateway and worker each with its own user"
export IST_GATEWAY_KAFKA_CLIENT_CONFIG="$SEC/gateway.properties" IST_WORKER_KAFKA_CLIENT_CONFIG="$SEC/worker.properties"
# the topics exist; the gateway's user has no CREATE (README: only where ist.kafka.create-topics=true)
export IST_KAFKA_CREATE_TOPICS=false IST_WORKER_JAVA_OPTS="-Xmx1g" IST_ENGINE_THREADS=1
# FP32: no AUTO calibration at the workers' start (precision is not what this step is about)
export IST_WORKER_PRECISION=FP32
./ist up --kafka "$BOOTSTRAP" --random-weights 1 >"$WORK/up.out" 2>&1 &
up_pid=$!
BG+=("$up_pid")
is_up() { grep -q "IST is up" "$WORK/up.out" || ! kill -0 "$up_pid" 2>/dev/null; }
await 240 "./ist up" is_up || true
if grep -q "IST is up" "$WORK/up.out"; then
  pass "./ist up started gateway and worker on the secured broker"
  base="http://127.0.0.1:$IST_GATEWAY_PORT"
  set +e
  timeout 120 ./ist submit --gateway "$base" --follow --size 64 --iterations 10 --output "$WORK/result.png" \
    samples/content.png samples/style.png >"$WORK/submit.out" 2>"$WORK/submit.err"
  rc=$?
  set -e
  # only the gateway's user may write ist.jobs and only the worker's may read group ist-workers: a job that runs
  # shows each component logged in as its own user
  id=$(head -1 "$WORK/submit.out" 2>/dev/null || true)
  if ((rc == 0)) && [[ -n $id ]] && ./ist status --gateway "$base" "$id" | grep -q '^status *SUCCEEDED'; then
    pass "job $id SUCCEEDED through the gateway and worker users (result $(wc -c <"$WORK/result.png") bytes)"
  else
    fail "the job on the secured broker (exit $rc):"; cat "$WORK/submit.out" "$WORK/submit.err"; tail -20 "$IST_STATE/logs/worker.log"
  fi
  if grep -q 'sasl.jaas.config=\[hidden\]' "$IST_STATE/logs/gateway.log" "$IST_STATE/logs/worker.log" \
      && ! grep -qF -e "$ADMIN_PASSWORD" -e "$GATEWAY_PASSWORD" -e "$WORKER_PASSWORD" -e "$STORE_PASSWORD" \
        "$LOGS"/*.log "$WORK"/*.out; then
    pass "the logs show the client settings with every secret hidden, and no password"
  else
    fail "a password in the logs, or the effective Kafka settings not logged"
  fi

  # ---- a worker with a wrong password: live, not ready, one line naming the setting ------------------------------
  say "a worker with a wrong password"
  typo_port=$(free_port)
  IST_KAFKA_CLIENT_CONFIG="$SEC/worker-typo.properties" IST_KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" IST_WORKER_ID=typo \
    IST_WORKER_METRICS_PORT=$typo_port IST_WORKER_METRICS_BIND_ADDRESS=127.0.0.1 IST_JAVA_OPTS="-Xmx1g" \
    IST_S3_ENDPOINT="http://127.0.0.1:$IST_S3_PORT" IST_S3_ACCESS_KEY="${IST_LOCAL_S3_ACCESS_KEY:-istlocal}" \
    IST_S3_SECRET_KEY="${IST_LOCAL_S3_SECRET_KEY:-istlocal-secret}" IST_WORKER_RANDOM_WEIGHTS=1 ./ist worker >"$LOGS/worker-typo.log" 2>&1 &
  typo_pid=$!
  BG+=("$typo_pid")
  live_and_refused() {
    curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$typo_port/health/live" \
      && grep -q "sasl.jaas.config" "$LOGS/worker-typo.log"
  }
  if await 90 "the worker's refusal" live_and_refused; then
    ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$typo_port/health/ready" || true)
    lines=$(grep -c "Kafka refused the login.*sasl.jaas.config" "$LOGS/worker-typo.log" || true)
    if [[ $ready == 503 ]] && ((lines >= 1)); then
      pass "the worker with a wrong password is live, not ready ($ready), and says: $(grep -m1 -o 'Kafka refused the login.*' "$LOGS/worker-typo.log")"
    else
      fail "wrong password: ready answered $ready, $lines refusal lines"; tail -20 "$LOGS/worker-typo.log"
    fi
  else
    fail "the worker with a wrong password was not live with a line naming sasl.jaas.config within 90 s"; tail -20 "$LOGS/worker-typo.log"
  fi
else
  fail "./ist up on the secured broker did not come up:"; tail -30 "$WORK/up.out"; tail -20 "$IST_STATE/logs/gateway.log" 2>/dev/null || true
fi

cleanup
BG=()
echo
echo "secured kafka: $PASSES passed, $FAILS failed in $((SECONDS - START)) s"
if ((FAILS == 0)); then rm -rf "$WORK"; else echo "logs kept in $LOGS"; fi
((FAILS == 0))

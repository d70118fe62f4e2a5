#!/bin/bash
# Compose's sasl profile (service kafka-sasl-init): topics, SCRAM users and exactly the ACLs of the README's
# least-privilege table, as the broker's admin (PLAIN, over the compose network). Idempotent.
# Needs: IST_KAFKA_ADMIN_PASSWORD, IST_KAFKA_GATEWAY_PASSWORD, IST_KAFKA_WORKER_PASSWORD, IST_JOBS_PARTITIONS.
set -euo pipefail
bin=/opt/kafka/bin
admin=/tmp/admin.properties
(umask 077 && printf '%s\n' "security.protocol=SASL_PLAINTEXT" "sasl.mechanism=PLAIN" \
  "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$IST_KAFKA_ADMIN_PASSWORD\";" >"$admin")
b=(--bootstrap-server kafka-sasl:9092 --command-config "$admin")
topic() { "$bin/kafka-topics.sh" "${b[@]}" --create --if-not-exists --replication-factor 1 --topic "$@"; }
for t in ist.jobs ist.jobs.high ist.jobs.low ist.events; do topic "$t" --partitions "$IST_JOBS_PARTITIONS" --config retention.ms=604800000; done
topic ist.jobs.dlq --partitions 3 --config retention.ms=2592000000
topic ist.control --partitions 1 --config retention.ms=86400000
topic ist.workers --partitions 1 --config cleanup.policy=compact

"$bin/kafka-configs.sh" "${b[@]}" --alter --entity-type users --entity-name ist-gateway --add-config "SCRAM-SHA-512=[password=$IST_KAFKA_GATEWAY_PASSWORD]"
"$bin/kafka-configs.sh" "${b[@]}" --alter --entity-type users --entity-name ist-worker --add-config "SCRAM-SHA-512=[password=$IST_KAFKA_WORKER_PASSWORD]"

# acl USER OPERATIONS RESOURCE... : OPERATIONS comma-separated; a resource ending in * is a prefix
acl() {
  local user=$1 ops=$2 res=$3 kind name pattern=literal args=()
  kind=${res%%:*}; name=${res#*:}
  [[ $name == *'*' ]] && { pattern=prefixed; name=${name%'*'}; }
  IFS=, read -ra list <<<"$ops"
  for op in "${list[@]}"; do args+=(--operation "$op"); done
  "$bin/kafka-acls.sh" "${b[@]}" --add --allow-principal "User:$user" "${args[@]}" "--$kind" "$name" --resource-pattern-type "$pattern"
}
acl ist-gateway Write,Read,Describe topic:ist.jobs*
acl ist-gateway Write,Read,Describe topic:ist.control
acl ist-gateway Read,Describe topic:ist.events
acl ist-gateway Read,Describe topic:ist.workers
acl ist-gateway Read group:ist-gateway-projector
acl ist-gateway Read group:ist-gateway-webhooks
acl ist-worker Read,Describe topic:ist.jobs*
acl ist-worker Read group:ist-workers
acl ist-worker Write,Read,Describe topic:ist.events
acl ist-worker Write,Describe topic:ist.jobs.dlq
acl ist-worker Read,Describe topic:ist.control
acl ist-worker Read,Write,Describe topic:ist.workers
acl ist-worker Write topic:ist.jobs.pool.large*
"$bin/kafka-acls.sh" "${b[@]}" --list

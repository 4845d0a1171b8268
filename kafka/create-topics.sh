#!/usr/bin/env bash
# Creates (or checks) Ferry's topics, as declared in kafka/topics.yaml, on a real Kafka cluster.
#
# Usage: kafka/create-topics.sh BOOTSTRAP [REPLICATION_FACTOR]
#   BOOTSTRAP           host:port of any broker, e.g. kafka-0.kafka:9092
#   REPLICATION_FACTOR  default 3 (use 1 for a single-broker cluster)
# Needs: bash, awk, and Apache Kafka's kafka-topics.sh on PATH (or KAFKA_HOME set).
# Extra client settings (TLS, SASL) go in a properties file named by KAFKA_COMMAND_CONFIG.
# Topics that already exist are left unchanged (their configs are not altered).
set -euo pipefail

bootstrap=${1:?usage: $0 BOOTSTRAP [REPLICATION_FACTOR]}
replication=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
topics_file="$here/topics.yaml"

kafka_topics=$(command -v kafka-topics.sh || true)
if [[ -z "$kafka_topics" && -n "${KAFKA_HOME:-}" ]]; then
  kafka_topics="$KAFKA_HOME/bin/kafka-topics.sh"
fi
if [[ -z "$kafka_topics" || ! -x "$kafka_topics" ]]; then
  echo "kafka-topics.sh not found: put Apache Kafka's bin/ on PATH or set KAFKA_HOME" >&2
  exit 2
fi
extra=()
[[ -n "${KAFKA_COMMAND_CONFIG:-}" ]] && extra=(--command-config "$KAFKA_COMMAND_CONFIG")

# topics.yaml keeps one "- name:" block per topic with flat "key: value" lines; awk turns each into one line.
awk '
  /^[[:space:]]*#/ { next }
  /^[[:space:]]*- name:/ { if (name != "") print name, parts, policy, retention, maxbytes;
                           name = $3; parts = ""; policy = "delete"; retention = "604800000"; maxbytes = "1048576"; next }
  /^[[:space:]]*partitions:/        { parts = $2 }
  /^[[:space:]]*cleanup-policy:/    { policy = $2 }
  /^[[:space:]]*retention-ms:/      { retention = $2 }
  /^[[:space:]]*max-message-bytes:/ { maxbytes = $2 }
  END { if (name != "") print name, parts, policy, retention, maxbytes }
' "$topics_file" | while read -r name parts policy retention maxbytes; do
  echo "topic $name: partitions=$parts cleanup.policy=$policy retention.ms=$retention max.message.bytes=$maxbytes"
  "$kafka_topics" --bootstrap-server "$bootstrap" "${extra[@]}" --create --if-not-exists --topic "$name" \
    --partitions "$parts" --replication-factor "$replication" \
    --config "cleanup.policy=$policy" --config "retention.ms=$retention" --config "max.message.bytes=$maxbytes"
done

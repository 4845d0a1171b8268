#!/usr/bin/env bash
# Signs one Juju RPC request as Ferry's wire contract says (DESIGN.md, "Request headers and signing"), produces it
# with kcat, then waits for the response with the same ferry-correlation-id and prints its JSON on stdout.
#
# Usage: kafka/send-request.sh [--print-signature] BOOTSTRAP MODEL_UUID CALLER PASSWORD FACADE VERSION METHOD PARAMS_JSON
#   e.g. kafka/send-request.sh 127.0.0.1:9092 7d9f3c1e-52a4-4b8e-9c61-0a2f4e8b3d15 machine-0 "$PASSWORD" \
#          Provisioner 11 Life '{"entities":[{"tag":"machine-0"}]}'
#   --print-signature  sign only: print the value, its SHA-256, the derived key, the canonical string's fields and
#                      the signature as "name: value" lines, and send nothing (needs openssl only, no broker)
#
# Optional environment:
#   FERRY_REQUESTS_TOPIC   default juju.rpc.requests
#   FERRY_RESPONSES_TOPIC  default juju.rpc.responses; any other is sent as the ferry-reply-to header, and must be
#                          one of Ferry's ferry.rpc.reply-topics
#   FERRY_TIMEOUT          seconds to wait for the response, default 30
#   FERRY_REQUEST_ID       the request-id in the JSON, default 1
#   FERRY_CORRELATION_ID   default a fresh random UUID
#   FERRY_TIMESTAMP        milliseconds since the epoch, default now
#   FERRY_LOOKBACK_MS      how far before "now" to start reading responses (clock skew), default 60000
#   KCAT_OPTS              extra kcat options for both directions, e.g. "-X security.protocol=SSL"
# Needs: bash, OpenSSL 3 (openssl kdf), od, and kcat (not for --print-signature).
# Exit status: 0 response printed, 1 no response in time, 2 usage or tool error.
# Note: the password appears on openssl's command line (as hex); use it on a machine you trust.
set -euo pipefail

usage() {
  sed -n '5,6p' "$0" | sed 's/^# //' >&2
  exit 2
}

print_only=false
if [[ "${1:-}" == "--print-signature" ]]; then
  print_only=true
  shift
fi
(( $# == 8 )) || usage
bootstrap=$1 model=$2 caller=$3 password=$4 facade=$5 version=$6 method=$7 params=$8

requests_topic=${FERRY_REQUESTS_TOPIC:-juju.rpc.requests}
responses_topic=${FERRY_RESPONSES_TOPIC:-juju.rpc.responses}
timeout=${FERRY_TIMEOUT:-30}
request_id=${FERRY_REQUEST_ID:-1}
lookback=${FERRY_LOOKBACK_MS:-60000}

fail() {
  echo "send-request: $*" >&2
  exit 2
}
# The JSON value is assembled by hand, so only names that need no escaping are allowed in it.
[[ $facade =~ ^[A-Za-z][A-Za-z0-9]*$ ]] || fail "FACADE must be a name like Provisioner, got '$facade'"
[[ $method =~ ^[A-Za-z][A-Za-z0-9]*$ ]] || fail "METHOD must be a name like Life, got '$method'"
[[ $version =~ ^[0-9]+$ ]] || fail "VERSION must be a number, got '$version'"
[[ $request_id =~ ^[0-9]+$ ]] || fail "FERRY_REQUEST_ID must be a number, got '$request_id'"
[[ -n $password ]] || fail "PASSWORD must not be empty"
command -v openssl >/dev/null || fail "openssl not found"

hex() { od -An -v -tx1 | tr -d ' \n'; }

if [[ -n ${FERRY_CORRELATION_ID:-} ]]; then
  correlation_id=$FERRY_CORRELATION_ID
else
  # A random (version 4) UUID from 16 random bytes.
  r=$(openssl rand -hex 16)
  variant=$(printf '%x' $(( (0x${r:16:1} & 0x3) | 0x8 )))
  correlation_id="${r:0:8}-${r:8:4}-4${r:13:3}-${variant}${r:17:3}-${r:20:12}"
fi
now_ms=$(date +%s%3N)
[[ $now_ms =~ ^[0-9]+$ ]] || now_ms=$(( $(date +%s) * 1000 )) # date without %N
timestamp=${FERRY_TIMESTAMP:-$now_ms}

work=$(mktemp -d)
kcat_pid=
cleanup() {
  [[ -n $kcat_pid ]] && kill "$kcat_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The value is written to a file and sent from it, so the bytes signed are the bytes sent.
printf '{"request-id":%s,"type":"%s","version":%s,"request":"%s","params":%s}' \
  "$request_id" "$facade" "$version" "$method" "$params" > "$work/value"
value_sha256=$(openssl dgst -sha256 -r "$work/value" | cut -d' ' -f1)

# K = PBKDF2-HMAC-SHA256(password, "ferry:" + caller, 10000 iterations, 32 bytes); hex options keep any byte safe.
derived_key=$(openssl kdf -keylen 32 -kdfopt digest:SHA256 \
  -kdfopt "hexpass:$(printf '%s' "$password" | hex)" -kdfopt "hexsalt:$(printf 'ferry:%s' "$caller" | hex)" \
  -kdfopt iter:10000 PBKDF2 | tr -d ':\n' | tr 'A-F' 'a-f')
[[ ${#derived_key} == 64 ]] || fail "openssl kdf did not derive a key (OpenSSL 3 is needed)"

printf '%s\n%s\n%s\n%s\n%s\n%s' "$requests_topic" "$model" "$caller" "$correlation_id" "$timestamp" \
  "$value_sha256" > "$work/canonical"
signature=$(openssl dgst -sha256 -mac HMAC -macopt "hexkey:$derived_key" -r "$work/canonical" | cut -d' ' -f1)

if $print_only; then
  printf 'value: %s\n' "$(cat "$work/value")"
  printf 'value-sha256: %s\n' "$value_sha256"
  printf 'derived-key: %s\n' "$derived_key"
  printf 'topic: %s\nkey: %s\ncaller: %s\ncorrelation-id: %s\ntimestamp: %s\n' \
    "$requests_topic" "$model" "$caller" "$correlation_id" "$timestamp"
  printf 'signature: %s\n' "$signature"
  exit 0
fi

command -v kcat >/dev/null || fail "kcat not found (Debian/Ubuntu: apt-get install kcat)"
read -r -a kcat_opts <<< "${KCAT_OPTS:-}"

# Read responses first, from a little before now, so the response cannot slip past between produce and consume.
mkfifo "$work/responses"
kcat -C -b "$bootstrap" -t "$responses_topic" -o "s@$(( now_ms - lookback ))" -u -q \
  -X isolation.level=read_committed -f '%h\t%s\n' "${kcat_opts[@]}" > "$work/responses" 2> "$work/consumer.log" &
kcat_pid=$!
exec 3< "$work/responses"

headers=(-H "ferry-caller=$caller" -H "ferry-correlation-id=$correlation_id" -H "ferry-timestamp=$timestamp"
  -H "ferry-signature=$signature")
[[ $responses_topic != juju.rpc.responses ]] && headers+=(-H "ferry-reply-to=$responses_topic")
# murmur2 is the Java clients' partitioner: the same model then lands on the same partition whoever sends.
kcat -P -b "$bootstrap" -t "$requests_topic" -k "$model" "${headers[@]}" -X topic.partitioner=murmur2_random \
  -X acks=all -X enable.idempotence=true "${kcat_opts[@]}" "$work/value" \
  || fail "kcat could not produce the request"
echo "sent request $correlation_id as $caller to $requests_topic, waiting on $responses_topic" >&2

deadline=$(( SECONDS + timeout ))
while (( SECONDS < deadline )); do
  IFS= read -r -t $(( deadline - SECONDS )) line <&3 || break
  if [[ $line == *"ferry-correlation-id=$correlation_id"* ]]; then
    printf '%s\n' "${line#*$'\t'}"
    exit 0
  fi
done
echo "send-request: no response to $correlation_id within ${timeout}s" >&2
[[ -s $work/consumer.log ]] && cat "$work/consumer.log" >&2
exit 1

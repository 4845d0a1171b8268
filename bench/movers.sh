#!/usr/bin/env bash
# Mover benchmark: each mover's full sync of a generated tree against its tool run directly, and a 1% re-sync.
# Usage: bench/movers.sh [MiB, default 1024] [runs, default 3] [movers, default rsync,rclone,restic].
# Needs rsync, rclone, restic on the PATH. BENCH_JAVA_OPTS=-Dferry.bench.rclone-checksum=false: rclone without
# --checksum (ferry.replication.rclone.checksum=false); -Dferry.bench.rsync-sparse=false: rsync without -S.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
exec java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.ferry.replication.bench.MoverBenchmark "${1:-1024}" "${2:-3}" "${3:-rsync,rclone,restic}"

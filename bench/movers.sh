#!/usr/bin/env bash
# Mover benchmark: each mover's full sync of a generated tree against its tool run directly, and a 1% re-sync.
# Usage: bench/movers.sh [MiB, default 1024] [runs, default 3]. Needs rsync, rclone, restic on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.ferry.replication.bench.MoverBenchmark "${1:-1024}" "${2:-3}"

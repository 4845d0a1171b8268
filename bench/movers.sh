#!/usr/bin/env bash
# Mover benchmark: each mover's full sync of a generated tree, then re-syncs after changing 1%, 2% and 5% of it,
# against its tool run directly on the same tree and against the same work run directly, interleaved; medians.
# Usage: bench/movers.sh [MiB, default 1024] [runs, default 3] [movers, default rsync,rclone,rclone-nochecksum,restic].
# Needs rsync, rclone, restic and getfacl on the PATH. BENCH_NO_BUILD=1: use the classes already compiled (for
# example by `./mvnw -o test-compile dependency:build-classpath -Dmdep.includeScope=test
# -Dmdep.outputFile=target/bench.classpath`). BENCH_JAVA_OPTS=-Dferry.bench.rsync-sparse=false: rsync without -S.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  ./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath
fi
exec java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.ferry.replication.bench.MoverBenchmark "${1:-1024}" "${2:-3}" "${3:-rsync,rclone,rclone-nochecksum,restic}"

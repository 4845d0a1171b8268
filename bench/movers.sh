#!/usr/bin/env bash
# Mover benchmark: each mover's full sync of a generated tree, then re-syncs after changing 1%, 2% and 5% of it,
# against its tool run directly on the same tree and against the same work run directly, interleaved; medians.
# Usage: bench/movers.sh [MiB, default 1024] [runs, default 3] [movers, default rsync,rclone,rclone-nochecksum,restic].
# Needs rsync, rclone, restic and getfacl on the PATH. BENCH_NO_BUILD=1: use the classes already compiled (for
# example by `./mvnw -o test-compile dependency:build-classpath -Dmdep.includeScope=test
# -Dmdep.outputFile=target/bench.classpath`). BENCH_JAVA_OPTS=-Dferry.bench.rsync-sparse=false: rsync without -S.
# BENCH_PAGE_REPORTING=keep: leave the guest's free page reporting as it is (see below).
set -euo pipefail
cd "$(dirname "$0")/.."
# A virtual machine that reports freed pages to its host (virtio-balloon free page reporting) gives them back, and
# the next page cache to use them is faulted in again from the host: the same `rsync -a` of 1 GiB then took 1.6 s
# or 6 s depending on what the minute before freed. For the run only, no free block is reported (an order above
# the largest); the setting is restored on exit.
order=/sys/module/page_reporting/parameters/page_reporting_order
if [ "${BENCH_PAGE_REPORTING:-}" != keep ] && [ -w "$order" ]; then
  saved=$(cat "$order")
  trap 'echo "$saved" > "$order"' EXIT
  echo 11 > "$order"
  echo "free page reporting paused for the run (page_reporting_order $saved -> 11)"
elif [ -e "$order" ]; then
  echo "free page reporting left on: expect run-to-run noise of up to 3x in the tools' own times"
fi
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  ./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath
fi
java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.ferry.replication.bench.MoverBenchmark "${1:-1024}" "${2:-3}" "${3:-rsync,rclone,rclone-nochecksum,restic}"

#!/usr/bin/env bash
# Training throughput of the project's networks on this machine (random data): one process with
# all cores, one process with one thread, and Spark local[N] parameter averaging with one thread
# per worker; DL4J's own convolution beside the native one. Rows go to runs/throughput.csv
# (appended) and each part prints a Markdown table. Takes about 10 minutes on 2 cores.
#
# With --augmentation first: augmentation throughput of the tutorial pipeline on CIFAR-sized
# images (one thread, then Spark local[N]) against the tutorial CNN's training on one thread;
# rows go to runs/augmentation.csv. Takes about 2 minutes.
#
# Usage: submit/benchmark.sh [--dry-run] [ThroughputBenchmark options, e.g. --models lenet5]
#        submit/benchmark.sh [--dry-run] --augmentation [AugmentationBenchmark options]
#   --dry-run   print the commands instead of running them
# Environment: SPARK_CNN_CORES (default: nproc), MVN (see submit/common.sh)
# PyTorch peers for the same networks: bench/torch_throughput.py (run by hand).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CORES=${SPARK_CNN_CORES:-$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)}
JAR=$(app_jar)
bench() {
  local threads=$1 main=$2
  shift 2
  local cmd=(env "OMP_NUM_THREADS=$threads" java "${JAVA17_OPENS[@]}" -Xmx6g "$DL4J_CLOCK_OPT"
    "-Dlog4j2.configurationFile=$SPARK_CNN_HOME/conf/log4j2.properties"
    -cp "$JAR:$(cat "$SPARK_CNN_HOME/spark-jobs/target/spark-classpath.txt" 2>/dev/null || true)"
    "org.sparkcnn.bench.$main" "$@")
  if [[ "$DRY_RUN" == 1 ]]; then
    printf '%q ' "${cmd[@]}" | sed 's/ $//'
    echo
  else
    "${cmd[@]}"
  fi
}

if [[ "${1:-}" == --augmentation ]]; then
  shift
  bench 1 AugmentationBenchmark --workers "$CORES" "$@"
  exit 0
fi
bench "$CORES" ThroughputBenchmark --mode single "$@"
bench 1 ThroughputBenchmark --mode single "$@"
bench 1 ThroughputBenchmark --mode spark --workers "$CORES" "$@"

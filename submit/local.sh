#!/usr/bin/env bash
# Runs TrainJob in Spark local mode on this machine: by default LeNet-5 on Fashion-MNIST from
# the Debian package dataset-fashion-mnist (installed here when missing and apt-get can be used).
#
# Usage: submit/local.sh [--dry-run] [--conf FILE]... [--set key=value]...
#   --dry-run   print the command instead of running it
#
# Environment:
#   SPARK_CNN_CORES          executor threads, the N of local[N]         (default: nproc)
#   SPARK_CNN_DRIVER_MEMORY  driver JVM heap                             (default: 6g)
#   SPARK_HOME               when set, launch through $SPARK_HOME/bin/spark-submit; otherwise
#                            plain java with the Spark jars Maven resolved (no install needed)
#   SPARK_CNN_LOG_CONFIG     log4j2 configuration                        (default: conf/log4j2.properties)
#   MVN, OMP_NUM_THREADS     see submit/common.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# (nproc itself would answer OMP_NUM_THREADS, which common.sh sets to 1.)
CORES=${SPARK_CNN_CORES:-$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)}
DRIVER_MEMORY=${SPARK_CNN_DRIVER_MEMORY:-6g}
LOG_CONFIG=${SPARK_CNN_LOG_CONFIG:-$SPARK_CNN_HOME/conf/log4j2.properties}
DATASET_DIR=/usr/share/datasets/fashion-mnist

if [[ ! -d "$DATASET_DIR" && "$DRY_RUN" == 0 ]]; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing the Fashion-MNIST dataset (Debian package dataset-fashion-mnist)..." >&2
    apt-get update -qq >&2 && apt-get install -y -qq dataset-fashion-mnist >&2
  else
    echo "warning: $DATASET_DIR is missing; the default configuration reads it. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y dataset-fashion-mnist" >&2
  fi
fi

JAR=$(app_jar)
if [[ -n "${SPARK_HOME:-}" ]]; then
  run "$SPARK_HOME/bin/spark-submit" \
    --master "local[$CORES]" \
    --driver-memory "$DRIVER_MEMORY" \
    --driver-java-options "$DL4J_CLOCK_OPT -Dlog4j2.configurationFile=$LOG_CONFIG" \
    --class "$MAIN_CLASS" \
    "$JAR" "$@"
fi
run java "${JAVA17_OPENS[@]}" \
  -Xmx"$DRIVER_MEMORY" \
  "-Dspark.master=local[$CORES]" \
  "$DL4J_CLOCK_OPT" \
  "-Dlog4j2.configurationFile=$LOG_CONFIG" \
  -cp "$JAR:$(cat "$SPARK_CNN_HOME/spark-jobs/target/spark-classpath.txt" 2>/dev/null || true)" \
  "$MAIN_CLASS" "$@"

#!/usr/bin/env bash
# Runs TrainJob in Spark local mode on this machine: by default LeNet-5 on Fashion-MNIST from
# the Debian package dataset-fashion-mnist (installed here when missing and apt-get can be used).
#
# Usage: submit/local.sh [--dry-run] [--placement cpu|gpu] [--conf FILE]... [--set key=value]...
#   --dry-run     print the command instead of running it
#   --placement   the ND4J backend of the one JVM (driver and executor threads): cpu, or gpu
#                 with the CUDA backend jars on the class path; hybrid needs executors in JVMs
#                 of their own, which local mode has not
#
# Environment:
#   SPARK_CNN_CORES          executor threads, the N of local[N]         (default: nproc)
#   SPARK_CNN_DRIVER_MEMORY  driver JVM heap; JavaCPP's off-heap limits follow (common.sh)
#                                                                        (default: 6g)
#   SPARK_HOME               when set, launch through $SPARK_HOME/bin/spark-submit; otherwise
#                            plain java with the Spark jars Maven resolved (no install needed)
#   SPARK_CNN_LOG_CONFIG     log4j2 configuration                        (default: conf/log4j2.properties)
#   SPARK_CNN_MAIN_CLASS     the job (default: TrainJob; prune.sh, experiment.sh set it)
#   SPARK_CNN_PLACEMENT      placement when --placement is not given     (default: cpu)
#   SPARK_CNN_CUDA_JARS      CUDA backend jars for --placement gpu       (default: spark-jobs/target/cuda-jars)
#   MVN, OMP_NUM_THREADS     see submit/common.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

launch_options "$@"
if [[ "$PLACEMENT" == hybrid ]]; then
  usage_error "placement hybrid puts the executors on CUDA and the driver on the CPU: it needs" \
    "executors in JVMs of their own, and local mode runs them inside the driver's"
fi
if [[ -n "$DEPLOY_MODE" || -n "$MASTER" ]]; then
  usage_error "local.sh runs on local[N]: --deploy-mode and --master are for the cluster scripts"
fi

# (nproc itself would answer OMP_NUM_THREADS, which common.sh sets to 1.)
CORES=${SPARK_CNN_CORES:-$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)}
DRIVER_MEMORY=${SPARK_CNN_DRIVER_MEMORY:-6g}
LOG_CONFIG=${SPARK_CNN_LOG_CONFIG:-$SPARK_CNN_HOME/conf/log4j2.properties}
DATASET_DIR=/usr/share/datasets/fashion-mnist
memory_plan "$DRIVER_MEMORY" PLAN
read -r -a JAVACPP_OPTS <<< "$(javacpp_opts "${PLAN[1]}" "${PLAN[2]}")"
mapfile -t BACKEND_ENV < <(backend_env driver)
CUDA_CLASSPATH=
CUDA_JARS=
if [[ "$PLACEMENT" == gpu ]]; then
  CUDA_CLASSPATH=$(cuda_jars :)
  CUDA_JARS=$(cuda_jars ,)
fi

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
  run env "${BACKEND_ENV[@]}" "$SPARK_HOME/bin/spark-submit" \
    --master "local[$CORES]" \
    --driver-memory "${PLAN[0]}m" \
    --driver-java-options "$DL4J_CLOCK_OPT -Dlog4j2.configurationFile=$LOG_CONFIG ${JAVACPP_OPTS[*]}" \
    ${CUDA_JARS:+--jars "$CUDA_JARS"} \
    --class "$MAIN_CLASS" \
    "$JAR" "${JOB_ARGS[@]}"
fi
SPARK_CLASSPATH=$(cat "$SPARK_CNN_HOME/spark-jobs/target/spark-classpath.txt" 2>/dev/null || true)
run env "${BACKEND_ENV[@]}" java "${JAVA17_OPENS[@]}" \
  -Xmx"${PLAN[0]}m" \
  "-Dspark.master=local[$CORES]" \
  "$DL4J_CLOCK_OPT" \
  "-Dlog4j2.configurationFile=$LOG_CONFIG" \
  "${JAVACPP_OPTS[@]}" \
  -cp "$JAR:$SPARK_CLASSPATH${CUDA_CLASSPATH:+:$CUDA_CLASSPATH}" \
  "$MAIN_CLASS" "${JOB_ARGS[@]}"

#!/usr/bin/env bash
# Submits TrainJob to a Spark cluster with spark-submit (client deploy mode by default).
#
# Usage: submit/submit.sh [--dry-run] MASTER [--conf FILE]... [--set key=value]...
#   MASTER      spark://host:7077, yarn, k8s://https://host:443, local[N]
#   --dry-run   print the spark-submit command instead of running it
# Input and run.output-root must be paths every executor can read (hdfs://, s3a://, shared disk).
#
# Environment:
#   SPARK_HOME                 Spark 3.5 installation (Scala 2.12)          (required)
#   SPARK_CNN_DEPLOY_MODE      client or cluster                            (default: client)
#   SPARK_CNN_DRIVER_MEMORY    driver memory                                (default: 4g)
#   SPARK_CNN_EXECUTOR_MEMORY  executor heap; ND4J arrays live off-heap     (default: 8g)
#   SPARK_CNN_EXECUTOR_CORES   cores (and training tasks) per executor      (default: 2)
#   SPARK_CNN_SUBMIT_OPTS      more spark-submit options, split on spaces   (default: none)
#   MVN, OMP_NUM_THREADS       see submit/common.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 1 || "$1" == -* ]]; then
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
MASTER=$1
shift
SPARK_SUBMIT=${SPARK_HOME:+$SPARK_HOME/bin/spark-submit}
if [[ -z "$SPARK_SUBMIT" ]]; then
  if [[ "$DRY_RUN" == 0 ]]; then
    echo "error: SPARK_HOME is not set (a Spark 3.5 installation for Scala 2.12)" >&2
    exit 2
  fi
  # shellcheck disable=SC2016 # printed as written, for the reader to expand
  SPARK_SUBMIT='$SPARK_HOME/bin/spark-submit'
fi
read -r -a EXTRA <<< "${SPARK_CNN_SUBMIT_OPTS:-}"

JAR=$(app_jar)
run "$SPARK_SUBMIT" \
  --master "$MASTER" \
  --deploy-mode "${SPARK_CNN_DEPLOY_MODE:-client}" \
  --driver-memory "${SPARK_CNN_DRIVER_MEMORY:-4g}" \
  --executor-memory "${SPARK_CNN_EXECUTOR_MEMORY:-8g}" \
  --executor-cores "${SPARK_CNN_EXECUTOR_CORES:-2}" \
  --driver-java-options "$DL4J_CLOCK_OPT" \
  --conf "spark.executor.extraJavaOptions=$DL4J_CLOCK_OPT" \
  --conf "spark.executorEnv.OMP_NUM_THREADS=$OMP_NUM_THREADS" \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator \
  "${EXTRA[@]}" \
  --class "$MAIN_CLASS" \
  "$JAR" "$@"

#!/usr/bin/env bash
# Submits TrainJob to a Spark standalone cluster.
#
# Usage: submit/standalone.sh [--dry-run] [--master spark://host:7077] [--deploy-mode client|cluster]
#                             [--placement cpu|gpu|hybrid] [--conf FILE]... [--set key=value]...
#   --dry-run      print the spark-submit command instead of running it
#   --master       the master URL (default: SPARK_CNN_MASTER)
#   --deploy-mode  client: the driver is this process; cluster: a worker runs it  (default: client)
#   --placement    the ND4J backend of the driver and the executors (submit/common.sh)
# Input and run.output-root must be paths every executor can read (hdfs://, s3a://, shared disk);
# in cluster mode so must the application jar (SPARK_CNN_APP_JAR=hdfs://... or a path present on
# every worker). GPU executors need workers that offer GPUs: in each worker's spark-env.sh,
#   SPARK_WORKER_OPTS="-Dspark.worker.resource.gpu.amount=N -Dspark.worker.resource.gpu.discoveryScript=/path/to/conf/gpu-discovery.sh"
#
# Environment (defaults and the memory rule in submit/common.sh):
#   SPARK_HOME                 Spark 3.5 installation (Scala 2.12)                 (required)
#   SPARK_CNN_MASTER           spark://host:port, when --master is not given       (required)
#   SPARK_CNN_MAIN_CLASS       the job (default: TrainJob; prune.sh, experiment.sh set it)
#   SPARK_CNN_PLACEMENT        cpu, gpu or hybrid, when --placement is not given   (default: cpu)
#   SPARK_CNN_DRIVER_MEMORY    driver heap                                         (default: 4g)
#   SPARK_CNN_EXECUTOR_MEMORY  executor heap; off-heap and overhead follow         (default: 8g)
#   SPARK_CNN_EXECUTOR_CORES   cores per executor                                  (default: 2)
#   SPARK_CNN_EXECUTORS        executors (--total-executor-cores = executors x cores) (default: 2)
#   SPARK_CNN_EXECUTOR_GPUS    GPUs per executor with placement gpu or hybrid      (default: 1)
#   SPARK_CNN_CUDA_JARS        CUDA backend jars to ship, or "installed"   (default: spark-jobs/target/cuda-jars)
#   SPARK_CNN_APP_JAR          application jar                        (default: the one built here)
#   SPARK_CNN_SUBMIT_OPTS      more spark-submit options, split on spaces          (default: none)
#   MVN, OMP_NUM_THREADS       see submit/common.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

launch_options "$@"
cluster_command standalone
run "${CMD[@]}"

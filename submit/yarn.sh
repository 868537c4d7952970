#!/usr/bin/env bash
# Submits TrainJob to a Hadoop YARN cluster (HADOOP_CONF_DIR or YARN_CONF_DIR names it).
#
# Usage: submit/yarn.sh [--dry-run] [--deploy-mode client|cluster] [--placement cpu|gpu|hybrid]
#                       [--conf FILE]... [--set key=value]...
#   --dry-run      print the spark-submit command instead of running it
#   --deploy-mode  client: the driver is this process; cluster: the application master is
#                  (default: client)
#   --placement    the ND4J backend of the driver and the executors (submit/common.sh)
# Input and run.output-root must be paths every executor can read (hdfs://, s3a://). GPU
# executors need YARN's GPU resource type (yarn.io/gpu, Hadoop 3.1+); Spark asks for it from
# spark.executor.resource.gpu.amount, and conf/gpu-discovery.sh travels with --files.
#
# Environment (defaults and the memory rule in submit/common.sh):
#   SPARK_HOME                 Spark 3.5 installation (Scala 2.12)                 (required)
#   HADOOP_CONF_DIR            read by spark-submit: the cluster's configuration   (required)
#   SPARK_CNN_MAIN_CLASS       the job (default: TrainJob; prune.sh, experiment.sh set it)
#   SPARK_CNN_PLACEMENT        cpu, gpu or hybrid, when --placement is not given   (default: cpu)
#   SPARK_CNN_DRIVER_MEMORY    driver heap; in cluster mode overhead follows       (default: 4g)
#   SPARK_CNN_EXECUTOR_MEMORY  executor heap; off-heap and overhead follow         (default: 8g)
#   SPARK_CNN_EXECUTOR_CORES   cores per executor                                  (default: 2)
#   SPARK_CNN_EXECUTORS        executors (--num-executors)                         (default: 2)
#   SPARK_CNN_EXECUTOR_GPUS    GPUs per executor with placement gpu or hybrid      (default: 1)
#   SPARK_CNN_CUDA_JARS        CUDA backend jars to ship, or "installed"   (default: spark-jobs/target/cuda-jars)
#   SPARK_CNN_APP_JAR          application jar                        (default: the one built here)
#   SPARK_CNN_SUBMIT_OPTS      more spark-submit options, e.g. --queue q, split on spaces (default: none)
#   MVN, OMP_NUM_THREADS       see submit/common.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

launch_options "$@"
cluster_command yarn
run "${CMD[@]}"

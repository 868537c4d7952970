#!/usr/bin/env bash
# Submits TrainJob to Kubernetes: the driver (in cluster mode) and the executors run as pods of
# one container image holding Spark 3.5 and Java 17.
#
# Usage: submit/k8s.sh [--dry-run] [--master k8s://https://host:port] [--deploy-mode client|cluster]
#                      [--placement cpu|gpu|hybrid] [--conf FILE]... [--set key=value]...
#   --dry-run      print the spark-submit command instead of running it
#   --master       the API server (default: SPARK_CNN_MASTER)
#   --deploy-mode  client: the driver is this process, which executors must reach (inside the
#                  cluster: a headless service); cluster: a driver pod      (default: client)
#   --placement    the ND4J backend of the driver and the executors (submit/common.sh)
# Input and run.output-root must be paths every pod can read (hdfs://, s3a://). The application
# jar is best baked into the image, SPARK_CNN_APP_JAR=local:///opt/spark-cnn/app.jar; a jar on
# this machine goes through SPARK_CNN_K8S_UPLOAD_PATH in cluster mode. GPU executors need the
# NVIDIA device plugin on the nodes, an image with the CUDA 11.x libraries
# (docs/placement-and-gpus.md, "The CUDA backend") and conf/gpu-discovery.sh in it; the CUDA
# backend jars are best in the image too, in $SPARK_HOME/jars (SPARK_CNN_CUDA_JARS=installed).
#
# Environment (defaults and the memory rule in submit/common.sh):
#   SPARK_HOME                 Spark 3.5 installation (Scala 2.12)                 (required)
#   SPARK_CNN_MASTER           k8s://https://host:port, when --master is not given (required)
#   SPARK_CNN_K8S_IMAGE        container image of the driver and executors         (required)
#   SPARK_CNN_K8S_NAMESPACE    namespace of the pods                               (default: default)
#   SPARK_CNN_K8S_SERVICE_ACCOUNT  service account of the driver pod, which creates the executors
#                                                                                  (default: spark)
#   SPARK_CNN_K8S_UPLOAD_PATH  spark.kubernetes.file.upload.path, for local jars in cluster mode
#                              (required then)
#   SPARK_CNN_K8S_GPU_DISCOVERY_SCRIPT  conf/gpu-discovery.sh inside the image
#                                       (default: /opt/spark-cnn/conf/gpu-discovery.sh)
#   SPARK_CNN_MAIN_CLASS       the job (default: TrainJob; prune.sh, experiment.sh set it)
#   SPARK_CNN_PLACEMENT        cpu, gpu or hybrid, when --placement is not given   (default: cpu)
#   SPARK_CNN_DRIVER_MEMORY    driver heap; in cluster mode overhead follows       (default: 4g)
#   SPARK_CNN_EXECUTOR_MEMORY  executor heap; off-heap and overhead follow         (default: 8g)
#   SPARK_CNN_EXECUTOR_CORES   cores per executor                                  (default: 2)
#   SPARK_CNN_EXECUTORS        executors (--num-executors)                         (default: 2)
#   SPARK_CNN_EXECUTOR_GPUS    GPUs per executor with placement gpu or hybrid      (default: 1)
#   SPARK_CNN_CUDA_JARS        CUDA backend jars to ship, or "installed"   (default: spark-jobs/target/cuda-jars)
#   SPARK_CNN_APP_JAR          application jar, e.g. local:///path/in/image (default: the one built here)
#   SPARK_CNN_SUBMIT_OPTS      more spark-submit options, split on spaces          (default: none)
#   MVN, OMP_NUM_THREADS       see submit/common.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

launch_options "$@"
cluster_command k8s
run "${CMD[@]}"

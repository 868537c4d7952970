# shellcheck shell=bash disable=SC2034
# (SC2034: the variables are read by the scripts that source this file.)
# Sourced by the scripts in submit/: finds the project, builds the application jar when it is
# missing or older than the sources, and holds what every launch shares: the launcher options
# (--dry-run, --placement, --deploy-mode, --master), the ND4J backend environment of each
# placement, the memory rule and the spark-submit command of the cluster scripts.
#
# Environment (each script's header lists the ones it reads):
#   MVN                        Maven command used to build                  (default: mvn)
#   OMP_NUM_THREADS            OpenMP threads of each training task         (default: the task's
#                              cores: 1 on the CPU, spark.task.cpus with GPUs)
#   SPARK_CNN_PLACEMENT        cpu, gpu or hybrid, when --placement is not given  (default: cpu)
#   SPARK_CNN_CUDA_JARS        directory of the ND4J CUDA backend jars, shipped with --jars for
#                              placement gpu and hybrid; "installed" when Spark's class path on
#                              the nodes (or in the image) has them already
#                              (default: spark-jobs/target/cuda-jars, made by mvn -Pcuda)
#   SPARK_HOME                 Spark 3.5 installation (Scala 2.12); the cluster scripts need it
#   SPARK_CNN_MASTER           master URL when --master is not given (standalone, Kubernetes)
#   SPARK_CNN_APP_JAR          application jar as spark-submit takes it: a path, hdfs://...,
#                              local:///path/in/image   (default: the jar built here)
#   SPARK_CNN_DRIVER_MEMORY    driver JVM heap; off-heap and overhead follow   (default: 4g;
#                              local.sh: 6g)
#   SPARK_CNN_EXECUTOR_MEMORY  executor JVM heap; off-heap and overhead follow (default: 8g)
#   SPARK_CNN_EXECUTOR_CORES   cores per executor                           (default: 2)
#   SPARK_CNN_EXECUTORS        executors                                    (default: 2)
#   SPARK_CNN_EXECUTOR_GPUS    GPUs per executor, one training task each    (default: 1)
#   SPARK_CNN_SUBMIT_OPTS      more spark-submit options, split on spaces   (default: none)
#   SPARK_CNN_MAIN_CLASS       the job's main class (default: org.sparkcnn.train.TrainJob;
#                              submit/prune.sh: org.sparkcnn.prune.PruneJob)
#   SPARK_CNN_K8S_IMAGE, SPARK_CNN_K8S_NAMESPACE, SPARK_CNN_K8S_SERVICE_ACCOUNT,
#   SPARK_CNN_K8S_UPLOAD_PATH, SPARK_CNN_K8S_GPU_DISCOVERY_SCRIPT   Kubernetes: see submit/k8s.sh

# Command substitutions stop on errors too, so that $(...) of a failing function fails.
shopt -s inherit_errexit

# Sourced without arguments, this file shares the caller's: a leading --dry-run is taken here.
DRY_RUN=0
if [[ "${1:-}" == --dry-run ]]; then
  DRY_RUN=1
  shift
fi

SPARK_CNN_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The job: TrainJob, or another job with its command line (submit/prune.sh sets PruneJob).
MAIN_CLASS=${SPARK_CNN_MAIN_CLASS:-org.sparkcnn.train.TrainJob}
# The executors' OpenMP threads follow the task's cores unless the user chose (see omp_threads).
OMP_THREADS_FROM_USER=${OMP_NUM_THREADS:-}
# Spark runs one task per core; more OpenMP threads per task oversubscribe the cores.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# DL4J's Spark statistics default to an NTP clock that fails without network access.
DL4J_CLOCK_OPT=-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource
# The --add-opens list Spark's launcher passes on Java 17 (plain java needs it too).
JAVA17_OPENS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
)
KRYO_CONFS=(
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer
  --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator
)

# Prints the application jar's path, building it first when it is missing or stale (not when
# DRY_RUN=1: then it only prints where the jar is or will be).
app_jar() {
  local jars jar
  jars=("$SPARK_CNN_HOME"/spark-jobs/target/spark-cnn-jobs-*-app.jar)
  jar=${jars[0]}
  if [[ "${DRY_RUN:-0}" == 1 ]]; then
    echo "$jar"
    return
  fi
  if [[ ! -f "$jar" || ! -f "$SPARK_CNN_HOME/spark-jobs/target/spark-classpath.txt" ]] \
      || [[ -n "$(find "$SPARK_CNN_HOME"/pom.xml "$SPARK_CNN_HOME"/*/pom.xml \
                        "$SPARK_CNN_HOME"/*/src/main -newer "$jar" -print -quit)" ]]; then
    echo "building the application jar (${MVN:-mvn} -q -DskipTests package)..." >&2
    (cd "$SPARK_CNN_HOME" && ${MVN:-mvn} -B -q -DskipTests package) >&2
    jars=("$SPARK_CNN_HOME"/spark-jobs/target/spark-cnn-jobs-*-app.jar)
    jar=${jars[0]}
  fi
  echo "$jar"
}

# Runs the command, or only prints it (shell-quoted) when DRY_RUN=1.
run() {
  if [[ "${DRY_RUN:-0}" == 1 ]]; then
    printf '%q ' "$@" | sed 's/ $//'
    echo
    exit 0
  fi
  exec "$@"
}

# Prints "error: MESSAGE" and exits 2, the exit code of bad arguments.
usage_error() {
  echo "error: $*" >&2
  exit 2
}

# Prints the value of the environment variable NAME. When it is empty: on a dry run prints
# '$NAME' (the command shows what is missing), otherwise fails naming it and WHAT it is.
# Use in a plain assignment, X=$(required NAME WHAT), so that the failure stops the script.
required() {
  local name=$1 what=$2
  if [[ -n "${!name:-}" ]]; then
    printf '%s' "${!name}"
  elif [[ "${DRY_RUN:-0}" == 1 ]]; then
    printf '$%s' "$name"
  else
    usage_error "$name is not set ($what)"
  fi
}

# --- Launcher options ------------------------------------------------------------------------

PLACEMENT=${SPARK_CNN_PLACEMENT:-cpu}
DEPLOY_MODE=
MASTER=
JOB_ARGS=()

# Takes the launcher's options out of the arguments, wherever they are: --dry-run,
# --placement cpu|gpu|hybrid, --deploy-mode client|cluster, --master URL. The rest, the job's
# own (--conf FILE, --set key=value), go to JOB_ARGS. Exits 2 on a bad value.
launch_options() {
  while (($# > 0)); do
    case $1 in
      --dry-run) DRY_RUN=1 ;;
      --placement|--deploy-mode|--master)
        if (($# < 2)); then
          usage_error "$1 needs a value"
        fi
        case $1 in
          --placement) PLACEMENT=$2 ;;
          --deploy-mode) DEPLOY_MODE=$2 ;;
          --master) MASTER=$2 ;;
        esac
        shift ;;
      --placement=*) PLACEMENT=${1#*=} ;;
      --deploy-mode=*) DEPLOY_MODE=${1#*=} ;;
      --master=*) MASTER=${1#*=} ;;
      --conf|--set)
        # The job's options with their values, so that a value is never taken for an option.
        JOB_ARGS+=("$1")
        if (($# > 1)); then
          JOB_ARGS+=("$2")
          shift
        fi ;;
      *) JOB_ARGS+=("$1") ;;
    esac
    shift
  done
  case $PLACEMENT in
    cpu|gpu|hybrid) ;;
    *) usage_error "--placement (or SPARK_CNN_PLACEMENT) must be cpu, gpu or hybrid, not '$PLACEMENT'" ;;
  esac
  case $DEPLOY_MODE in
    ''|client|cluster) ;;
    *) usage_error "--deploy-mode must be client or cluster, not '$DEPLOY_MODE'" ;;
  esac
  local arg
  for arg in "${JOB_ARGS[@]}"; do
    if [[ "$arg" == cluster.placement=* && "$arg" != "cluster.placement=$PLACEMENT" ]]; then
      usage_error "$arg disagrees with the placement $PLACEMENT; choose it with --placement"
    fi
  done
  # Last, so that it wins over the job's files: the job checks every JVM's backend against it.
  JOB_ARGS+=(--set "cluster.placement=$PLACEMENT")
}

# --- Placement: which ND4J backend each JVM loads ---------------------------------------------
# ND4J loads the available backend with the highest priority, read from the environment
# (defaults: CPU 0, CUDA 100) and falls back to the CPU, silently, when CUDA fails to load. Each
# JVM gets both priorities, so that a value inherited from a node's environment cannot flip it.

# The backend, cpu or gpu, of ROLE (driver or executor) under the placement.
backend_of() {
  case $PLACEMENT/$1 in
    cpu/*|hybrid/driver) echo cpu ;;
    gpu/*|hybrid/executor) echo gpu ;;
  esac
}

# NAME=VALUE lines of ROLE's backend environment.
backend_env() {
  case $(backend_of "$1") in
    cpu) printf '%s\n' BACKEND_PRIORITY_CPU=200 BACKEND_PRIORITY_GPU=100 ;;
    gpu) printf '%s\n' BACKEND_PRIORITY_CPU=0 BACKEND_PRIORITY_GPU=300 ;;
  esac
}

# The CUDA backend jars for --jars (comma-separated) or a class path (SEPARATOR ":"); prints
# nothing when SPARK_CNN_CUDA_JARS=installed.
cuda_jars() {
  local separator=${1:-,} dir=${SPARK_CNN_CUDA_JARS:-}
  if [[ "$dir" == installed ]]; then
    return
  fi
  if [[ -z "$dir" && -d "$SPARK_CNN_HOME/spark-jobs/target/cuda-jars" ]]; then
    dir=$SPARK_CNN_HOME/spark-jobs/target/cuda-jars
  fi
  if [[ -z "$dir" ]]; then
    if [[ "${DRY_RUN:-0}" == 1 ]]; then
      # shellcheck disable=SC2016 # printed as written, for the reader to expand
      printf '%s' '$SPARK_CNN_CUDA_JARS/*.jar'
      return
    fi
    usage_error "placement $PLACEMENT needs the ND4J CUDA backend: build it with" \
      "'mvn -Pcuda -pl spark-jobs -DskipTests package' (spark-jobs/target/cuda-jars/)," \
      "or set SPARK_CNN_CUDA_JARS to a directory of its jars, or to 'installed'"
  fi
  local files=("$dir"/*.jar)
  if [[ ! -f "${files[0]}" ]]; then
    usage_error "SPARK_CNN_CUDA_JARS=$dir holds no jars"
  fi
  local IFS=$separator
  printf '%s' "${files[*]}"
}

# --- Memory -----------------------------------------------------------------------------------
# ND4J keeps its arrays off the JVM heap, in memory JavaCPP allocates, and Spark sizes a YARN or
# Kubernetes container as heap + spark.{driver,executor}.memoryOverhead. The rule, for a JVM
# whose heap is H MiB (SPARK_CNN_*_MEMORY):
#   -Dorg.bytedeco.javacpp.maxbytes          = H                    ND4J arrays
#   -Dorg.bytedeco.javacpp.maxphysicalbytes  = 2H                   heap + arrays, resident
#   spark.*.memoryOverhead                   = H + max(H/10, 384)   arrays + Spark's own rule
# so a container holds 2H + max(H/10, 384) MiB: the arrays on top of the margin Spark keeps by
# default for the JVM's other native memory (10 %, at least 384 MiB). JavaCPP's own defaults
# are the same H and 2H; stating them keeps the three numbers together. Past maxphysicalbytes
# JavaCPP runs the garbage collector and then fails the allocation with OutOfMemoryError,
# before the cluster manager would kill the container for its size.

# SIZE (Spark's syntax: 512m, 8g, 1t, 4096; no suffix means MiB) in MiB. Exits 2 if malformed.
mebibytes() {
  local size=${1,,}
  if [[ ! "$size" =~ ^([0-9]+)([kmgt]?)b?$ ]]; then
    usage_error "'$1' is not a memory size (like 512m or 8g)"
  fi
  local n=$((10#${BASH_REMATCH[1]}))
  case ${BASH_REMATCH[2]} in
    k) n=$((n / 1024)) ;;
    g) n=$((n * 1024)) ;;
    t) n=$((n * 1024 * 1024)) ;;
  esac
  if ((n < 1)); then
    usage_error "'$1' is less than 1 MiB"
  fi
  echo "$n"
}

# Sets the array NAME to (HEAP OFFHEAP PHYSICAL OVERHEAD), in MiB, for a JVM heap of SIZE by the
# rule above. Call it as a plain command: a malformed SIZE then stops the script.
memory_plan() {
  local heap margin
  heap=$(mebibytes "$1")
  margin=$((heap / 10 > 384 ? heap / 10 : 384))
  read -r -a "$2" <<< "$heap $heap $((2 * heap)) $((heap + margin))"
}

# JavaCPP's limits as -D options, from a plan of memory_plan: javacpp_opts OFFHEAP PHYSICAL.
javacpp_opts() {
  echo "-Dorg.bytedeco.javacpp.maxbytes=${1}m -Dorg.bytedeco.javacpp.maxphysicalbytes=${2}m"
}

# --- The cluster scripts' spark-submit command -------------------------------------------------

# Fills CMD with the spark-submit command for MANAGER (standalone, yarn or k8s) from the options
# launch_options took and the environment; the cluster script then ends with run "${CMD[@]}".
#
# Driver environment (the placement's backend priorities), by deploy mode:
#   client: the driver is the spark-submit process: env NAME=VALUE spark-submit ...
#   YARN cluster: spark.yarn.appMasterEnv.NAME; Kubernetes cluster: spark.kubernetes.driverEnv.NAME
#   standalone cluster: Spark 3.5 has no configuration for it (spark.driverEnv.* is read by
#     some vendors' services, not by Apache Spark). Its legacy RPC submission gateway,
#     org.apache.spark.deploy.Client, hands the master the whole environment of the spark-submit
#     process (sys.env) as the driver's, and the worker launches the driver with it; the REST
#     gateway (spark.master.rest.enabled=true, port 6066) forwards only SPARK_* variables. So:
#     env NAME=VALUE spark-submit, with spark.master.rest.enabled=false to keep the legacy
#     gateway (the default up to Spark 4.0).
# Executors, every mode: spark.executorEnv.NAME.
cluster_command() {
  local manager=$1
  local spark_home master jar cuda_jar_list=
  DEPLOY_MODE=${DEPLOY_MODE:-client}
  spark_home=$(required SPARK_HOME "a Spark 3.5 installation for Scala 2.12")
  if [[ "$manager" == yarn ]]; then
    master=${MASTER:-yarn}
  elif [[ -n "$MASTER" ]]; then
    master=$MASTER
  else
    master=$(required SPARK_CNN_MASTER "the master URL; or give --master")
  fi
  case $manager/$master in
    standalone/spark://*|k8s/k8s://*|yarn/yarn|*/\$SPARK_CNN_MASTER) ;;
    standalone/*) usage_error "standalone.sh needs a spark://host:port master, not '$master'" ;;
    k8s/*) usage_error "k8s.sh needs a k8s://https://host:port master, not '$master'" ;;
    yarn/*) usage_error "yarn.sh submits to the master 'yarn', not '$master'" ;;
  esac

  local driver_memory=${SPARK_CNN_DRIVER_MEMORY:-4g}
  local executor_memory=${SPARK_CNN_EXECUTOR_MEMORY:-8g}
  local cores=${SPARK_CNN_EXECUTOR_CORES:-2} executors=${SPARK_CNN_EXECUTORS:-2}
  local gpus=${SPARK_CNN_EXECUTOR_GPUS:-1}
  local name
  for name in SPARK_CNN_EXECUTOR_CORES SPARK_CNN_EXECUTORS SPARK_CNN_EXECUTOR_GPUS; do
    if [[ -n "${!name:-}" && ! "${!name}" =~ ^[1-9][0-9]*$ ]]; then
      usage_error "$name must be a positive whole number, not '${!name}'"
    fi
  done
  local driver_plan executor_plan
  memory_plan "$driver_memory" driver_plan
  memory_plan "$executor_memory" executor_plan

  # One training task per GPU: the executor's cores split evenly among its GPUs.
  local task_cpus=1
  if [[ "$(backend_of executor)" == gpu ]]; then
    if ((cores % gpus != 0)); then
      usage_error "SPARK_CNN_EXECUTOR_CORES=$cores does not split evenly among" \
        "SPARK_CNN_EXECUTOR_GPUS=$gpus GPUs (one training task per GPU)"
    fi
    task_cpus=$((cores / gpus))
  fi

  local driver_env executor_env name_value
  mapfile -t driver_env < <(backend_env driver)
  mapfile -t executor_env < <(backend_env executor)

  CMD=()
  if [[ "$DEPLOY_MODE" == client || "$manager" == standalone ]]; then
    CMD+=(env "${driver_env[@]}")
  fi
  CMD+=("$spark_home/bin/spark-submit" --master "$master" --deploy-mode "$DEPLOY_MODE"
    --driver-memory "${driver_plan[0]}m"
    --driver-java-options "$DL4J_CLOCK_OPT $(javacpp_opts "${driver_plan[1]}" "${driver_plan[2]}")"
    --conf "spark.driver.memoryOverhead=${driver_plan[3]}m"
    --executor-memory "${executor_plan[0]}m"
    --executor-cores "$cores"
    --conf "spark.executor.memoryOverhead=${executor_plan[3]}m"
    --conf "spark.executor.extraJavaOptions=$DL4J_CLOCK_OPT $(javacpp_opts "${executor_plan[1]}" "${executor_plan[2]}")"
    --conf "spark.executorEnv.OMP_NUM_THREADS=${OMP_THREADS_FROM_USER:-$task_cpus}")
  for name_value in "${executor_env[@]}"; do
    CMD+=(--conf "spark.executorEnv.$name_value")
  done
  if [[ "$DEPLOY_MODE" == cluster ]]; then
    case $manager in
      yarn)
        for name_value in "${driver_env[@]}"; do
          CMD+=(--conf "spark.yarn.appMasterEnv.$name_value")
        done ;;
      k8s)
        for name_value in "${driver_env[@]}"; do
          CMD+=(--conf "spark.kubernetes.driverEnv.$name_value")
        done ;;
      standalone)
        CMD+=(--conf spark.master.rest.enabled=false) ;;
    esac
  fi
  CMD+=("${KRYO_CONFS[@]}")
  case $manager in
    standalone) CMD+=(--total-executor-cores "$((executors * cores))") ;;
    yarn|k8s) CMD+=(--num-executors "$executors") ;;
  esac

  # Whether spark-submit ships files from this machine (k8s cluster mode must upload them).
  local ships_local=1
  jar=${SPARK_CNN_APP_JAR:-$(app_jar)}
  if [[ "$jar" == *://* && "$jar" != file://* ]]; then
    ships_local=0
  fi

  if [[ "$(backend_of executor)" == gpu ]]; then
    # Spark's GPU scheduling: each executor asks for its GPUs, each task for one GPU and its
    # share of the cores, so an executor runs one training task per GPU; the default
    # parallelism (the job's workers when train.workers = 0) is then the number of GPUs.
    CMD+=(--conf "spark.executor.resource.gpu.amount=$gpus"
      --conf spark.task.resource.gpu.amount=1
      --conf "spark.task.cpus=$task_cpus"
      --conf "spark.default.parallelism=$((executors * gpus))")
    case $manager in
      yarn)
        # YARN localises --files in each container's directory before the executor starts.
        CMD+=(--files "$SPARK_CNN_HOME/conf/gpu-discovery.sh"
          --conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh) ;;
      k8s)
        # The script runs before the executor fetches --files, so it comes with the image.
        CMD+=(--conf spark.executor.resource.gpu.vendor=nvidia.com
          --conf "spark.executor.resource.gpu.discoveryScript=${SPARK_CNN_K8S_GPU_DISCOVERY_SCRIPT:-/opt/spark-cnn/conf/gpu-discovery.sh}") ;;
      standalone)
        # Each worker discovers its GPUs (spark.worker.resource.gpu.amount and
        # .discoveryScript in its SPARK_WORKER_OPTS) and hands executors their addresses.
        ;;
    esac
    cuda_jar_list=$(cuda_jars ,)
    if [[ -n "$cuda_jar_list" ]]; then
      CMD+=(--jars "$cuda_jar_list")
    fi
  fi

  if [[ "$manager" == k8s ]]; then
    local image
    image=$(required SPARK_CNN_K8S_IMAGE "the container image of the driver and executors")
    CMD+=(--conf "spark.kubernetes.container.image=$image"
      --conf "spark.kubernetes.namespace=${SPARK_CNN_K8S_NAMESPACE:-default}"
      --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${SPARK_CNN_K8S_SERVICE_ACCOUNT:-spark}")
    if [[ "$DEPLOY_MODE" == cluster && ( "$ships_local" == 1 || -n "$cuda_jar_list" ) ]]; then
      local upload
      upload=$(required SPARK_CNN_K8S_UPLOAD_PATH "where cluster mode uploads this machine's jars for the driver pod, e.g. s3a://bucket/spark-uploads; or put the jars in the image: SPARK_CNN_APP_JAR=local:///path, SPARK_CNN_CUDA_JARS=installed")
      CMD+=(--conf "spark.kubernetes.file.upload.path=$upload")
    fi
  fi

  local extra
  read -r -a extra <<< "${SPARK_CNN_SUBMIT_OPTS:-}"
  CMD+=("${extra[@]}" --class "$MAIN_CLASS" "$jar" "${JOB_ARGS[@]}")
}

#!/usr/bin/env bash
# Training throughput of the project's networks on this machine (random data): one process with
# all cores, one process with one thread, and Spark local[N] parameter averaging with one thread
# per worker; DL4J's own convolution beside the native one. Rows go to runs/throughput.csv
# (appended) and each part prints a Markdown table. Takes about 10 minutes on 2 cores.
# --master dl4j|resident (default dl4j) picks the Spark part's training master: DL4J's
# (minibatches exported, a network built per worker every round) or the project's resident one
# (train.master = resident); the single-process parts ignore it. The resident master's rows also
# carry its round figures (median and p90 round overhead, median broadcast/job/driver ms, bytes a
# worker returns), printed as a ROUNDS line.
#
# With --augmentation first: augmentation throughput of the tutorial pipeline on CIFAR-sized
# images (one thread, then Spark local[N]) against the tutorial CNN's training on one thread;
# rows go to runs/augmentation.csv. Takes about 2 minutes.
#
# With --zoo first: the side-by-side table of the model zoo (docs/performance.md, "Benchmarks for
# every zoo network"): for each network the project in one process on 1 thread and on N threads,
# Spark local[N] with one thread per worker by DL4J's training master and by the resident one
# (with its ratio to the 1-thread process), PyTorch (bench/torch_throughput.py) on 1 and N
# threads, the ratios and both sides' trainable parameter counts. Native convolutions only; each
# measurement is timed for at least --min-seconds (10) and --iterations (10) steps after --warmup
# (3) steps. Rows go to runs/throughput.csv and runs/torch_throughput.csv (under the current
# directory) with one run id, the table to stdout and runs/side-by-side-<run id>.md. --models takes a list separated by ';' or by
# commas outside parentheses (quote it), or 'all'; default: the networks with small inputs
# (21 to 30 minutes on 2 shared cores before the resident column, which adds one Spark
# measurement per network); 'all' adds VGG with batch norm and the ImageNet forms
# (224x224: hours on 2 cores). Without PyTorch its columns stay empty.
#
# Usage: submit/benchmark.sh [--dry-run] [ThroughputBenchmark options, e.g. --models lenet5
#          --master resident]
#        submit/benchmark.sh [--dry-run] --augmentation [AugmentationBenchmark options]
#        submit/benchmark.sh [--dry-run] --batchnorm [BatchNormBenchmark options]: ms per call of
#          the ways to compute batch normalisation (docs/performance.md), one thread
#        submit/benchmark.sh [--dry-run] --scoring [ScoringBenchmark options]: scoring images/s
#          of DL4J output(), Spark local[N] and PyTorch inference (docs/performance.md, "Scoring
#          throughput"); rows go to runs/scoring.csv and runs/torch_inference.csv with one run id
#        submit/benchmark.sh [--dry-run] --zoo [--models LIST|all] [--iterations 10] [--warmup 3]
#                            [--min-seconds 10] [--run-id ID]
#        submit/benchmark.sh [--dry-run] --speedup [--models LIST|zoo] [--repeats 2]
#                            [--iterations 20] [--warmup 10] [--warmup-seconds 45]
#                            [--min-seconds 30] [--averaging-frequency 5]
#                            [--round-scheduling job|barrier|job,barrier] [--run-id ID]
#          the resident master's Spark local[N] against the one-thread process, interleaved so
#          that the machine's drift cancels (docs/performance.md, "Speedup, interleaved"): for
#          each network in turn, --repeats times a one-thread process then a resident run, a last
#          one-thread process, then N one-thread processes side by side (what N cores give N
#          independent workers now; rows with processes = N); then the table (Speedup) of each
#          resident run against the one-thread runs around it, to stdout and
#          runs/speedup-table-<run id>.md. --models: specs separated by ';' (default: lenet5,
#          lenet-caffe, tf-cifar10); 'zoo': the 11 networks with small inputs. Every measurement
#          warms up for --warmup-seconds (the Spark JVM's JIT compiler is busy for a minute) and
#          is timed for --min-seconds: about 8 minutes a network on 2 cores with the defaults.
#          --round-scheduling (default job) gives the resident runs' train.round-scheduling; with
#          job,barrier each repeat runs both after its one-thread process (in turn job first and
#          barrier first), and the table has a row for each (about 3 minutes more a network).
#   --dry-run   print the commands instead of running them
# Environment: SPARK_CNN_CORES (default: nproc), MVN (see submit/common.sh),
#   SPARK_CNN_PYTHON   Python with PyTorch for the peers  (default: /usr/bin/python3)
# PyTorch peers of the networks: bench/torch_throughput.py.
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

# Runs bench/torch_throughput.py with the arguments on 1 thread and on $CORES threads (or prints
# the commands); fails when a run failed. Without PyTorch: a warning, and nothing runs.
torch_peers() {
  local python=${SPARK_CNN_PYTHON:-/usr/bin/python3} failed=0 threads
  local cmd=("$python" "$SPARK_CNN_HOME/bench/torch_throughput.py" "$@")
  if [[ "$DRY_RUN" != 1 ]] && ! "$python" -c 'import torch' 2>/dev/null; then
    echo "warning: $python has no PyTorch (apt-get install -y python3-torch):" \
      "the PyTorch columns stay empty" >&2
    return 0
  fi
  for threads in 1 "$CORES"; do
    if [[ "$DRY_RUN" == 1 ]]; then
      printf '%q ' env "OMP_NUM_THREADS=$threads" "${cmd[@]}" --threads "$threads" | sed 's/ $//'
      echo
    else
      OMP_NUM_THREADS=$threads "${cmd[@]}" --threads "$threads" || failed=1
    fi
  done
  return "$failed"
}

# Scoring throughput: PyTorch inference on 1 and N threads, then ScoringBenchmark (DL4J output()
# on one thread, Spark local[N] with one thread per worker) printing the table of the run.
scoring() {
  local args=("$@") models="lenet5;tf-cifar10;mobilenet-v1-cifar" batch=64 run_id failed=0
  run_id=scoring-$(date -u +%Y%m%d-%H%M%S)
  while (($# > 0)); do
    case $1 in
      --models) models=${2:-} ;;
      --batch) batch=${2:-} ;;
      --run-id) run_id=${2:-} ;;
    esac
    shift
  done
  torch_peers "$models" --inference --batch "$batch" --run-id "$run_id" \
    --output runs/torch_inference.csv || failed=1
  bench 1 ScoringBenchmark --workers "$CORES" --run-id "$run_id" "${args[@]}" || failed=1
  return "$failed"
}

# The networks of the zoo with small inputs, and the rest of the registry.
ZOO_SMALL="lenet5;lenet-caffe;tf-cifar10;mobilenet-v1-cifar(alpha=1.0, unit=standard)"
ZOO_SMALL+=";mobilenet-v1-cifar(alpha=1.0, unit=rhs);mobilenet-v1-cifar(alpha=0.5, unit=standard)"
ZOO_SMALL+=";mobilenet-v1-cifar(alpha=0.5, unit=rhs);resnet20;vgg11;vgg16;alexnet-cifar"
ZOO_REST="vgg11(batch-norm=true);vgg16(batch-norm=true);alexnet"
ZOO_REST+=";mobilenet-v1(alpha=1.0, unit=standard);mobilenet-v1(alpha=0.5, unit=standard)"
ZOO_REST+=";resnet18;resnet34"

zoo() {
  local models=$ZOO_SMALL iterations=10 warmup=3 min_seconds=10
  local run_id
  run_id=zoo-$(date -u +%Y%m%d-%H%M%S)
  while (($# > 0)); do
    if (($# < 2)); then
      usage_error "$1 needs a value"
    fi
    case $1 in
      --models) models=$2 ;;
      --iterations) iterations=$2 ;;
      --warmup) warmup=$2 ;;
      --min-seconds) min_seconds=$2 ;;
      --run-id) run_id=$2 ;;
      *) usage_error "--zoo takes --models, --iterations, --warmup, --min-seconds, --run-id; not $1" ;;
    esac
    shift 2
  done
  if [[ "$models" == all ]]; then
    models="$ZOO_SMALL;$ZOO_REST"
  fi
  local failed=0
  local common=(--models "$models" --engines native --iterations "$iterations"
    --warmup "$warmup" --min-seconds "$min_seconds" --run-id "$run_id")
  bench 1 ThroughputBenchmark --mode single "${common[@]}" || failed=1
  bench "$CORES" ThroughputBenchmark --mode single "${common[@]}" || failed=1
  bench 1 ThroughputBenchmark --mode spark --workers "$CORES" "${common[@]}" || failed=1
  bench 1 ThroughputBenchmark --mode spark --master resident --workers "$CORES" "${common[@]}" \
    || failed=1
  torch_peers "$models" --steps "$iterations" --warmup "$warmup" --min-seconds "$min_seconds" \
    --run-id "$run_id" --output runs/torch_throughput.csv || failed=1
  if [[ "$DRY_RUN" == 1 ]]; then
    bench 1 SideBySide --run-id "$run_id" --cores "$CORES"
  else
    bench 1 SideBySide --run-id "$run_id" --cores "$CORES" \
      | tee "runs/side-by-side-$run_id.md" || failed=1
  fi
  return "$failed"
}

# The interleaved speedup run (see the usage above).
speedup() {
  local models="lenet5;lenet-caffe;tf-cifar10" repeats=2 iterations=20 warmup=10
  local warmup_seconds=45 min_seconds=30 frequency=5 schedulings=job run_id
  run_id=speedup-$(date -u +%Y%m%d-%H%M%S)
  while (($# > 0)); do
    if (($# < 2)); then
      usage_error "$1 needs a value"
    fi
    case $1 in
      --models) models=$2 ;;
      --repeats) repeats=$2 ;;
      --iterations) iterations=$2 ;;
      --warmup) warmup=$2 ;;
      --warmup-seconds) warmup_seconds=$2 ;;
      --min-seconds) min_seconds=$2 ;;
      --averaging-frequency) frequency=$2 ;;
      --round-scheduling) schedulings=$2 ;;
      --run-id) run_id=$2 ;;
      *) usage_error "--speedup takes --models, --repeats, --iterations, --warmup," \
        "--warmup-seconds, --min-seconds, --averaging-frequency, --round-scheduling," \
        "--run-id; not $1" ;;
    esac
    shift 2
  done
  if [[ ! "$repeats" =~ ^[1-9][0-9]*$ ]]; then
    usage_error "--repeats must be a whole number >= 1, got $repeats"
  fi
  if [[ ! "$schedulings" =~ ^(job|barrier)(,(job|barrier))?$ ]]; then
    usage_error "--round-scheduling must be job, barrier or job,barrier, got $schedulings"
  fi
  if [[ "$models" == zoo ]]; then
    models=$ZOO_SMALL
  fi
  local failed=0 model r p scheduling order=() pids=()
  local common=(--engines native --iterations "$iterations" --warmup "$warmup"
    --warmup-seconds "$warmup_seconds" --min-seconds "$min_seconds" --run-id "$run_id")
  IFS=';' read -r -a specs <<< "$models"
  for model in "${specs[@]}"; do
    for ((r = 0; r < repeats; r++)); do
      bench 1 ThroughputBenchmark --mode single --model "$model" "${common[@]}" || failed=1
      IFS=',' read -r -a order <<< "$schedulings"
      if ((r % 2 == 1 && ${#order[@]} == 2)); then # every other repeat the other way round
        order=("${order[1]}" "${order[0]}")
      fi
      for scheduling in "${order[@]}"; do
        bench 1 ThroughputBenchmark --mode spark --master resident --workers "$CORES" \
          --round-scheduling "$scheduling" --averaging-frequency "$frequency" --model "$model" \
          "${common[@]}" || failed=1
      done
    done
    bench 1 ThroughputBenchmark --mode single --model "$model" "${common[@]}" || failed=1
    pids=()
    for ((p = 0; p < CORES; p++)); do
      if [[ "$DRY_RUN" == 1 ]]; then
        bench 1 ThroughputBenchmark --mode single --processes "$CORES" --model "$model" \
          "${common[@]}"
      else
        bench 1 ThroughputBenchmark --mode single --processes "$CORES" --model "$model" \
          "${common[@]}" &
        pids+=("$!")
      fi
    done
    for p in "${pids[@]}"; do
      wait "$p" || failed=1
    done
  done
  if [[ "$DRY_RUN" == 1 ]]; then
    bench 1 Speedup --run-id "$run_id" --cores "$CORES"
  else
    bench 1 Speedup --run-id "$run_id" --cores "$CORES" \
      | tee "runs/speedup-table-$run_id.md" || failed=1
  fi
  return "$failed"
}

if [[ "${1:-}" == --speedup ]]; then
  shift
  speedup "$@"
  exit $?
fi
if [[ "${1:-}" == --zoo ]]; then
  shift
  zoo "$@"
  exit $?
fi
if [[ "${1:-}" == --scoring ]]; then
  shift
  scoring "$@"
  exit $?
fi
if [[ "${1:-}" == --batchnorm ]]; then
  shift
  bench 1 BatchNormBenchmark "$@"
  exit 0
fi
if [[ "${1:-}" == --augmentation ]]; then
  shift
  bench 1 AugmentationBenchmark --workers "$CORES" "$@"
  exit 0
fi
bench "$CORES" ThroughputBenchmark --mode single "$@"
bench 1 ThroughputBenchmark --mode single "$@"
bench 1 ThroughputBenchmark --mode spark --workers "$CORES" "$@"

# shellcheck shell=bash
# Sourced by submit/prune.sh and submit/experiment.sh: runs the job MAIN_CLASS through a launch
# script, as TrainJob runs.
#
# Usage (from a script): run_job MAIN_CLASS [--dry-run] [SCRIPT [LAUNCHER OPTIONS]] [JOB ARGS]...
#   SCRIPT  local.sh (the default), standalone.sh, yarn.sh, k8s.sh or submit.sh MASTER, found in
#           submit/ unless given as a path
# Sets SPARK_CNN_MAIN_CLASS (read by common.sh) and replaces the shell with SCRIPT.
#
# run_job_per_placement MAIN_CLASS ... takes, right after SCRIPT, "--placements LIST" (e.g.
# cpu,gpu,hybrid) and then runs SCRIPT once per placement, with "--placement P" and the rest of
# the arguments, in the order given: one Spark application per placement, since each JVM's
# backend is fixed when it starts. An application that ends incomplete because some variants
# need another placement (exit 5) is followed by the next; any other exit ends the loop with its
# code, and so does a complete one (0: nothing is left to run). Without --placements it is run_job.

# Parses [--dry-run] [SCRIPT] into job_dry (an array), job_script and job_args (the rest).
job_arguments() {
  local here
  here=$(dirname "${BASH_SOURCE[0]}")
  job_dry=()
  job_script=local.sh
  if [[ "${1:-}" == --dry-run ]]; then
    job_dry=(--dry-run)
    shift
  fi
  if [[ "${1:-}" == *.sh ]]; then
    job_script=$1
    shift
  fi
  if [[ "$job_script" != */* ]]; then
    job_script=$here/$job_script
  fi
  if [[ ! -x "$job_script" ]]; then
    echo "error: no submit script $job_script (or it is not executable)" >&2
    exit 2
  fi
  job_args=("$@")
}

run_job() {
  export SPARK_CNN_MAIN_CLASS=$1
  shift
  job_arguments "$@"
  exec "$job_script" "${job_dry[@]}" "${job_args[@]}"
}

run_job_per_placement() {
  export SPARK_CNN_MAIN_CLASS=$1
  shift
  job_arguments "$@"
  if [[ "${job_args[0]:-}" != --placements ]]; then
    exec "$job_script" "${job_dry[@]}" "${job_args[@]}"
  fi
  local list=${job_args[1]:-} placement code=0
  local -a placements
  IFS=, read -ra placements <<< "$list"
  if [[ ${#placements[@]} == 0 ]]; then
    echo "error: --placements needs a list, e.g. --placements cpu,gpu,hybrid" >&2
    exit 2
  fi
  for placement in "${placements[@]}"; do
    if [[ ! "$placement" =~ ^(cpu|gpu|hybrid)$ ]]; then
      echo "error: --placements $list: '$placement' is not one of cpu, gpu, hybrid" >&2
      exit 2
    fi
  done
  for placement in "${placements[@]}"; do
    echo "--- placement $placement: $job_script --placement $placement ${job_args[*]:2}" >&2
    code=0
    "$job_script" "${job_dry[@]}" --placement "$placement" "${job_args[@]:2}" || code=$?
    if [[ ${#job_dry[@]} == 0 && $code != 5 ]]; then
      exit "$code"
    fi
  done
  exit "$code"
}

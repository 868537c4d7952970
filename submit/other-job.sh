# shellcheck shell=bash
# Sourced by submit/prune.sh and submit/experiment.sh: runs the job MAIN_CLASS through a launch
# script, as TrainJob runs.
#
# Usage (from a script): run_job MAIN_CLASS [--dry-run] [SCRIPT [LAUNCHER OPTIONS]] [JOB ARGS]...
#   SCRIPT  local.sh (the default), standalone.sh, yarn.sh, k8s.sh or submit.sh MASTER, found in
#           submit/ unless given as a path
# Sets SPARK_CNN_MAIN_CLASS (read by common.sh) and replaces the shell with SCRIPT.

run_job() {
  local main_class=$1
  shift
  local here dry=() script=local.sh
  here=$(dirname "${BASH_SOURCE[0]}")
  if [[ "${1:-}" == --dry-run ]]; then
    dry=(--dry-run)
    shift
  fi
  if [[ "${1:-}" == *.sh ]]; then
    script=$1
    shift
  fi
  if [[ "$script" != */* ]]; then
    script=$here/$script
  fi
  if [[ ! -x "$script" ]]; then
    echo "error: no submit script $script (or it is not executable)" >&2
    exit 2
  fi
  export SPARK_CNN_MAIN_CLASS=$main_class
  exec "$script" "${dry[@]}" "$@"
}

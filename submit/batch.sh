#!/usr/bin/env bash
# Runs one dated run of a scheduled job, NAME-DATE, through a submit script, so that cron or a
# systemd timer can start the same command again after any failure: a complete run is then left
# as it is (exit 0), an interrupted one resumed from its last checkpoint.
#
# Usage: submit/batch.sh [--dry-run] NAME [--date DATE] [--if-exists resume|refuse] [--keep N]
#                        -- SCRIPT [ARGS]...
#   NAME          the job's series: letters, digits, '.', '_' and '-'. Its runs are
#                 <run.output-root>/NAME-DATE/; <run.output-root>/NAME.latest names the latest
#                 successful one
#   --date        YYYYMMDD, or YYYYMMDD-HHMM for several runs a day   (default: today, UTC)
#   --if-exists   when NAME-DATE exists: resume (continue it if it is incomplete and of the same
#                 configuration; nothing to do if it is complete) or refuse (exit 6)
#                                                                     (default: resume)
#   --keep N      after a success, delete the complete or failed runs of NAME beyond the newest
#                 N; never the one NAME.latest names, a locked one or an incomplete one
#                 (default: run.keep of the job's configuration, whose default 0 keeps all)
#   --dry-run     print the command SCRIPT runs instead of running it
#   SCRIPT ARGS   a submit script and its arguments: local.sh, standalone.sh, yarn.sh, k8s.sh or
#                 submit.sh MASTER (found in submit/ unless given as a path), with the job's
#                 --conf FILE and --set key=value
#
# It runs SCRIPT ARGS --set run.id=NAME-DATE --set run.if-exists=... --set
# run.latest-pointer=NAME.latest [--set run.keep=N] and exits with its exit code, the job's:
#   0  the run completed (_SUCCESS written), or was complete already (--if-exists resume)
#   1  an unexpected or infrastructure failure (Spark, the cluster, the filesystem): retry it
#   2  bad arguments or configuration (this script's as well as the job's)
#   3  bad input data (a missing file, a wrong format, a label out of range)
#   4  training diverged (NaN or infinite loss)
#   5  a JVM runs another ND4J backend than the placement asks for (the backend probe)
#   6  the run exists: --if-exists refuse, or it was run with another configuration
#   7  locked: another driver is training this run, or died less than run.lock-stale-seconds
#      (default 600) ago
#   52  out of memory (the driver, or executors dying of it): raise spark.executor.memory
#       (local.sh: spark.driver.memory) or lower data.max-image-pixels
# The driver's exit code is spark-submit's only where the driver is the spark-submit process:
# local.sh and --deploy-mode client (the cluster scripts' default). In cluster deploy mode
# spark-submit does not pass it on (YARN exits 1 for any failure; standalone returns once the
# driver is submitted), and this script warns: look for _SUCCESS or _FAILED in the run
# directory instead.
#
# Environment: none of its own; SCRIPT reads its own (see its header).
set -euo pipefail

HERE=$(dirname "${BASH_SOURCE[0]}")

usage_error() {
  echo "error: $*" >&2
  exit 2
}

DRY=()
NAME=
DATE=
IF_EXISTS=resume
KEEP=
while (($# > 0)) && [[ "$1" != -- ]]; do
  case $1 in
    --dry-run) DRY=(--dry-run) ;;
    --date|--if-exists|--keep)
      if (($# < 2)); then
        usage_error "$1 needs a value"
      fi
      case $1 in
        --date) DATE=$2 ;;
        --if-exists) IF_EXISTS=$2 ;;
        --keep) KEEP=$2 ;;
      esac
      shift ;;
    -*) usage_error "unknown option '$1' (the submit script's options go after --)" ;;
    *)
      if [[ -n "$NAME" ]]; then
        usage_error "one NAME only, not '$NAME' and '$1' (the submit script goes after --)"
      fi
      NAME=$1 ;;
  esac
  shift
done
if [[ -z "$NAME" || $# -lt 2 ]]; then
  sed -n '6,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
shift # the --
if [[ ! "$NAME" =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]]; then
  usage_error "NAME must be letters, digits, '.', '_' and '-', not starting with '.' or '-': '$NAME'"
fi
DATE=${DATE:-$(date -u +%Y%m%d)}
if [[ ! "$DATE" =~ ^[0-9]{8}(-[0-9]{4})?$ ]]; then
  usage_error "--date must be YYYYMMDD or YYYYMMDD-HHMM, not '$DATE'"
fi
case $IF_EXISTS in
  resume|refuse) ;;
  *) usage_error "--if-exists must be resume or refuse, not '$IF_EXISTS'" ;;
esac
if [[ -n "$KEEP" && ! "$KEEP" =~ ^[0-9]+$ ]]; then
  usage_error "--keep must be a whole number (0: keep all), not '$KEEP'"
fi

SCRIPT=$1
shift
if [[ "$SCRIPT" != */* ]]; then
  SCRIPT=$HERE/$SCRIPT
fi
if [[ ! -x "$SCRIPT" ]]; then
  usage_error "no submit script $SCRIPT (or it is not executable)"
fi
PREVIOUS=
CLUSTER_MODE=0
for arg in "$@"; do
  case $arg in
    run.id=*|run.if-exists=*|run.latest-pointer=*|run.keep=*)
      usage_error "$arg: batch.sh sets it (NAME, --date, --if-exists, --keep)" ;;
    --resume|--resume=*)
      usage_error "batch.sh resumes NAME-DATE itself (--if-exists resume); no --resume" ;;
    --deploy-mode=cluster) CLUSTER_MODE=1 ;;
    cluster)
      if [[ "$PREVIOUS" == --deploy-mode ]]; then
        CLUSTER_MODE=1
      fi ;;
  esac
  PREVIOUS=$arg
done
if [[ "$CLUSTER_MODE" == 1 ]]; then
  echo "warning: in cluster deploy mode spark-submit's exit code is not the job's; look for" \
    "_SUCCESS or _FAILED in the run directory" >&2
fi

SETS=(--set "run.id=$NAME-$DATE" --set "run.if-exists=$IF_EXISTS"
  --set "run.latest-pointer=$NAME.latest")
if [[ -n "$KEEP" ]]; then
  SETS+=(--set "run.keep=$((10#$KEEP))")
fi
exec "$SCRIPT" "${DRY[@]}" "$@" "${SETS[@]}"

#!/usr/bin/env bash
# Submits TrainJob to the cluster manager its MASTER names, through the script for it.
#
# Usage: submit/submit.sh [--dry-run] MASTER [launcher options] [--conf FILE]... [--set key=value]...
#   MASTER      spark://host:7077 (standalone.sh), yarn (yarn.sh), k8s://https://host:443
#               (k8s.sh), local[N] (local.sh with SPARK_CNN_CORES=N; local[*]: all cores)
#   --dry-run   print the command instead of running it
# The launcher options (--deploy-mode, --placement) and the environment are those of the script
# it runs; see its header.
#
# Environment: none of its own.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 1 || "$1" == -* ]]; then
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
MASTER_URL=$1
shift
DRY=()
if [[ "$DRY_RUN" == 1 ]]; then
  DRY=(--dry-run)
fi
HERE=$(dirname "${BASH_SOURCE[0]}")
case $MASTER_URL in
  spark://*) exec "$HERE/standalone.sh" "${DRY[@]}" --master "$MASTER_URL" "$@" ;;
  yarn) exec "$HERE/yarn.sh" "${DRY[@]}" "$@" ;;
  k8s://*) exec "$HERE/k8s.sh" "${DRY[@]}" --master "$MASTER_URL" "$@" ;;
  local | local\[*\])
    CORES=${MASTER_URL#local[}
    CORES=${CORES%]}
    if [[ "$CORES" =~ ^[1-9][0-9]*$ ]]; then
      export SPARK_CNN_CORES=$CORES
    fi
    exec "$HERE/local.sh" "${DRY[@]}" "$@" ;;
  *) usage_error "unknown master '$MASTER_URL': spark://..., yarn, k8s://... or local[N]" ;;
esac

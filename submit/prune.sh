#!/usr/bin/env bash
# Runs the pruning job (PruneJob: removes pointwise filters of a trained MobileNet V1, retraining
# on Spark after each step) through a submit script, as TrainJob runs: the same run directories,
# exit codes, --conf / --set / --resume, environment and cluster managers.
#
# Usage: submit/prune.sh [--dry-run] [SCRIPT [LAUNCHER OPTIONS]] [--conf FILE]... [--set key=value]...
#        submit/prune.sh [--dry-run] [SCRIPT [LAUNCHER OPTIONS]] --resume RUN_DIR
#   SCRIPT     local.sh (the default), standalone.sh, yarn.sh, k8s.sh or submit.sh MASTER (found
#              in submit/ unless given as a path), with its launcher options (see its header)
#   --dry-run  print the command instead of running it
#   e.g.  submit/prune.sh --conf conf/prune-fashion-mnist-mobilenet-rhs.conf \
#           --set prune.from=runs/mobilenet-rhs-fm
#         submit/prune.sh yarn.sh --conf conf/prune-cifar100-mobilenet-rhs.conf
# Keys: the prune section of reference.conf (docs/pruning.md).
#
# Environment: that of SCRIPT; SPARK_CNN_MAIN_CLASS is set to org.sparkcnn.prune.PruneJob.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=other-job.sh
source "$(dirname "${BASH_SOURCE[0]}")/other-job.sh"
run_job org.sparkcnn.prune.PruneJob "$@"

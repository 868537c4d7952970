#!/usr/bin/env bash
# Runs the prediction job (PredictJob: a trained model scores images with its run's evaluation
# pipeline, writing predictions.parquet and predictions.csv, and for a labelled dataset the
# evaluation tables) through a submit script, as TrainJob runs: the same run directories, exit
# codes, --conf / --set, environment and cluster managers. There is no --resume.
#
# Usage: submit/predict.sh [--dry-run] [SCRIPT [LAUNCHER OPTIONS]] [--conf FILE]... [--set key=value]...
#   SCRIPT     local.sh (the default), standalone.sh, yarn.sh, k8s.sh or submit.sh MASTER (found
#              in submit/ unless given as a path), with its launcher options (see its header)
#   --dry-run  print the command instead of running it
#   e.g.  submit/predict.sh --set predict.model=runs/lenet5-fm
#         submit/predict.sh yarn.sh --set predict.model=hdfs:///runs/nightly-20260105 \
#           --set predict.input='hdfs:///incoming/2026-01-06/*.jpg'
# Keys: the predict section of reference.conf (docs/prediction.md).
#
# Environment: that of SCRIPT; SPARK_CNN_MAIN_CLASS is set to org.sparkcnn.predict.PredictJob.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=other-job.sh
source "$(dirname "${BASH_SOURCE[0]}")/other-job.sh"
run_job org.sparkcnn.predict.PredictJob "$@"

#!/usr/bin/env bash
# Runs the experiment job (ExperimentJob: every variant of an experiment file, each repeat a
# training run of its own, in one Spark application; experiment.csv / .md / .html beside the
# source's figures) through a submit script, as TrainJob runs: the same exit codes, environment
# and cluster managers. Running the same command again resumes the experiment.
#
# Usage: submit/experiment.sh [--dry-run] [SCRIPT [--placements LIST] [LAUNCHER OPTIONS]] EXPERIMENT_FILE [--conf FILE]... [--set key=value]...
#        submit/experiment.sh [--dry-run] [SCRIPT [LAUNCHER OPTIONS]] --resume EXPERIMENT_DIR
#   SCRIPT           local.sh (the default), standalone.sh, yarn.sh, k8s.sh or submit.sh MASTER
#                    (found in submit/ unless given as a path), with its launcher options
#   --placements     run the experiment once per placement in LIST (e.g. cpu,gpu,hybrid), each
#                    a Spark application with SCRIPT's --placement, so that the variants of
#                    cluster.placement each run where they can (the placement experiment);
#                    every application resumes the same experiment directory
#   EXPERIMENT_FILE  an experiment file, e.g. conf/experiments/relu-swish-fashion-mnist.conf
#   --dry-run        print the command instead of running it
#   e.g.  submit/experiment.sh conf/experiments/relu-swish-fashion-mnist.conf
#         submit/experiment.sh conf/experiments/relu-swish-fashion-mnist.conf --set train.epochs=1
#         submit/experiment.sh standalone.sh --placements cpu,gpu,hybrid \
#           conf/experiments/placement-fashion-mnist.conf
# The file format, directory layout and table: docs/experiments.md.
#
# Environment: that of SCRIPT; SPARK_CNN_MAIN_CLASS is set to org.sparkcnn.experiment.ExperimentJob.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=other-job.sh
source "$(dirname "${BASH_SOURCE[0]}")/other-job.sh"
run_job_per_placement org.sparkcnn.experiment.ExperimentJob "$@"

#!/usr/bin/env bash
# Per-layer table of a model of the registry (output shape, trained and DL4J parameters,
# multiply-adds per image) and its totals, as training runs write it into model.md.
#
# Usage: submit/model-summary.sh [--dry-run] MODEL [--input C,H,W] [--classes N] [--activation NAME]
#   e.g.  submit/model-summary.sh "mobilenet-v1-cifar(unit=rhs)" --classes 100
#   --dry-run   print the command instead of running it
# Environment: MVN (see submit/common.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

JAR=$(app_jar)
run java "${JAVA17_OPENS[@]}" \
  "-Dlog4j2.configurationFile=$SPARK_CNN_HOME/conf/log4j2.properties" \
  -cp "$JAR:$(cat "$SPARK_CNN_HOME/spark-jobs/target/spark-classpath.txt" 2>/dev/null || true)" \
  org.sparkcnn.models.ModelSummary "$@"

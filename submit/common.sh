# shellcheck shell=bash disable=SC2034
# (SC2034: the variables are read by the scripts that source this file.)
# Sourced by the scripts in submit/: finds the project, builds the application jar when it is
# missing or older than the sources, and holds the settings every launch shares.
#
# Environment:
#   MVN              Maven command used to build                          (default: mvn)
#   OMP_NUM_THREADS  OpenMP threads of each training task                 (default: 1)

# Sourced without arguments, this file shares the caller's: a leading --dry-run is taken here.
DRY_RUN=0
if [[ "${1:-}" == --dry-run ]]; then
  DRY_RUN=1
  shift
fi

SPARK_CNN_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MAIN_CLASS=org.sparkcnn.train.TrainJob
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

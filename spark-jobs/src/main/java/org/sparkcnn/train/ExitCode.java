package org.sparkcnn.train;

import java.util.regex.Pattern;
import org.sparkcnn.backend.BackendUnavailableException;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.report.RunExistsException;
import org.sparkcnn.report.RunLockedException;

/**
 * Process exit codes of the jobs, distinct per kind of failure so schedulers can tell them apart.
 */
public enum ExitCode {
  /** The run completed and its directory holds {@code _SUCCESS}. */
  OK(0),
  /** An unexpected failure: Spark, the filesystem, a bug. Often worth retrying. */
  FAILURE(1),
  /** Bad command-line arguments or configuration (unknown key, wrong type, bad value). */
  USAGE(2),
  /** Bad input data: a missing path, a file in the wrong format, a truncated file, a bad label. */
  BAD_INPUT(3),
  /** The loss became NaN or infinite. */
  DIVERGED(4),
  /**
   * The ND4J backend {@code cluster.placement} asks for is not available: a JVM runs the CPU
   * backend where CUDA is wanted (no CUDA device, nd4j-cuda not shipped, backend priorities) or
   * CUDA where the CPU is wanted, or a GPU is one the CUDA build has no kernels for. Retrying on
   * the same machines does not help; another placement or other machines may.
   */
  BACKEND(5),
  /**
   * The run directory exists: {@code run.if-exists = refuse}, or it holds a run of another
   * configuration. Nothing was written into it.
   */
  RUN_EXISTS(6),
  /** Another driver holds the run directory's lock (it is training the run). */
  LOCKED(7),
  /**
   * Out of memory: an executor (in local mode the driver, which runs the tasks) or the driver ran
   * out of Java heap. The same code as Spark's own for an executor that dies of an {@link
   * OutOfMemoryError} ({@code SparkExitCode.OOM}), which is how a local-mode job ends when a task
   * runs out. Retrying with the same memory does not help: give the executors (local mode: the
   * driver) more memory, use fewer cores per executor, or lower {@code data.max-image-pixels}.
   */
  OUT_OF_MEMORY(52);

  /** What a task's or an executor's OutOfMemoryError looks like in a failed job's message. */
  static final Pattern EXECUTOR_OUT_OF_MEMORY = Pattern.compile(
      "OutOfMemoryError|exit(?:ed with)? (?:code|status):? " + OUT_OF_MEMORY.code() + "\\b",
      Pattern.CASE_INSENSITIVE);
  /** Printed after the error when the job ran out of memory. */
  static final String OUT_OF_MEMORY_ADVICE = "out of memory (exit code "
      + OUT_OF_MEMORY.code() + "): give the executors more memory (spark.executor.memory;"
      + " spark.driver.memory in local mode), run fewer tasks per executor (spark.executor.cores),"
      + " or lower data.max-image-pixels for image folders";

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The exit code for a failure, looking through Spark's wrapping of task failures. */
  public static ExitCode of(Throwable e) {
    ExitCode code = classifyCause(e);
    return code == ExitCode.FAILURE && outOfMemory(e) ? ExitCode.OUT_OF_MEMORY : code;
  }

  /**
   * The one-line message a command prints for a failure: a {@link BadInputException}'s own where
   * one is in the cause chain (Spark wraps what a task threw), else {@code e}'s.
   */
  public static String message(Throwable e) {
    BadInputException bad = BadInputException.findIn(e);
    return bad != null ? bad.getMessage() : e.getMessage();
  }

  /**
   * True when {@code e} comes of too little memory: an {@link OutOfMemoryError} in its cause
   * chain (the driver's own, or a task's that Spark carried back), or a job that Spark aborted
   * because executors died of one (exit code 52, as the cluster manager reports it: "exited with
   * code 52", "Exit status: 52").
   */
  static boolean outOfMemory(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof OutOfMemoryError
          || c.getMessage() != null && EXECUTOR_OUT_OF_MEMORY.matcher(c.getMessage()).find()) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  private static ExitCode classifyCause(Throwable e) {
    if (BadInputException.findIn(e) != null) {
      return ExitCode.BAD_INPUT;
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof DivergedException) {
        return ExitCode.DIVERGED;
      }
      if (c instanceof InvalidConfigException) {
        return ExitCode.USAGE;
      }
      if (c instanceof RunExistsException) {
        return ExitCode.RUN_EXISTS;
      }
      if (c instanceof RunLockedException) {
        return ExitCode.LOCKED;
      }
      if (c instanceof BackendUnavailableException) {
        return ExitCode.BACKEND;
      }
    }
    return ExitCode.FAILURE;
  }
}

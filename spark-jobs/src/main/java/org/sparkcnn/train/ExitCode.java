package org.sparkcnn.train;

/** Process exit codes of the jobs, distinct per kind of failure so schedulers can tell them apart. */
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

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}

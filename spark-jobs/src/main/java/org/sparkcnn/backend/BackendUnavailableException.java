package org.sparkcnn.backend;

/**
 * The ND4J backend that {@code cluster.placement} asks for is not what a JVM can run: an executor
 * or the driver runs the CPU backend where CUDA is wanted (or the reverse), there is no CUDA
 * device, or the GPU is one the bundled CUDA build has no kernels for. The message names the JVMs
 * and says what to do. Thrown on the driver or inside the probe's tasks; the probe rethrows it on
 * the driver with the task's message.
 */
public final class BackendUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message) {
    super(message);
  }

  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The first {@code BackendUnavailableException} in {@code t}'s cause chain, or null. */
  public static BackendUnavailableException findIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BackendUnavailableException found) {
        return found;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}

package org.sparkcnn.report;

/**
 * The run directory exists already and the run may not use it: {@code run.if-exists = refuse},
 * or a run of another configuration is there. Nothing has been written into it.
 */
public final class RunExistsException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public RunExistsException(String message) {
    super(message);
  }
}

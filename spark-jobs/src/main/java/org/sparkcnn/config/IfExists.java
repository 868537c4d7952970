package org.sparkcnn.config;

/** Values of {@code run.if-exists}: what a run does when the directory of its id exists. */
public enum IfExists implements ConfigChoice {
  /** Exit, writing nothing into the directory. */
  REFUSE,
  /** Continue the run there when it is incomplete and of the same configuration. */
  RESUME;

  /** The choice {@code run.if-exists} spells, or an error naming the key and the choices. */
  public static IfExists parse(String value) {
    return ConfigChoice.parse(values(), "run.if-exists", value);
  }

  @Override
  public String toString() {
    return configValue();
  }
}

package org.sparkcnn.config;

/** Values of {@code data.cifar.label}: which CIFAR-100 label to train on. */
public enum CifarLabel implements ConfigChoice {
  /** The 100 classes. */
  FINE,
  /** The 20 superclasses. */
  COARSE;

  /** The label {@code data.cifar.label} spells, or an error naming the key and the choices. */
  public static CifarLabel parse(String value) {
    return ConfigChoice.parse(values(), "data.cifar.label", value, "must be fine or coarse");
  }

  /** Classes of CIFAR-100 under this label. */
  public int classes() {
    return this == FINE ? 100 : 20;
  }

  @Override
  public String toString() {
    return configValue();
  }
}

package org.sparkcnn.activations;

import org.nd4j.linalg.activations.BaseActivationFunction;

/**
 * An activation without parameters: equal to every instance of its class, shown by its registry
 * name. It holds no fields, so its JSON form is only its class name.
 */
abstract class NamedActivation extends BaseActivationFunction {
  private static final long serialVersionUID = 1L;

  /** The name {@link Activations#parse} knows it by. */
  abstract String name();

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass();
  }

  @Override
  public final int hashCode() {
    return name().hashCode();
  }

  @Override
  public final String toString() {
    return name();
  }
}

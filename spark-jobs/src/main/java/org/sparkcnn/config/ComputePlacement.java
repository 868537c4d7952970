package org.sparkcnn.config;

/** Values of {@code cluster.placement}: where ND4J computes, on the driver and the executors. */
public enum ComputePlacement implements ConfigChoice {
  /** Driver and executors on the CPU backend. */
  CPU,
  /** Driver and executors on the CUDA backend. */
  GPU,
  /**
   * The driver, which aggregates the parameters, on the CPU backend; the executors, which fit
   * the minibatches, on CUDA.
   */
  HYBRID;

  /** The placement {@code cluster.placement} spells, or an error naming the key and the choices. */
  public static ComputePlacement parse(String value) {
    return ConfigChoice.parse(values(), "cluster.placement", value);
  }

  /** Whether the executors are to run the CUDA backend. */
  public boolean executorsOnGpu() {
    return this != CPU;
  }

  /** Whether the driver is to run the CUDA backend. */
  public boolean driverOnGpu() {
    return this == GPU;
  }

  @Override
  public String toString() {
    return configValue();
  }
}

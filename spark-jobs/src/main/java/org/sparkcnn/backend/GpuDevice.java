package org.sparkcnn.backend;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One NVIDIA GPU as nvidia-smi or ND4J's CUDA backend lists it: its index (the CUDA ordinal),
 * its name and its compute capability as {@code major.minor}, e.g. {@code 0, NVIDIA H100 80GB
 * HBM3, 9.0}.
 *
 * <p>A plain class rather than a record: it travels in the probe's task results, and Kryo
 * (Spark's serializer) cannot write the final fields of a Java record on Java 17.
 */
public final class GpuDevice implements Serializable {
  private static final long serialVersionUID = 1L;

  private int index;
  private String name;
  private String computeCapability;

  /** For serializers only. */
  GpuDevice() {}

  public GpuDevice(int index, String name, String computeCapability) {
    this.index = index;
    this.name = Objects.requireNonNull(name);
    this.computeCapability = Objects.requireNonNull(computeCapability);
  }

  public int index() {
    return index;
  }

  public String name() {
    return name;
  }

  /** {@code major.minor}, e.g. {@code 8.0} for an A100. */
  public String computeCapability() {
    return computeCapability;
  }

  /** Whether the bundled CUDA build has kernels this device runs ({@link CudaDevices}). */
  public boolean supported() {
    return CudaDevices.supported(computeCapability);
  }

  /** The devices as a comma-separated list of their descriptions. */
  static String list(List<GpuDevice> devices) {
    return devices.stream().map(GpuDevice::toString).collect(Collectors.joining(", "));
  }

  String toJson() {
    return "{\"index\": " + index + ", \"name\": " + Json.string(name)
        + ", \"compute_capability\": " + Json.string(computeCapability) + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GpuDevice other && index == other.index && name.equals(other.name)
        && computeCapability.equals(other.computeCapability);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, name, computeCapability);
  }

  /** E.g. {@code GPU 0 NVIDIA A100-SXM4-40GB (compute capability 8.0)}. */
  @Override
  public String toString() {
    return "GPU " + index + " " + name + " (compute capability " + computeCapability + ")";
  }
}

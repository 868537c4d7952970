package org.sparkcnn.models.layers;

import java.util.Arrays;
import java.util.Objects;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The parameter-free shortcut of ResNet's option A (He et al. 2016, section 3.3): the identity,
 * subsampled by taking every {@code stride}-th row and column (from the first), with zero maps
 * appended after the input's maps up to {@code outChannels}. Input [minibatch, channels, height,
 * width] (or NHWC), output [minibatch, outChannels, ceil(height / stride), ceil(width / stride)]:
 * the shape of a stride-{@code stride} convolution with "same" padding, such as a 3x3 one with
 * padding 1.
 *
 * <p>Appending the zeros after the input's maps is fb.resnet.torch's form ({@code
 * shortcutType 'A'}); the paper does not say where they go, and a layer that adds the shortcut to
 * learned maps cannot tell. Serialises in graph JSON under its own class name, which DL4J's
 * {@code @class} type property records, so no registration is needed.
 */
public class ZeroPadShortcut extends GraphVertex {
  private static final long serialVersionUID = 1L;

  private final int stride;
  private final long outChannels;
  private final CNN2DFormat dataFormat;

  /**
   * @param stride subsampling step in height and width (1: none)
   * @param outChannels maps of the output, at least the input's
   * @param dataFormat layout of input and output
   */
  public ZeroPadShortcut(@JsonProperty("stride") int stride,
      @JsonProperty("outChannels") long outChannels,
      @JsonProperty("dataFormat") CNN2DFormat dataFormat) {
    if (stride < 1) {
      throw new IllegalArgumentException("stride must be >= 1, got " + stride);
    }
    if (outChannels < 1) {
      throw new IllegalArgumentException("outChannels must be >= 1, got " + outChannels);
    }
    this.stride = stride;
    this.outChannels = outChannels;
    this.dataFormat = dataFormat == null ? CNN2DFormat.NCHW : dataFormat;
  }

  /** Channels first (NCHW), DL4J's default layout. */
  public ZeroPadShortcut(int stride, long outChannels) {
    this(stride, outChannels, CNN2DFormat.NCHW);
  }

  public int getStride() {
    return stride;
  }

  public long getOutChannels() {
    return outChannels;
  }

  public CNN2DFormat getDataFormat() {
    return dataFormat;
  }

  /** Output side for an input side of {@code size}: ceil(size / stride). */
  static long subsampledSize(long size, int stride) {
    return (size + stride - 1) / stride;
  }

  @Override
  public ZeroPadShortcut clone() {
    return new ZeroPadShortcut(stride, outChannels, dataFormat);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ZeroPadShortcut that && stride == that.stride
        && outChannels == that.outChannels && dataFormat == that.dataFormat;
  }

  @Override
  public int hashCode() {
    return Objects.hash(stride, outChannels, dataFormat);
  }

  @Override
  public String toString() {
    return "ZeroPadShortcut(stride=" + stride + ", outChannels=" + outChannels + ", dataFormat="
        + dataFormat + ")";
  }

  @Override
  public long numParams(boolean backprop) {
    return 0;
  }

  @Override
  public int minVertexInputs() {
    return 1;
  }

  @Override
  public int maxVertexInputs() {
    return 1;
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph,
      String name, int idx, INDArray paramsView, boolean initializeParams,
      DataType networkDatatype) {
    return new ZeroPadShortcutVertex(graph, name, idx, this, networkDatatype);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... vertexInputs)
      throws InvalidInputTypeException {
    if (vertexInputs.length != 1
        || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional in)) {
      throw new InvalidInputTypeException(
          "ZeroPadShortcut takes one convolutional input, got " + Arrays.toString(vertexInputs));
    }
    if (in.getFormat() != dataFormat) {
      throw new InvalidInputTypeException("ZeroPadShortcut configured for " + dataFormat
          + " got an input in " + in.getFormat());
    }
    if (in.getChannels() > outChannels) {
      throw new InvalidInputTypeException("ZeroPadShortcut can only add maps: input has "
          + in.getChannels() + ", output " + outChannels);
    }
    return InputType.convolutional(subsampledSize(in.getHeight(), stride),
        subsampledSize(in.getWidth(), stride), outChannels, dataFormat);
  }

  @Override
  public MemoryReport getMemoryReport(InputType... inputTypes) {
    return new LayerMemoryReport.Builder(null, ZeroPadShortcut.class, inputTypes[0],
        getOutputType(-1, inputTypes))
        .standardMemory(0, 0)
        .workingMemory(0, 0, 0, 0)
        .cacheMemory(0, 0)
        .build();
  }
}

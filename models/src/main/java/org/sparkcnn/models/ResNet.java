package org.sparkcnn.models;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.sparkcnn.models.layers.ZeroPadShortcut;

/**
 * Residual networks of basic blocks (He et al., "Deep Residual Learning for Image Recognition",
 * CVPR 2016): ResNet-18 and ResNet-34 in the ImageNet form (as torchvision builds them) and the
 * CIFAR form of section 4.2 (ResNet-20, and 6n+2 layers generally).
 *
 * <p>Input shape [channels, height, width]. ImageNet form: 7x7/2 convolution with 64 maps, BN,
 * activation, 3x3/2 max pooling, then stages of basic blocks at 64, 128, 256 and 512 maps
 * ([2, 2, 2, 2] blocks for ResNet-18, [3, 4, 6, 3] for ResNet-34). CIFAR form: 3x3 convolution
 * with 16 maps, BN, activation, then three stages of n blocks at 16, 32 and 64 maps. Both end in
 * global average pooling and a softmax layer; the first block of every stage after the first
 * halves height and width with stride 2.
 *
 * <p>A basic block is conv 3x3 (stride s) - BN - activation - conv 3x3 - BN, plus the shortcut,
 * then the activation. Convolutions have no bias (BN's beta replaces it). Where a block changes
 * the shape the shortcut is a {@link Shortcut#PROJECTION} (torchvision's: 11,689,512 trainable
 * parameters for ResNet-18, 21,797,672 for ResNet-34 at 1000 classes) or the paper's
 * parameter-free {@link Shortcut#ZERO_PAD} (ResNet-20's default: 269,722 trainable parameters at 10
 * classes); elsewhere it is the identity. DL4J also counts BN's running mean and variance as
 * parameters (see {@link ParameterCounts}). Layers are named {@code stem-conv}, {@code
 * stage2-block1-conv1}, {@code stage2-block1-bn1}, {@code stage2-block1-act1}, ..., {@code
 * stage2-block1-add}, {@code stage2-block1-act2}; a PReLU layer takes the activation layer's
 * name.
 */
public final class ResNet implements GraphBuilder {
  /** How a block's shortcut matches the shape of the block's output when that changes. */
  public enum Shortcut {
    /**
     * Option A of the paper: the identity, subsampled with the block's stride, with zero maps for
     * the extra channels ({@link ZeroPadShortcut}); no parameters.
     */
    ZERO_PAD,
    /** Option B: a 1x1 convolution with the block's stride, and BN (torchvision's). */
    PROJECTION
  }

  /** The layers before the first stage. */
  public enum Stem {
    /** 7x7/2 convolution, BN, activation, 3x3/2 max pooling: height and width over 4. */
    IMAGENET(7, 2, 2),
    /** 3x3 convolution, BN, activation: full resolution. */
    CIFAR(3, 1, 1);

    final int kernel;
    final int convStride;
    final int poolStride;

    Stem(int kernel, int convStride, int poolStride) {
      this.kernel = kernel;
      this.convStride = convStride;
      this.poolStride = poolStride;
    }

    /** Factor by which the stem reduces height and width. */
    int stride() {
      return convStride * poolStride;
    }
  }

  /** Maps of the four stages of the ImageNet form; the stem has as many as the first. */
  private static final int[] IMAGENET_STAGE_MAPS = {64, 128, 256, 512};
  private static final int[] RESNET18_BLOCKS = {2, 2, 2, 2};
  private static final int[] RESNET34_BLOCKS = {3, 4, 6, 3};
  /** Maps of the three stages of the CIFAR form; the stem has as many as the first. */
  private static final int[] CIFAR_STAGE_MAPS = {16, 32, 64};
  /** Layers of a CIFAR ResNet besides its 6n block convolutions: the stem and the output. */
  private static final int CIFAR_EXTRA_LAYERS = 2;
  /** Kernel side of the block convolutions; padding 1 keeps (stride 1) or halves the size. */
  private static final int BLOCK_KERNEL = 3;
  /** Stride of the first block of every stage after the first. */
  private static final int DOWNSAMPLING_STRIDE = 2;
  /** Max pooling of the ImageNet stem: 3x3 with padding 1. */
  private static final int STEM_POOL_KERNEL = 3;

  private final NetworkOptions options;
  private final Stem stem;
  private final int[] blocksPerStage;
  private final int[] stageMaps;
  private final Shortcut shortcut;

  /**
   * A residual network of basic blocks.
   *
   * @param stem the layers before the first stage
   * @param blocksPerStage basic blocks in each stage
   * @param stageMaps feature maps of each stage (the stem has as many as the first); with {@link
   *     Shortcut#ZERO_PAD} they must not decrease
   * @param shortcut the shortcut of blocks that change the shape
   * @throws IllegalArgumentException for empty or non-positive stages, or an input smaller than
   *     {@link #minInputSize()}
   */
  public ResNet(NetworkOptions options, Stem stem, int[] blocksPerStage, int[] stageMaps,
      Shortcut shortcut) {
    this.options = options;
    this.stem = stem;
    this.blocksPerStage = blocksPerStage.clone();
    this.stageMaps = stageMaps.clone();
    this.shortcut = shortcut;
    String stages = Arrays.toString(blocksPerStage) + " blocks and " + Arrays.toString(stageMaps)
        + " maps";
    if (blocksPerStage.length == 0 || blocksPerStage.length != stageMaps.length) {
      throw new IllegalArgumentException(
          "ResNet needs as many stage map counts as stages, got " + stages);
    }
    if (Arrays.stream(blocksPerStage).anyMatch(b -> b < 1)
        || Arrays.stream(stageMaps).anyMatch(m -> m < 1)) {
      throw new IllegalArgumentException(
          "ResNet stages need >= 1 block and >= 1 map, got " + stages);
    }
    for (int s = 1; s < stageMaps.length && shortcut == Shortcut.ZERO_PAD; s++) {
      if (stageMaps[s] < stageMaps[s - 1]) {
        throw new IllegalArgumentException("the ZERO_PAD shortcut can only add maps, got stages of "
            + Arrays.toString(stageMaps) + " maps");
      }
    }
    Layers.requireInputAtLeast(options.inputShape(), minInputSize(), "this ResNet");
  }

  /** ResNet-18, ImageNet form, projection shortcuts (torchvision's {@code resnet18}). */
  public static ResNet resnet18(NetworkOptions options) {
    return new ResNet(options, Stem.IMAGENET, RESNET18_BLOCKS, IMAGENET_STAGE_MAPS,
        Shortcut.PROJECTION);
  }

  /** ResNet-34, ImageNet form, projection shortcuts (torchvision's {@code resnet34}). */
  public static ResNet resnet34(NetworkOptions options) {
    return new ResNet(options, Stem.IMAGENET, RESNET34_BLOCKS, IMAGENET_STAGE_MAPS,
        Shortcut.PROJECTION);
  }

  /** ResNet-20, CIFAR form, with the paper's zero-padding shortcuts (option A). */
  public static ResNet resnet20(NetworkOptions options) {
    return cifar(options, 20, Shortcut.ZERO_PAD);
  }

  /**
   * A CIFAR-form ResNet of {@code depth} = 6n + 2 layers (20, 32, 44, 56, 110): three stages of
   * n blocks at 16, 32 and 64 maps.
   */
  public static ResNet cifar(NetworkOptions options, int depth, Shortcut shortcut) {
    int blockLayers = 2 * CIFAR_STAGE_MAPS.length;
    int blockDepth = depth - CIFAR_EXTRA_LAYERS;
    if (blockDepth < blockLayers || blockDepth % blockLayers != 0) {
      throw new IllegalArgumentException(
          "a CIFAR ResNet has 6n + 2 layers (20, 32, 44, 56, 110), got " + depth);
    }
    int[] blocks = new int[CIFAR_STAGE_MAPS.length];
    Arrays.fill(blocks, blockDepth / blockLayers);
    return new ResNet(options, Stem.CIFAR, blocks, CIFAR_STAGE_MAPS, shortcut);
  }

  /**
   * Smallest input side: the network's total stride (the stem's, times 2 per later stage), so that
   * each position of the last stage still covers at least one input pixel; 32 for the ImageNet
   * form, 4 for the CIFAR form.
   */
  public int minInputSize() {
    return stem.stride() * (1 << (stageMaps.length - 1));
  }

  @Override
  public ComputationGraphConfiguration conf() {
    ImageShape in = options.inputShape();
    var graph = Layers.graph(options)
        .addInputs("input")
        .setInputTypes(InputType.convolutional(in.height(), in.width(), in.channels()));
    // block 1: stem
    String x = convBn(graph, "stem-conv", "stem-bn", stem.kernel, stem.convStride, stageMaps[0],
        "input");
    x = activation(graph, "stem-act", stageMaps[0], x);
    if (stem.poolStride > 1) {
      graph.addLayer("stem-pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
          .kernelSize(STEM_POOL_KERNEL, STEM_POOL_KERNEL)
          .stride(stem.poolStride, stem.poolStride)
          .padding(STEM_POOL_KERNEL / 2, STEM_POOL_KERNEL / 2)
          .build(), x);
      x = "stem-pool";
    }
    // block 2: the stages of basic blocks
    int inMaps = stageMaps[0];
    for (int s = 0; s < stageMaps.length; s++) {
      for (int b = 0; b < blocksPerStage[s]; b++) {
        int stride = s > 0 && b == 0 ? DOWNSAMPLING_STRIDE : 1;
        x = basicBlock(graph, "stage" + (s + 1) + "-block" + (b + 1), x, inMaps, stageMaps[s],
            stride);
        inMaps = stageMaps[s];
      }
    }
    // block 3: global average pooling and the classifier
    graph.addLayer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
    graph.addLayer("output", Layers.softmaxOutput(options.numClasses()), "avgpool");
    return graph.setOutputs("output").build();
  }

  /** Adds a basic block named {@code name} after {@code input}; returns its output vertex. */
  private String basicBlock(ComputationGraphConfiguration.GraphBuilder graph, String name,
      String input, int inMaps, int outMaps, int stride) {
    String x = convBn(graph, name + "-conv1", name + "-bn1", BLOCK_KERNEL, stride, outMaps, input);
    x = activation(graph, name + "-act1", outMaps, x);
    x = convBn(graph, name + "-conv2", name + "-bn2", BLOCK_KERNEL, 1, outMaps, x);
    String identity = input;
    if (stride != 1 || inMaps != outMaps) {
      identity = switch (shortcut) {
        case ZERO_PAD -> {
          graph.addVertex(name + "-shortcut", new ZeroPadShortcut(stride, outMaps), input);
          yield name + "-shortcut";
        }
        case PROJECTION -> convBn(graph, name + "-shortcut-conv", name + "-shortcut-bn", 1, stride,
            outMaps, input);
      };
    }
    graph.addVertex(name + "-add", new ElementWiseVertex(ElementWiseVertex.Op.Add), x, identity);
    return activation(graph, name + "-act2", outMaps, name + "-add");
  }

  /**
   * Adds a k x k convolution without bias ("same" padding for odd k) and a BN layer after it;
   * returns the BN layer's name.
   */
  private String convBn(ComputationGraphConfiguration.GraphBuilder graph, String convName,
      String bnName, int kernel, int stride, int maps, String input) {
    graph.addLayer(convName, Layers.conv(options, convName, kernel, maps)
        .stride(stride, stride)
        .padding(kernel / 2, kernel / 2)
        .hasBias(false)
        .activation(Activation.IDENTITY)
        .build(), input);
    graph.addLayer(bnName,
        options.convolutions().batchNorm(new BatchNormalization.Builder().build()), convName);
    return bnName;
  }

  /**
   * Adds the options' hidden activation after {@code input} ({@code maps} maps): an activation
   * layer, or a PReLU layer with one slope per map. Returns its name.
   */
  private String activation(ComputationGraphConfiguration.GraphBuilder graph, String name,
      int maps, String input) {
    Layer layer = options.prelu()
        ? Layers.prelu(name, maps, true)
        : Layers.activationLayer(options, null);
    graph.addLayer(name, layer, input);
    return name;
  }
}

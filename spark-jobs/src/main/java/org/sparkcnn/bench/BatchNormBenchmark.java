package org.sparkcnn.bench;

import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.models.layers.NativeBatchNormalization;
import org.sparkcnn.report.Table;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Milliseconds per call of the ways to compute training-mode batch normalisation of a float
 * [minibatch, channels, height, width] activation on this JVM's ND4J build and threads
 * (OMP_NUM_THREADS): DL4J's layer, the project's {@link NativeBatchNormalization}, and libnd4j's
 * {@code batchnorm} / {@code batchnorm_bp} ops with the platform (oneDNN) implementation allowed
 * and not (they take the statistics as inputs, so {@code moments} is timed too). Layers run
 * without workspaces, as {@link LayerProfile} does, so their temporaries are fresh allocations;
 * their backward time is that of a forward and backward pass less the forward pass's.
 *
 * <p>Usage ({@code --help} describes the options):
 * <pre>BatchNormBenchmark [--minibatch 32] [--iterations 30]</pre>
 *
 * <p>Shapes: MobileNet V1 CIFAR form's batch normalisation inputs at alpha 1 (64x32x32,
 * 128x16x16, 512x4x4, 1024x2x2).
 */
public final class BatchNormBenchmark {
  static final List<long[]> SHAPES = List.of(new long[] {64, 32, 32}, new long[] {128, 16, 16},
      new long[] {512, 4, 4}, new long[] {1024, 2, 2});
  private static final double EPS = 1e-5;

  private BatchNormBenchmark() {}

  /** The command line (picocli). */
  @CommandLine.Command(name = "BatchNormBenchmark", sortOptions = false, sortSynopsis = false,
      description = "Milliseconds per call of the ways to compute training-mode batch"
          + " normalisation on this JVM's ND4J build and threads.")
  static final class Command {
    @Option(names = "--minibatch", paramLabel = "N",
        description = "images per call (default: ${DEFAULT-VALUE})")
    int minibatch = 32;

    @Option(names = "--iterations", paramLabel = "N",
        description = "timed calls, after 5 untimed ones (default: ${DEFAULT-VALUE})")
    int iterations = 30;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;
  }

  /**
   * Times the shapes and prints the table; prints the help for {@code --help}.
   *
   * @throws IllegalArgumentException for an unknown option or a bad value, naming it
   */
  public static void main(String[] args) throws Exception {
    Command command = new Command();
    if (!Cli.parse(command, args)) {
      System.out.print(Cli.usage(command));
      return;
    }
    int minibatch = command.minibatch;
    int iterations = command.iterations;
    String nd4j = NativeBackend.selectAndLog("benchmark");
    Table table = new Table("input", "dl4j_forward", "dl4j_backward", "native_forward",
        "native_backward", "moments", "batchnorm_onednn", "batchnorm_libnd4j",
        "batchnorm_bp_onednn", "batchnorm_bp_libnd4j");
    for (long[] s : SHAPES) {
      table.add(row(minibatch, s, iterations));
    }
    System.out.println("# batch normalisation, ms per call, minibatch " + minibatch + ", " + nd4j
        + ", OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "default")
        + "\n");
    System.out.println(table.toMarkdown());
  }

  static List<String> row(int minibatch, long[] s, int iterations) throws Exception {
    long c = s[0];
    INDArray x = Nd4j.rand(DataType.FLOAT, minibatch, c, s[1], s[2]).muli(3).addi(1);
    INDArray epsilon = Nd4j.rand(DataType.FLOAT, minibatch, c, s[1], s[2]);
    double[] dl4j = layer(new BatchNormalization.Builder().nOut(c).build(), x, epsilon, s,
        iterations);
    double[] fast = layer(new NativeBatchNormalization(
        new BatchNormalization.Builder().nOut(c).build()), x, epsilon, s, iterations);
    INDArray mean = Nd4j.create(DataType.FLOAT, c);
    INDArray var = Nd4j.create(DataType.FLOAT, c);
    INDArray gamma = Nd4j.ones(DataType.FLOAT, c);
    INDArray beta = Nd4j.zeros(DataType.FLOAT, c);
    INDArray y = x.ulike();
    INDArray dx = x.ulike();
    INDArray[] grads = {dx, mean.ulike(), var.ulike(), gamma.ulike(), beta.ulike()};
    double moments = time(iterations, () -> op("moments", true, new INDArray[] {x},
        new INDArray[] {mean, var}, new long[] {0, 2, 3}));
    double[] forward = new double[2];
    double[] backward = new double[2];
    for (int h = 0; h < 2; h++) {
      boolean helpers = h == 0;
      forward[h] = time(iterations, () -> op("batchnorm", helpers,
          new INDArray[] {x, mean, var, gamma, beta}, new INDArray[] {y}, new long[] {1, 1, 1}));
      backward[h] = time(iterations, () -> op("batchnorm_bp", helpers,
          new INDArray[] {x, mean, var, gamma, beta, epsilon}, grads, new long[] {1, 1, 1}));
    }
    return List.of(minibatch + "x" + c + "x" + s[1] + "x" + s[2], ms(dl4j[0]), ms(dl4j[1]),
        ms(fast[0]), ms(fast[1]), ms(moments), ms(forward[0]), ms(forward[1]), ms(backward[0]),
        ms(backward[1]));
  }

  /** Forward and backward ms of a network's only layer {@code bn} in training mode. */
  private static double[] layer(BatchNormalization bn, INDArray x, INDArray epsilon, long[] s,
      int iterations) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
        .layer(bn).setInputType(InputType.convolutional(s[1], s[2], s[0])).build());
    net.init();
    net.initGradientsView();
    Layer layer = net.getLayer(0);
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    double forward = time(iterations, () -> {
      layer.setInput(x, mgr);
      return layer.activate(true, mgr);
    });
    // The layers drop their forward state in backprop: time both, then take the forward away.
    double both = time(iterations, () -> {
      layer.setInput(x, mgr);
      layer.activate(true, mgr);
      return layer.backpropGradient(epsilon, mgr);
    });
    return new double[] {forward, Math.max(0, both - forward)};
  }

  private static Object op(String name, boolean helpers, INDArray[] in, INDArray[] out,
      long[] intArgs) throws Exception {
    try (OpContext context = Nd4j.getExecutioner().buildContext()) {
      context.allowHelpers(helpers);
      context.setInputArrays(in);
      context.setOutputArrays(out);
      if (!name.equals("moments")) {
        context.setTArguments(EPS);
      }
      context.setIArguments(intArgs);
      Nd4j.exec(DynamicCustomOp.builder(name).build(), context);
    }
    return out[0];
  }

  /** Mean ms per call over {@code iterations} calls after 5 warm-up calls. */
  private static double time(int iterations, ThrowingSupplier call) {
    try {
      for (int i = 0; i < 5; i++) {
        call.get();
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        call.get();
      }
      return (System.nanoTime() - t0) / 1e6 / iterations;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  private interface ThrowingSupplier {
    Object get() throws Exception;
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}

package org.sparkcnn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.ModelSummary;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.report.Table;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The machine's reachable fp32 rate, for the share of it each network's training reaches: a
 * single-precision matrix product (sgemm) through ND4J on the threads this JVM runs with
 * (OMP_NUM_THREADS), appended to {@code runs/peak.csv} and printed as a Markdown table.
 *
 * <p>Usage ({@code --help} describes the options):
 * <pre>PeakFlops [--size 1024] [--seconds 10] [--output runs/peak.csv] [--models LIST]</pre>
 *
 * <p>With {@code --models} (registry specs as {@code ThroughputBenchmark} takes them) it also
 * prints, per network at its natural input and 10 classes, the training GFLOP per image and the
 * images/s that would use the whole measured rate: a network's measured images/s divided by
 * that ceiling is its share of the machine's peak.
 *
 * <p>A training step costs about three forward passes of multiply-adds (the forward pass, the
 * gradient with respect to the layer input and the gradient with respect to the weights), two
 * floating-point operations each: {@link #trainingFlopsPerImage} is 6 x the multiply-adds per
 * image of {@link ModelSummary} (convolutions, depthwise and pointwise, and dense layers;
 * normalisation, activations and pooling are not counted). Images/s x that figure / this gemm
 * rate is the share of the machine a network reaches.
 */
public final class PeakFlops {
  /** Floating-point operations of a training step per multiply-add of the forward pass. */
  public static final int TRAINING_FLOPS_PER_FORWARD_MULTIPLY_ADD = 6;
  static final List<String> COLUMNS = List.of("date", "cpu", "nd4j", "threads", "size",
      "gflops_per_sec");

  private PeakFlops() {}

  /** The command line (picocli). */
  @CommandLine.Command(name = "PeakFlops", sortOptions = false, sortSynopsis = false,
      description = "The machine's reachable fp32 rate (sgemm through ND4J), appended to a CSV"
          + " file; with --models, each network's training GFLOP per image and images/s at it.")
  static final class Command {
    @Option(names = "--size", paramLabel = "N",
        description = "rows and columns of the multiplied matrices (default: ${DEFAULT-VALUE})")
    int size = 1024;

    @Option(names = "--seconds", paramLabel = "S",
        description = "least time of the measurement (default: ${DEFAULT-VALUE})")
    double seconds = 10;

    @Option(names = "--output", paramLabel = "FILE",
        description = "CSV file the row is appended to (default: ${DEFAULT-VALUE})")
    Path output = Path.of("runs", "peak.csv");

    @Option(names = "--models", paramLabel = "LIST", description = "registry specs as"
        + " ThroughputBenchmark takes them (default: none)")
    String models;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;
  }

  /**
   * Measures and prints the rate; prints the help for {@code --help}.
   *
   * @throws IllegalArgumentException for an unknown option or a bad value, naming it
   */
  public static void main(String[] args) throws IOException {
    Command command = new Command();
    if (!Cli.parse(command, args)) {
      System.out.print(Cli.usage(command));
      return;
    }
    int size = command.size;
    double seconds = command.seconds;
    Path output = command.output;
    List<String> models = command.models == null ? List.of()
        : ThroughputCommand.splitSpecs(command.models);
    String nd4j = NativeBackend.selectAndLog("peak");
    double gflops = sgemmGflops(size, seconds);
    Table table = new Table(COLUMNS);
    table.add(LocalDate.now(ZoneOffset.UTC), ThroughputBenchmark.cpuModel(), nd4j,
        System.getenv().getOrDefault("OMP_NUM_THREADS", "default"), size,
        String.format(Locale.ROOT, "%.1f", gflops));
    ResultsFile.append(output, table);
    System.out.println(table.toMarkdown());
    if (!models.isEmpty()) {
      System.out.println(ceilings(models, gflops).toMarkdown());
    }
  }

  /**
   * Per network of {@code models} (natural input, 10 classes): training GFLOP per image and the
   * images/s at which training would run at {@code gflops}.
   */
  static Table ceilings(List<String> models, double gflops) {
    Table table = new Table(List.of("network", "input", "training_gflop_per_image",
        "images_per_sec_at_peak"));
    for (String model : models) {
      ImageShape input = Models.naturalInput(model);
      double perImage = trainingFlopsPerImage(model, input, 10) / 1e9;
      table.add(model, input.channels() + "x" + input.height() + "x" + input.width(),
          String.format(Locale.ROOT, "%.4f", perImage),
          String.format(Locale.ROOT, "%.1f", gflops / perImage));
    }
    return table;
  }

  /**
   * GFLOP/s (10^9 floating-point operations per second, 2 per multiply-add) of {@code size} x
   * {@code size} single-precision matrix products through ND4J, timed for at least {@code
   * seconds} after three warm-up products.
   */
  static double sgemmGflops(int size, double seconds) {
    Nd4j.getRandom().setSeed(1);
    INDArray a = Nd4j.rand(DataType.FLOAT, size, size);
    INDArray b = Nd4j.rand(DataType.FLOAT, size, size);
    INDArray c = Nd4j.create(DataType.FLOAT, size, size);
    for (int i = 0; i < 3; i++) {
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }
    long t0 = System.nanoTime();
    long products = 0;
    while (System.nanoTime() - t0 < seconds * 1e9 || products < 3) {
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      products++;
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    return 2.0 * size * size * (double) size * products / elapsed / 1e9;
  }

  /**
   * Training floating-point operations per image of {@code spec} for {@code input} and {@code
   * classes}: {@link #TRAINING_FLOPS_PER_FORWARD_MULTIPLY_ADD} x its forward multiply-adds.
   *
   * @throws IllegalArgumentException for an unknown model or an input it cannot take
   */
  public static double trainingFlopsPerImage(String spec, ImageShape input, int classes) {
    NetworkOptions options = new NetworkOptions(input, classes, "relu", WeightInit.RELU, 0,
        new Nesterovs(0.01, 0.9), 1L, ConvolutionEngine.NATIVE);
    ModelSummary summary = Models.create(spec, options).summary(input);
    return (double) TRAINING_FLOPS_PER_FORWARD_MULTIPLY_ADD * summary.totals().multiplyAdds();
  }
}

package org.sparkcnn.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.NeuralNetwork;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.config.RoundScheduling;
import org.sparkcnn.config.TrainingMasterChoice;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.Models;
import org.sparkcnn.report.Table;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Milliseconds per minibatch of each layer's (or graph vertex's) forward and backward pass during
 * training, without the updater, on the ND4J build this JVM runs (see {@link NativeBackend}),
 * without workspaces; then the same summed per layer class, with each class's share of the total.
 *
 * <p>Usage:
 * <pre>
 * LayerProfile --model SPEC [--engine native|dl4j] [--iterations 30] [--warmup 5]
 *     [--input CxHxW] [--classes 10] [--batch N]
 * LayerProfile [model=lenet-caffe] [engine=dl4j] [iterations=30]     (the earlier form)
 * </pre>
 *
 * <p>Any {@link org.sparkcnn.models.Models} spec; input, classes and minibatch default as in
 * {@link ThroughputBenchmark}. A {@link MultiLayerNetwork} is timed layer by layer (input
 * preprocessors counted with their layer); a {@link ComputationGraph} vertex by vertex in its
 * topological order ({@code doForward} / {@code doBackward}; a vertex that feeds several others
 * gets the sum of their gradients, and the addition is not timed). Exit code 2 for bad arguments.
 */
public final class LayerProfile {
  /** Earlier positional form's engine default. */
  private static final String POSITIONAL_ENGINE = "dl4j";

  private LayerProfile() {}

  /**
   * Parsed command line.
   *
   * @param benchmark the network, in {@link ThroughputBenchmark}'s terms (one model; its input,
   *     classes and minibatch)
   */
  record Options(ThroughputBenchmark.Options benchmark, ConvolutionEngine engine, int iterations,
      int warmup) {}

  /**
   * Mean times of one layer or vertex.
   *
   * @param name the layer's or vertex's name
   * @param type the class that computes it: the layer's implementation class or the vertex's
   */
  record Timing(String name, String type, double forwardMillis, double backwardMillis) {
    double totalMillis() {
      return forwardMillis + backwardMillis;
    }
  }

  public static void main(String[] args) {
    Options o = Cli.parseOrExit(args, LayerProfile::parse, new Command());
    if (o == null) {
      return;
    }
    String nd4j = NativeBackend.selectAndLog("profile");
    ThroughputBenchmark.Case c = ThroughputBenchmark.cases(o.benchmark()).get(0);
    List<Timing> timings = profile(c, o.engine(), o.iterations(), o.warmup());
    System.out.println("# " + c.model() + ", " + o.engine().configName() + " convolutions, input "
        + CaseOptions.shapeText(c.shape()) + ", batch " + c.batch() + ", " + nd4j
        + ", OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "default")
        + "\n");
    System.out.println(layerTable(timings).toMarkdown());
    System.out.println(typeTable(timings).toMarkdown());
  }

  /**
   * The options {@code args} give, or null when they ask for help.
   *
   * @throws IllegalArgumentException naming the option that is unknown or has a bad value
   */
  static Options parse(String[] args) {
    Command command = new Command();
    return Cli.parse(command, args) ? command.options() : null;
  }

  /** The command line (picocli); {@link #options()} checks it. */
  @CommandLine.Command(name = "LayerProfile", sortOptions = false, sortSynopsis = false,
      description = "Milliseconds per minibatch of each layer's forward and backward pass during"
          + " training, then summed per layer class. Exit code 2 for bad arguments.")
  static final class Command {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
        description = "the earlier form, without options: the model,")
    String positionalModel;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ENGINE",
        description = "its engine (default: " + POSITIONAL_ENGINE + ")")
    String positionalEngine;

    @Parameters(index = "2", arity = "0..1", paramLabel = "ITERATIONS",
        description = "and its timed passes (default: 30)")
    String positionalIterations;

    @Option(order = 1, names = "--model", paramLabel = "SPEC",
        description = "a registry spec (default: ${DEFAULT-VALUE})")
    String model = "lenet-caffe";

    @Option(order = 2, names = "--engine", paramLabel = "native|dl4j",
        description = "convolution engine (default: ${DEFAULT-VALUE})")
    String engine = "native";

    @Option(order = 3, names = "--iterations", paramLabel = "N",
        description = "timed passes (default: ${DEFAULT-VALUE})")
    String iterations = "30";

    @Option(order = 4, names = "--warmup", paramLabel = "N",
        description = "untimed passes first (default: ${DEFAULT-VALUE})")
    String warmup = "5";

    @Mixin
    CaseOptions network = new CaseOptions();

    @Option(order = 99, names = {"-h", "--help"}, usageHelp = true,
        description = "print this help and exit")
    boolean help;

    @Spec
    CommandSpec spec;

    Options options() {
      String modelSpec = model;
      String engineName = engine;
      String iterationText = iterations;
      if (positionalModel != null) {
        if (!spec.commandLine().getParseResult().matchedOptions().isEmpty()) {
          throw new IllegalArgumentException("the earlier form LayerProfile MODEL [ENGINE"
              + " [ITERATIONS]] takes no options; give --model instead");
        }
        modelSpec = positionalModel;
        engineName = positionalEngine != null ? positionalEngine : POSITIONAL_ENGINE;
        iterationText = positionalIterations != null ? positionalIterations : iterationText;
      }
      Models.validate(modelSpec); // an unknown name lists the known ones
      ThroughputBenchmark.Options benchmark = new ThroughputBenchmark.Options("single",
          List.of(modelSpec.trim()), List.of(ConvolutionEngine.NATIVE), 1, 0, 1, 1,
          TrainingMasterChoice.DL4J, false, null, network.input(), network.classes(),
          network.batch(), 0, "", 1, 0, RoundScheduling.JOB);
      return new Options(benchmark, ConvolutionEngine.parse(engineName),
          Numbers.positive("--iterations", iterationText),
          Numbers.nonNegative("--warmup", warmup));
    }
  }

  /**
   * Times every layer (or vertex) of {@code c}'s network over {@code iterations} passes after
   * {@code warmup} untimed ones; the means in milliseconds, in the order they run forward.
   */
  static List<Timing> profile(ThroughputBenchmark.Case c, ConvolutionEngine engine,
      int iterations, int warmup) {
    NeuralNetwork net = ThroughputBenchmark.network(c, engine);
    DataSet batch = ThroughputBenchmark.randomBatch(c, 1);
    return net instanceof ComputationGraph graph
        ? profileGraph(graph, batch, iterations, warmup)
        : profileLayers((MultiLayerNetwork) net, batch, iterations, warmup);
  }

  private static List<Timing> profileLayers(MultiLayerNetwork net, DataSet batch, int iterations,
      int warmup) {
    net.initGradientsView();
    int n = net.getnLayers();
    double[] forward = new double[n];
    double[] backward = new double[n];
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    int minibatch = batch.numExamples();
    for (int it = -warmup; it < iterations; it++) {
      List<INDArray> inputs = new ArrayList<>();
      INDArray x = batch.getFeatures();
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
        if (pre != null) {
          x = pre.preProcess(x, minibatch, mgr);
        }
        Layer layer = net.getLayer(i);
        layer.setInput(x, mgr);
        inputs.add(x);
        if (layer instanceof BaseOutputLayer<?> out) {
          out.setLabels(batch.getLabels());
          out.computeScore(0, true, mgr);
        } else {
          x = layer.activate(true, mgr);
        }
        add(forward, i, it, t);
      }
      INDArray epsilon = null;
      for (int i = n - 1; i >= 0; i--) {
        long t = System.nanoTime();
        net.getLayer(i).setInput(inputs.get(i), mgr);
        epsilon = net.getLayer(i).backpropGradient(epsilon, mgr).getSecond();
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
        if (pre != null) {
          epsilon = pre.backprop(epsilon, minibatch, mgr);
        }
        add(backward, i, it, t);
      }
    }
    List<Timing> timings = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      timings.add(new Timing(net.getLayer(i).conf().getLayer().getLayerName(),
          net.getLayer(i).getClass().getSimpleName(), forward[i] / iterations,
          backward[i] / iterations));
    }
    return timings;
  }

  private static List<Timing> profileGraph(ComputationGraph graph, DataSet batch, int iterations,
      int warmup) {
    graph.initGradientsView();
    GraphVertex[] vertices = graph.getVertices();
    int[] order = graph.topologicalSortOrder();
    double[] forward = new double[vertices.length];
    double[] backward = new double[vertices.length];
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    for (int it = -warmup; it < iterations; it++) {
      INDArray[] outputs = new INDArray[vertices.length];
      for (int index : order) {
        GraphVertex v = vertices[index];
        if (v.isInputVertex()) {
          outputs[index] = batch.getFeatures(); // the graphs of the zoo have one input
          continue;
        }
        long t = System.nanoTime();
        VertexIndices[] in = v.getInputVertices();
        for (int j = 0; j < in.length; j++) {
          v.setInput(j, outputs[in[j].getVertexIndex()], mgr);
        }
        if (v.hasLayer() && v.getLayer() instanceof IOutputLayer out) {
          out.setLabels(batch.getLabels());
        }
        outputs[index] = v.doForward(true, mgr);
        add(forward, index, it, t);
      }
      Map<Integer, INDArray> epsilons = new HashMap<>();
      for (int k = order.length - 1; k >= 0; k--) {
        int index = order[k];
        GraphVertex v = vertices[index];
        if (v.isInputVertex()) {
          continue;
        }
        long t = System.nanoTime();
        if (!v.isOutputVertex()) {
          v.setEpsilon(epsilons.get(index));
        }
        INDArray[] toInputs = v.doBackward(false, mgr).getSecond();
        add(backward, index, it, t);
        VertexIndices[] in = v.getInputVertices();
        for (int j = 0; j < in.length; j++) {
          if (toInputs[j] != null) {
            epsilons.merge(in[j].getVertexIndex(), toInputs[j], INDArray::add);
          }
        }
      }
    }
    List<Timing> timings = new ArrayList<>();
    for (int index : order) {
      GraphVertex v = vertices[index];
      if (!v.isInputVertex()) {
        String type = v.hasLayer() ? v.getLayer().getClass().getSimpleName()
            : v.getClass().getSimpleName();
        timings.add(new Timing(v.getVertexName(), type, forward[index] / iterations,
            backward[index] / iterations));
      }
    }
    return timings;
  }

  /** One row per layer or vertex, then the total. */
  static Table layerTable(List<Timing> timings) {
    Table table = new Table("layer", "class", "forward_ms", "backward_ms", "total_ms");
    double total = 0;
    for (Timing t : timings) {
      table.add(t.name(), t.type(), ms(t.forwardMillis()), ms(t.backwardMillis()),
          ms(t.totalMillis()));
      total += t.totalMillis();
    }
    table.add("all", "", "", "", ms(total));
    return table;
  }

  /**
   * One row per layer class, the most expensive first: layers of it, summed forward and backward
   * milliseconds, and its share of the network's total in percent.
   */
  static Table typeTable(List<Timing> timings) {
    Map<String, double[]> byType = new LinkedHashMap<>(); // layers, forward, backward
    double total = 0;
    for (Timing t : timings) {
      double[] sums = byType.computeIfAbsent(t.type(), k -> new double[3]);
      sums[0]++;
      sums[1] += t.forwardMillis();
      sums[2] += t.backwardMillis();
      total += t.totalMillis();
    }
    Table table = new Table("class", "layers", "forward_ms", "backward_ms", "share_percent");
    double all = total;
    byType.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[1] + b.getValue()[2],
            a.getValue()[1] + a.getValue()[2]))
        .forEach(e -> table.add(e.getKey(), (int) e.getValue()[0], ms(e.getValue()[1]),
            ms(e.getValue()[2]), String.format(Locale.ROOT, "%.1f",
                all > 0 ? 100 * (e.getValue()[1] + e.getValue()[2]) / all : 0)));
    return table;
  }

  private static void add(double[] sums, int i, int iteration, long startNanos) {
    if (iteration >= 0) {
      sums[i] += (System.nanoTime() - startNanos) / 1e6;
    }
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}

package org.sparkcnn.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InputType.InputTypeConvolutional;
import org.deeplearning4j.nn.conf.inputs.InputType.InputTypeFeedForward;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Sgd;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A per-layer table of a network: each layer's output shape, parameters and multiply-adds per
 * image, and their totals, computed from the configuration and its input shape alone (no weights
 * are allocated).
 *
 * <p>Usage: {@code ModelSummary <model> [--input C,H,W] [--classes N] [--activation NAME]} prints
 * {@link #modelMarkdown} for a model of the {@link Models} registry ({@code --help} describes the
 * options; exit code 2 for bad arguments).
 *
 * <p>Columns:
 *
 * <ul>
 *   <li>output shape: [channels, height, width] for maps (whatever the layer's data format), [n]
 *       for vectors;
 *   <li>parameters: DL4J's count, {@code layer.initializer().numParams(layer)}, which includes
 *       BatchNormalization's running mean and variance (2 per channel);
 *   <li>trainable parameters: the same less those running statistics, which are updated by
 *       averaging, not by gradients; every other parameter counts as trainable;
 *   <li>multiply-adds per image, for one forward pass, of these layers only: 2D convolutions
 *       ({@link ConvolutionLayer} and its subclasses such as the project's NativeConvolution):
 *       outH * outW * kH * kW * inC * outC; {@link DepthwiseConvolution2D}: outH * outW * kH * kW
 *       * inC * depthMultiplier; {@link SeparableConvolution2D}: that depthwise count plus the
 *       pointwise outH * outW * (inC * depthMultiplier) * outC; {@link Deconvolution2D}: inH *
 *       inW * kH * kW * inC * outC; {@link DenseLayer} and {@link OutputLayer}: nIn * nOut.
 *       Everything else counts 0: bias additions, activations, pooling, local response and batch
 *       normalisation, PReLU, graph vertices (a residual add), and 1D and 3D convolutions. Those
 *       left out are proportional to the activations rather than to the weights and small beside
 *       the convolutions.
 * </ul>
 *
 * <p>The TensorFlow tutorial CNN (tf-cifar10, 24x24x3) comes out at 18,470,784 multiply-adds
 * per image: conv1 2,764,800, conv2 14,745,600, local3 884,736, local4 73,728, softmax 1,920.
 * The tutorial's "about 19.5M" is 5.3% more and it does not say what it counted; one add per
 * bias (46,666), the pooling windows' comparisons (103,680) and LRN's sums of squares over 9 maps
 * (165,888) together bring the count to only about 18.8M.
 */
public final class ModelSummary {
  static final int DEFAULT_CLASSES = 10;
  static final String DEFAULT_ACTIVATION = "relu";
  private static final String TOTAL = "total";
  private static final List<String> COLUMNS = List.of("layer", "type", "output shape",
      "trainable parameters", "parameters", "multiply-adds per image");
  /** Columns right-aligned in Markdown: the numbers. */
  private static final int FIRST_NUMBER_COLUMN = 3;

  private final List<Row> rows;
  private final Row totals;

  private ModelSummary(List<Row> rows) {
    this.rows = List.copyOf(rows);
    this.totals = new Row(TOTAL, "", "",
        rows.stream().mapToLong(Row::trainableParameters).sum(),
        rows.stream().mapToLong(Row::parameters).sum(),
        rows.stream().mapToLong(Row::multiplyAdds).sum());
  }

  /**
   * One layer (or graph vertex) of the table.
   *
   * @param name the layer's name ({@code layer<i>} when it was given none)
   * @param type short class name of the layer configuration or graph vertex
   * @param outputShape shape of one example's output, e.g. {@code [6, 28, 28]} or {@code [84]}
   * @param trainableParameters parameters the updater trains
   * @param parameters every parameter DL4J holds for the layer
   * @param multiplyAdds multiply-adds for one image's forward pass (see the class comment)
   */
  public record Row(String name, String type, String outputShape, long trainableParameters,
      long parameters, long multiplyAdds) {}

  /** The summary of {@code conf} for images of shape {@code input}. */
  public static ModelSummary of(MultiLayerConfiguration conf, ImageShape input) {
    return of(conf, InputType.convolutional(input.height(), input.width(), input.channels()));
  }

  /** The summary of {@code conf} for inputs of type {@code input}. */
  public static ModelSummary of(MultiLayerConfiguration conf, InputType input) {
    List<InputType> outputs = conf.getLayerActivationTypes(input);
    List<Row> rows = new ArrayList<>();
    InputType layerInput = input;
    for (int i = 0; i < outputs.size(); i++) {
      InputPreProcessor preprocessor = conf.getInputPreProcess(i);
      if (preprocessor != null) {
        layerInput = preprocessor.getOutputType(layerInput);
      }
      Layer layer = conf.getConf(i).getLayer();
      String name = layer.getLayerName() != null ? layer.getLayerName() : "layer" + i;
      rows.add(layerRow(name, layer, layerInput, outputs.get(i)));
      layerInput = outputs.get(i);
    }
    return new ModelSummary(rows);
  }

  /**
   * The summary of the graph {@code conf} with inputs of types {@code inputs} (in the order of its
   * network inputs): one row per layer or other vertex, in DL4J's topological order. {@code conf}
   * itself is left unchanged.
   */
  public static ModelSummary of(ComputationGraphConfiguration conf, InputType... inputs) {
    // getLayerActivationTypes sets missing preprocessors and nIn on the configuration it runs on.
    ComputationGraphConfiguration graph = conf.clone();
    Map<String, InputType> outputs = graph.getLayerActivationTypes(inputs);
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, InputType> entry : outputs.entrySet()) {
      String name = entry.getKey();
      if (graph.getNetworkInputs().contains(name)) {
        continue;
      }
      GraphVertex vertex = graph.getVertices().get(name);
      if (vertex instanceof LayerVertex layerVertex) {
        InputType layerInput = outputs.get(graph.getVertexInputs().get(name).get(0));
        if (layerVertex.getPreProcessor() != null) {
          layerInput = layerVertex.getPreProcessor().getOutputType(layerInput);
        }
        rows.add(layerRow(name, layerVertex.getLayerConf().getLayer(), layerInput,
            entry.getValue()));
      } else {
        long parameters = vertex.numParams(true);
        rows.add(new Row(name, vertex.getClass().getSimpleName(), shape(entry.getValue()),
            parameters, parameters, 0));
      }
    }
    return new ModelSummary(rows);
  }

  private static Row layerRow(String name, Layer layer, InputType input, InputType output) {
    long parameters = layer.initializer().numParams(layer);
    return new Row(name, layer.getClass().getSimpleName(), shape(output),
        parameters - ParameterCounts.statistics(layer), parameters,
        multiplyAdds(layer, input, output));
  }

  /**
   * Multiply-adds of one forward pass of {@code layer} over one example of type {@code input},
   * giving {@code output}; 0 for the layers the class comment does not list.
   */
  static long multiplyAdds(Layer layer, InputType input, InputType output) {
    if (layer instanceof ConvolutionLayer conv && input instanceof InputTypeConvolutional in
        && output instanceof InputTypeConvolutional out) {
      long kernelArea = (long) conv.getKernelSize()[0] * conv.getKernelSize()[1];
      long outPixels = out.getHeight() * out.getWidth();
      if (conv instanceof DepthwiseConvolution2D depthwise) {
        return outPixels * kernelArea * in.getChannels() * depthwise.getDepthMultiplier();
      }
      if (conv instanceof SeparableConvolution2D separable) {
        long depthwiseMaps = in.getChannels() * separable.getDepthMultiplier();
        return outPixels * (kernelArea * depthwiseMaps + depthwiseMaps * out.getChannels());
      }
      if (conv instanceof Deconvolution2D) {
        // every input pixel is spread over a kernel-sized patch of every output map
        return in.getHeight() * in.getWidth() * kernelArea * in.getChannels() * out.getChannels();
      }
      return outPixels * kernelArea * in.getChannels() * out.getChannels();
    }
    if ((layer instanceof DenseLayer || layer instanceof OutputLayer)
        && input instanceof InputTypeFeedForward) {
      FeedForwardLayer dense = (FeedForwardLayer) layer;
      return dense.getNIn() * dense.getNOut();
    }
    return 0;
  }

  /** {@code [c, h, w]} for maps, else DL4J's shape of one example ({@code [n]} for vectors). */
  static String shape(InputType type) {
    long[] shape = type instanceof InputTypeConvolutional maps
        ? new long[] {maps.getChannels(), maps.getHeight(), maps.getWidth()}
        : type.getShape(false);
    return Arrays.stream(shape).mapToObj(Long::toString)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** One row per layer or graph vertex, in the order the network computes them. */
  public List<Row> rows() {
    return rows;
  }

  /** The row named {@code total}: the sums of the parameter and multiply-add columns. */
  public Row totals() {
    return totals;
  }

  /** The table in Markdown, numbers with thousands separators, ending with the totals row. */
  public String toMarkdown() {
    StringBuilder out = new StringBuilder();
    out.append(markdownLine(COLUMNS));
    for (int c = 0; c < COLUMNS.size(); c++) {
      out.append(c < FIRST_NUMBER_COLUMN ? "|---" : "|---:");
    }
    out.append("|\n");
    rows.forEach(r -> out.append(markdownLine(cells(r))));
    out.append(markdownLine(cells(totals)));
    return out.toString();
  }

  private static List<String> cells(Row row) {
    return List.of(row.name(), row.type(), row.outputShape(), grouped(row.trainableParameters()),
        grouped(row.parameters()), grouped(row.multiplyAdds()));
  }

  private static String markdownLine(List<String> cells) {
    return cells.stream().map(c -> c.replace("|", "\\|"))
        .collect(Collectors.joining(" | ", "| ", " |\n"));
  }

  private static String grouped(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /**
   * The page a run directory's {@code model.md} holds: a title naming the model and its input
   * shape, the table, and what its parameter and multiply-add columns count.
   */
  public static String modelMarkdown(String modelName, ImageShape input,
      MultiLayerConfiguration conf) {
    return modelMarkdown(modelName, input, of(conf, input));
  }

  /** {@link #modelMarkdown(String, ImageShape, MultiLayerConfiguration)} of a summary. */
  public static String modelMarkdown(String modelName, ImageShape input, ModelSummary summary) {
    return "# Model " + modelName + ", input " + input + "\n\n" + summary.toMarkdown() + "\n"
        + "Input shape and output shapes are [channels, height, width] or [units]. Parameters as"
        + " DL4J counts them: BatchNormalization's running mean and variance are parameters but"
        + " are not trained. Multiply-adds per image count convolutions and dense layers only"
        + " (see ModelSummary).\n";
  }

  /**
   * What {@link #main} prints for {@code args}: the usage for {@code -h}, else {@link
   * #modelMarkdown} for the model they name.
   *
   * @throws IllegalArgumentException for bad arguments, an unknown model or options it rejects
   */
  static String run(String[] args) {
    Arguments arguments = Arguments.parse(args);
    if (arguments == null) {
      return Arguments.usage();
    }
    // Weight init, L2, updater and seed do not change the table; any valid value does.
    NetworkOptions options = new NetworkOptions(arguments.input(), arguments.classes(),
        arguments.activation(), WeightInit.RELU, 0, new Sgd(), 0L, ConvolutionEngine.NATIVE);
    return modelMarkdown(arguments.model(), arguments.input(),
        Models.create(arguments.model(), options).summary(arguments.input()));
  }

  public static void main(String[] args) {
    try {
      System.out.print(run(args));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("(ModelSummary --help lists the options)");
      System.exit(2);
    }
  }

  /**
   * The command line of {@link #main}.
   *
   * @param model name in the {@link Models} registry
   * @param input shape of one input image
   * @param classes number of output classes
   * @param activation hidden activation, by name
   */
  record Arguments(String model, ImageShape input, int classes, String activation) {

    /**
     * Parses {@code args}; null when they ask for help.
     *
     * @throws IllegalArgumentException naming the argument that is wrong or missing
     */
    static Arguments parse(String[] args) {
      Command command = new Command();
      CommandLine line = commandLine(command);
      try {
        line.parseArgs(args);
      } catch (CommandLine.ParameterException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      if (line.isUsageHelpRequested()) {
        return null;
      }
      if (command.model == null) {
        throw new IllegalArgumentException("no model given");
      }
      Models.validate(command.model);
      ImageShape input = command.input == null ? Models.naturalInput(command.model)
          : parseShape(command.input);
      return new Arguments(command.model, input, parseInt(command.classes, "--classes"),
          command.activation);
    }

    /** The help {@code --help} prints. */
    static String usage() {
      // picocli ends the footer without a line break, or with two after a %n
      return commandLine(new Command()).getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()
          + "\n";
    }

    private static CommandLine commandLine(Command command) {
      CommandLine line = new CommandLine(command).setOverwrittenOptionsAllowed(true)
          .setExpandAtFiles(false).setSeparator(" ").setUsageHelpWidth(100);
      line.getCommandSpec().usageMessage()
          .footer("Models: " + String.join(", ", Models.names()) + ".");
      return line;
    }

    /** {@code C,H,W}, e.g. {@code 3,32,32}. */
    static ImageShape parseShape(String text) {
      String[] parts = text.split(",", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "--input takes channels,height,width (e.g. 3,32,32), got '" + text + "'");
      }
      return new ImageShape(parseInt(parts[0], "--input"), parseInt(parts[1], "--input"),
          parseInt(parts[2], "--input"));
    }

    private static int parseInt(String text, String option) {
      try {
        return Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " takes integers, got '" + text + "'");
      }
    }
  }

  /** The annotated command line (picocli); {@link Arguments#parse} checks it. */
  @CommandLine.Command(name = "ModelSummary", sortOptions = false, sortSynopsis = false,
      description = "The per-layer table of a model of the registry: output shapes, parameters"
          + " and multiply-adds per image, as a run's model.md holds it. Exit code 2 for bad"
          + " arguments.")
  static final class Command {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "a model of the registry"
        + " (see below), with parameters if it takes any, as in"
        + " \"mobilenet-v1-cifar(unit=rhs)\"")
    String model;

    @Option(names = "--input", paramLabel = "C,H,W", description = "input shape (default: the"
        + " model's natural input, e.g. 1,28,28 for lenet5)")
    String input;

    @Option(names = "--classes", paramLabel = "N",
        description = "output classes (default: ${DEFAULT-VALUE})")
    String classes = Integer.toString(DEFAULT_CLASSES);

    @Option(names = "--activation", paramLabel = "NAME",
        description = "hidden activation (default: ${DEFAULT-VALUE})")
    String activation = DEFAULT_ACTIVATION;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;
  }
}

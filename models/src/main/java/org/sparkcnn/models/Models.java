package org.sparkcnn.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Model architectures by the name a job configuration uses ({@code model.name}), with the
 * parameters some of them take written like activations: {@code vgg16(batch-norm=true)}, {@code
 * mobilenet-v1-cifar(alpha=0.5, unit=rhs)}.
 */
public final class Models {
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*([A-Za-z0-9_-]+)\\s*(?:\\((.*)\\))?\\s*");

  /**
   * An architecture: its parameters with their defaults, the input it was designed for, and how it
   * is built.
   */
  private record Entry(Map<String, String> defaults, ImageShape naturalInput,
      BiFunction<NetworkOptions, Map<String, String>, ModelBuilder> factory) {}

  private static final ImageShape MNIST = new ImageShape(1, 28, 28);
  private static final ImageShape CIFAR = new ImageShape(3, 32, 32);
  private static final ImageShape IMAGENET = new ImageShape(3, 224, 224);

  private static final Map<String, Entry> ENTRIES = new TreeMap<>();

  static {
    add("lenet5", Map.of(), MNIST, (o, p) -> new LeNet5(o));
    add("lenet-caffe", Map.of(), MNIST, (o, p) -> new CaffeLeNet(o));
    add("small-cnn", Map.of("filters", Integer.toString(SmallCnn.PAPER_FILTERS)), MNIST,
        (o, p) -> new SmallCnn(o, integer(p, "filters")));
    add("tf-cifar10", Map.of(), new ImageShape(3, 24, 24), (o, p) -> new TfCifar10Tutorial(o));
    add("alexnet", Map.of(), new ImageShape(3, 227, 227),
        (o, p) -> new AlexNet(o, AlexNet.Form.IMAGENET));
    add("alexnet-cifar", Map.of(), CIFAR, (o, p) -> new AlexNet(o, AlexNet.Form.CIFAR));
    add("vgg11", Map.of("batch-norm", "false"), CIFAR,
        (o, p) -> new Vgg(o, Vgg.VGG11, bool(p, "batch-norm")));
    add("vgg16", Map.of("batch-norm", "false"), CIFAR,
        (o, p) -> new Vgg(o, Vgg.VGG16, bool(p, "batch-norm")));
    Map<String, String> mobileNet = Map.of("alpha", "1.0", "unit", "standard");
    add("mobilenet-v1", mobileNet, IMAGENET, (o, p) -> new MobileNetV1(o, number(p, "alpha"),
        rhs(p), MobileNetV1.Form.IMAGENET));
    add("mobilenet-v1-cifar", mobileNet, CIFAR, (o, p) -> new MobileNetV1(o, number(p, "alpha"),
        rhs(p), MobileNetV1.Form.CIFAR));
    addGraph("resnet18", IMAGENET, ResNet::resnet18);
    addGraph("resnet34", IMAGENET, ResNet::resnet34);
    addGraph("resnet20", CIFAR, ResNet::resnet20);
  }

  private Models() {}

  private static void add(String name, Map<String, String> defaults, ImageShape naturalInput,
      BiFunction<NetworkOptions, Map<String, String>, NetworkBuilder> factory) {
    ENTRIES.put(name, new Entry(defaults, naturalInput, factory::apply));
  }

  private static void addGraph(String name, ImageShape naturalInput,
      Function<NetworkOptions, GraphBuilder> factory) {
    ENTRIES.put(name, new Entry(Map.of(), naturalInput, (o, p) -> factory.apply(o)));
  }

  private static boolean bool(Map<String, String> params, String key) {
    String value = params.get(key);
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(key + " must be true or false, got " + value);
    }
    return Boolean.parseBoolean(value);
  }

  private static double number(Map<String, String> params, String key) {
    try {
      return Double.parseDouble(params.get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got " + params.get(key), e);
    }
  }

  private static int integer(Map<String, String> params, String key) {
    try {
      return Integer.parseInt(params.get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got " + params.get(key),
          e);
    }
  }

  private static boolean rhs(Map<String, String> params) {
    String unit = params.get("unit");
    if (!unit.equals("standard") && !unit.equals("rhs")) {
      throw new IllegalArgumentException("unit must be standard or rhs, got " + unit);
    }
    return unit.equals("rhs");
  }

  /**
   * The builder of the architecture {@code spec} names ({@code name} or {@code name(key=value,
   * ...)}) with {@code options}.
   *
   * @throws IllegalArgumentException for an unknown name (listing the known ones), an unknown or
   *     invalid parameter, or options the architecture cannot take
   */
  public static ModelBuilder create(String spec, NetworkOptions options) {
    Matcher m = SYNTAX.matcher(spec);
    Entry entry = entry(spec, m);
    return entry.factory().apply(options, params(m, entry));
  }

  /**
   * {@link #create} for an architecture that is a stack of layers.
   *
   * @throws IllegalArgumentException also when {@code spec} names a graph (ResNet)
   */
  public static NetworkBuilder builder(String spec, NetworkOptions options) {
    ModelBuilder model = create(spec, options);
    if (model instanceof NetworkBuilder network) {
      return network;
    }
    throw new IllegalArgumentException("model '" + spec.trim() + "' is a computation graph"
        + " (residual connections), not a stack of layers; build it with Models.create");
  }

  /** The input {@code spec}'s architecture was designed for: [channels, height, width]. */
  public static ImageShape naturalInput(String spec) {
    return entry(spec, SYNTAX.matcher(spec)).naturalInput();
  }

  /**
   * Checks that {@code spec} names a known architecture and only parameters it takes (their
   * values are checked when it is built).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static void validate(String spec) {
    Matcher m = SYNTAX.matcher(spec);
    params(m, entry(spec, m));
  }

  private static Entry entry(String spec, Matcher m) {
    Entry entry = m.matches() ? ENTRIES.get(m.group(1).toLowerCase(Locale.ROOT)) : null;
    if (entry == null) {
      throw new IllegalArgumentException(
          "unknown model '" + spec.trim() + "'; known: " + String.join(", ", names()));
    }
    return entry;
  }

  private static Map<String, String> params(Matcher m, Entry entry) {
    Map<String, String> params = new LinkedHashMap<>(entry.defaults());
    if (m.group(2) != null && !m.group(2).isBlank()) {
      for (String assignment : m.group(2).split(",")) {
        String[] kv = assignment.split("=", 2);
        String key = kv[0].trim();
        if (kv.length != 2 || !entry.defaults().containsKey(key)) {
          throw new IllegalArgumentException("model " + m.group(1) + ": unknown parameter '"
              + assignment.trim() + "'" + (entry.defaults().isEmpty() ? " (it takes none)"
                  : "; it takes " + String.join(", ", new TreeMap<>(entry.defaults()).keySet())));
        }
        params.put(key, kv[1].trim());
      }
    }
    return params;
  }


  /** The names {@link #builder} accepts, each with its parameters' defaults. */
  public static List<String> names() {
    return ENTRIES.entrySet().stream().map(e -> e.getValue().defaults().isEmpty() ? e.getKey()
        : e.getKey() + new TreeMap<>(e.getValue().defaults()).entrySet().stream()
            .map(Object::toString).collect(Collectors.joining(", ", "(", ")"))).toList();
  }
}

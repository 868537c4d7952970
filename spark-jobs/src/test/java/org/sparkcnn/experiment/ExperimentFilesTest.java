package org.sparkcnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.JobConfig;

/**
 * The experiment files shipped in {@code conf/experiments/}: each parses, names its source in its
 * header, and makes the variants it promises with configurations that load (base files read from
 * the project's root, as {@code submit/experiment.sh} runs there).
 */
class ExperimentFilesTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static Experiment load(Path file) throws Exception {
    ExperimentSpec spec = ExperimentSpec.parse(Files.readString(file), file.toString());
    ConfigLoader loader = new ConfigLoader();
    for (Object layer : spec.base()) {
      if (layer instanceof String location) {
        loader.file(ROOT.resolve(location).toString(), new Configuration());
      } else {
        loader.layer((com.typesafe.config.Config) layer);
      }
    }
    return Experiment.of(spec, JobConfig.from(loader.resolve()));
  }

  @Test
  void everyShippedExperimentLoadsWithItsVariantsAndReferences() throws Exception {
    Map<String, List<String>> expected = Map.of(
        "relu-swish-fashion-mnist.conf", List.of("relu-swish", "swish", "sigmoid", "tanh", "relu",
            "prelu", "softplus", "elu", "softsign"),
        "mobilenet-activations-fashion-mnist.conf", List.of("relu", "swish", "hard-swish",
            "rrelu", "mobilenet-rhs"),
        "mobilenet-activations-cifar100.conf", List.of("relu", "swish", "hard-swish", "rrelu",
            "mobilenet-rhs"),
        "moving-average-fashion-mnist.conf", List.of("0.9999"),
        "placement-fashion-mnist.conf", List.of("cpu", "gpu", "hybrid"));
    List<Path> files;
    try (Stream<Path> listing = Files.list(ROOT.resolve("conf/experiments"))) {
      files = listing.sorted().toList();
    }
    assertEquals(expected.keySet(), files.stream().map(f -> f.getFileName().toString())
        .collect(java.util.stream.Collectors.toSet()));
    for (Path file : files) {
      Experiment experiment = load(file);
      assertEquals(expected.get(file.getFileName().toString()),
          experiment.variants().stream().map(Variant::id).toList(), file.toString());
      assertTrue(Files.readString(file).startsWith("# The "), "a header naming the source");
      assertTrue(Files.readString(file).contains("What differs"), file + " says what differs");
      assertEquals(1, experiment.base().run().repeats());
    }
    Experiment relu = load(ROOT.resolve("conf/experiments/relu-swish-fashion-mnist.conf"));
    assertEquals(3, relu.spec().repeats());
    assertEquals("small-cnn(filters=10)", relu.variants().get(0).config().model().name());
    assertEquals("relu-swish", relu.variants().get(0).config().model().activation());
    assertEquals(0.9752, relu.reference(relu.variants().get(0)).orElseThrow().value());
    assertEquals(0.9670, relu.reference(relu.variants().get(1)).orElseThrow().value());
    Experiment mobile = load(ROOT.resolve(
        "conf/experiments/mobilenet-activations-fashion-mnist.conf"));
    assertEquals("mobilenet-v1-cifar(alpha=0.25, unit=rhs)",
        mobile.variants().get(4).config().model().name());
    assertEquals("relu-h-swish", mobile.variants().get(4).config().model().activation());
    Experiment cifar = load(ROOT.resolve("conf/experiments/mobilenet-activations-cifar100.conf"));
    assertEquals(200, cifar.variants().get(0).config().train().epochs());
    assertEquals(3, cifar.spec().repeats());
  }
}

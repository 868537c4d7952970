package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.GraphBuilder;
import org.sparkcnn.models.ModelBuilder;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkBuilder;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.models.ParameterCounts;

/**
 * The PyTorch peers of bench/torch_throughput.py have the trainable parameter count of each
 * network of the registry (every name, and the other alpha and unit and batch norm). Runs only
 * where {@code /usr/bin/python3} imports torch (not in CI).
 */
class TorchPeersTest {
  static final Path SCRIPT = Path.of("..", "bench", "torch_throughput.py").toAbsolutePath()
      .normalize();
  static final String PYTHON = "/usr/bin/python3";

  static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(p.waitFor(120, TimeUnit.SECONDS), "python did not finish");
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n"
          + out);
    }
    return out;
  }

  static boolean torchImports() {
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import torch")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  static long javaTrainable(String spec, int classes) {
    NetworkOptions options = new NetworkOptions(Models.naturalInput(spec), classes, "relu",
        WeightInit.RELU, 5e-4, new Nesterovs(0.01, 0.9), 1L, ConvolutionEngine.NATIVE);
    ModelBuilder builder = Models.create(spec, options);
    return builder instanceof GraphBuilder graph
        ? ParameterCounts.trainableParams(graph.conf())
        : ParameterCounts.trainableParams(((NetworkBuilder) builder).conf());
  }

  @Test
  void everyPeerHasTheTrainableParametersOfItsJavaNetwork() throws Exception {
    assumeTrue(new File(PYTHON).canExecute() && torchImports(),
        PYTHON + " cannot import torch (apt-get install -y python3-torch)");
    assumeTrue(Files.exists(SCRIPT), SCRIPT + " is missing");
    List<String> specs = new ArrayList<>(Models.names());
    specs.addAll(List.of("vgg11(batch-norm=true)", "vgg16(batch-norm=true)",
        "mobilenet-v1-cifar(alpha=0.5, unit=rhs)", "mobilenet-v1-cifar(alpha=0.5, unit=standard)",
        "mobilenet-v1-cifar(alpha=1.0, unit=rhs)", "mobilenet-v1(alpha=0.5, unit=rhs)"));
    for (int classes : new int[] {10, 100}) {
      List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(), "--params",
          "--classes", "" + classes, String.join(";", specs)));
      Map<String, Long> torch = new LinkedHashMap<>();
      for (String line : run(command).strip().split("\n")) {
        String[] cells = line.split("\t");
        torch.put(cells[0], Long.parseLong(cells[1]));
      }
      Map<String, Long> java = new LinkedHashMap<>();
      specs.forEach(s -> java.put(s, javaTrainable(s, classes)));
      assertEquals(java, torch, "classes " + classes);
    }
  }
}

package org.sparkcnn.activations;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward + backward throughput of the custom activations next to DL4J's built-in ReLU and swish,
 * on 1M-element float arrays, printed as Markdown tables: once inside a workspace, as DL4J's
 * layers call activations (temporary arrays reuse workspace memory), and once outside any
 * workspace (every temporary array is fresh off-heap memory).
 *
 * <p>Usage: {@code OMP_NUM_THREADS=1 mvn -q -pl activations test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=org.sparkcnn.activations.ActivationBenchmark
 * [-Dexec.args="ELEMENTS ITERATIONS"]}
 */
public final class ActivationBenchmark {
  static final int DEFAULT_ELEMENTS = 1 << 20;
  static final int DEFAULT_ITERATIONS = 200;
  static final int WARMUP_ITERATIONS = 50;
  /**
   * Learns its size in the first iteration, then reuses that memory, like DL4J's layer
   * workspaces.
   */
  static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
      .policyAllocation(AllocationPolicy.STRICT)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .build();

  private ActivationBenchmark() {}

  public static void main(String[] args) {
    int elements = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ELEMENTS;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_ITERATIONS;
    List<String> names = List.of("relu", "swish", "relu-swish", "relu-h-swish", "hard-swish",
        "swish(beta=2)");
    INDArray x = Nd4j.rand(DataType.FLOAT, elements).muli(12).subi(6);
    INDArray epsilon = Nd4j.rand(DataType.FLOAT, elements);
    INDArray work = x.ulike();
    System.out.printf(Locale.ROOT, "%d float elements, %d iterations, backend %s, OpenMP threads"
        + " %s%n", elements, iterations, Nd4j.getBackend().getClass().getSimpleName(),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
    for (boolean inWorkspace : new boolean[] {true, false}) {
      List<double[]> results = new ArrayList<>();
      for (String name : names) {
        IActivation fn = Activations.parse(name);
        run(fn, x, epsilon, work, WARMUP_ITERATIONS, inWorkspace);
        results.add(run(fn, x, epsilon, work, iterations, inWorkspace));
      }
      double swishTotal = results.get(1)[2];
      System.out.printf("%n%s%n%n", inWorkspace ? "Inside a workspace (as in DL4J layers):"
          : "Outside any workspace:");
      System.out.println("| activation | forward (M elem/s) | backward (M elem/s) |"
          + " forward+backward (M elem/s) | time vs built-in swish |");
      System.out.println("|---|---|---|---|---|");
      for (int i = 0; i < names.size(); i++) {
        double[] r = results.get(i);
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.2fx |%n", names.get(i),
            elements / r[0] / 1e6, elements / r[1] / 1e6, elements / r[2] / 1e6,
            r[2] / swishTotal);
      }
    }
  }

  /** Mean seconds per call of forward, backward and both (each on a fresh copy of x). */
  static double[] run(IActivation fn, INDArray x, INDArray epsilon, INDArray work,
      int iterations, boolean inWorkspace) {
    long forward = 0;
    long backward = 0;
    for (int i = 0; i < iterations; i++) {
      try (MemoryWorkspace ws = inWorkspace
          ? Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "activation-benchmark")
          : Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        work.assign(x);
        long t0 = System.nanoTime();
        fn.getActivation(work, true);
        long t1 = System.nanoTime();
        work.assign(x);
        long t2 = System.nanoTime();
        fn.backprop(work, epsilon);
        long t3 = System.nanoTime();
        forward += t1 - t0;
        backward += t3 - t2;
      }
    }
    double f = forward / 1e9 / iterations;
    double b = backward / 1e9 / iterations;
    return new double[] {f, b, f + b};
  }
}

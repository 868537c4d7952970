package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sparkcnn.models.ConvolutionEngine;

/** The tools' picocli command lines: generated help, unknown options, repeated options. */
class CommandLinesTest {
  /** Each tool's command and the options its help must list. */
  static final Map<Object, List<String>> HELP = Map.of(
      new ThroughputCommand(), List.of("--mode", "--models", "--model", "--input", "--classes",
          "--batch", "--engines", "--iterations", "--warmup", "--min-seconds", "--workers",
          "--averaging-frequency", "--stats", "--run-id", "--output", "--processes",
          "--warmup-seconds", "--round-scheduling", "--help"),
      new LayerProfile.Command(), List.of("--model", "--engine", "--iterations", "--warmup",
          "--input", "--classes", "--batch", "--help", "[MODEL] [ENGINE] [ITERATIONS]"),
      new SideBySide.Command(), List.of("--run-id", "--cores", "--project", "--torch", "--help"),
      new Speedup.Command(), List.of("--run-id", "--cores", "--project", "--help"),
      new AugmentationBenchmark.Command(), List.of("--pipeline", "--images", "--seconds",
          "--workers", "--output", "--help"),
      new PeakFlops.Command(), List.of("--size", "--seconds", "--output", "--models", "--help"),
      new BatchNormBenchmark.Command(), List.of("--minibatch", "--iterations", "--help"),
      new ScoringBenchmark.Command(), List.of("--models", "--batch", "--images", "--workers",
          "--warmup", "--warmup-seconds", "--passes", "--spark-passes", "--run-id", "--torch",
          "--output", "--help"));

  @Test
  void everyToolsHelpNamesItAndListsItsOptionsWithTheirDefaults() {
    HELP.forEach((command, options) -> {
      String usage = Cli.usage(command);
      String name = Cli.of(command).getCommandName();
      assertTrue(usage.startsWith("Usage: " + name + " "), usage);
      for (String option : options) {
        assertTrue(usage.contains(option), name + " help lacks " + option + ":\n" + usage);
      }
      usage.lines().forEach(l -> assertTrue(l.length() <= 100, l));
    });
    assertTrue(Cli.usage(new ThroughputCommand()).contains("(default: native,dl4j)"));
    assertTrue(Cli.usage(new SideBySide.Command()).contains("(default: runs/throughput.csv)"));
  }

  @Test
  void helpIsNullOptionsAndUnknownOptionsAreRefusedNamingThem() {
    List<Function<String[], Object>> parsers = List.of(ThroughputBenchmark::parse,
        LayerProfile::parse, SideBySide::parse, AugmentationBenchmark::parse,
        ScoringBenchmark::parse, Speedup::parse);
    for (Function<String[], Object> parse : parsers) {
      assertNull(parse.apply(new String[] {"--help"}));
      assertNull(parse.apply(new String[] {"-h"}));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> parse.apply(new String[] {"--bogus", "1"}));
      assertTrue(e.getMessage().contains("--bogus"), e.getMessage());
    }
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ThroughputBenchmark.parse(new String[] {"--mode", "single", "--warmup"}));
    assertTrue(missing.getMessage().contains("--warmup"), missing.getMessage());
    IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
        () -> AugmentationBenchmark.parse(new String[] {"--images", "many"}));
    assertTrue(notANumber.getMessage().contains("--images")
        && notANumber.getMessage().contains("many"), notANumber.getMessage());
    IllegalArgumentException badWarmup = assertThrows(IllegalArgumentException.class,
        () -> ThroughputBenchmark.parse(new String[] {"--mode", "single", "--warmup", "-1"}));
    assertEquals("--warmup must be a whole number >= 0, got -1", badWarmup.getMessage());
  }

  @Test
  void theLastOfARepeatedOptionWinsAsTheSubmitScriptsNeed() {
    // submit/benchmark.sh puts --mode and --workers before the user's arguments
    ThroughputBenchmark.Options o = ThroughputBenchmark.parse(new String[] {"--mode", "single",
        "--workers", "4", "--mode", "spark", "--workers", "2", "--engines", "native",
        "--model", "lenet5", "--models", "resnet20;tf-cifar10", "--model", "lenet-caffe"});
    assertEquals("spark", o.mode());
    assertEquals(2, o.workers());
    assertEquals(List.of(ConvolutionEngine.NATIVE), o.engines());
    assertEquals(List.of("lenet5", "resnet20", "tf-cifar10", "lenet-caffe"), o.models());
    assertEquals(Path.of("runs", "throughput.csv"), o.output());
    AugmentationBenchmark.Options a = AugmentationBenchmark.parse(new String[] {"--workers", "8",
        "--workers", "3"});
    assertEquals(3, a.workers());
    assertEquals(50_000, a.images());
    assertEquals("tf-cifar10-train", a.pipeline());
  }

  @Test
  void theEarlierPositionalFormOfLayerProfileTakesNoOptions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LayerProfile.parse(new String[] {"lenet5", "--engine", "dl4j"}));
    assertTrue(e.getMessage().contains("earlier form"), e.getMessage());
    assertEquals(5, LayerProfile.parse(new String[] {"lenet5"}).warmup());
  }

  @Test
  void peakFlopsAndBatchNormPrintHelpAndRefuseUnknownOptions() throws Exception {
    String help = stdout(() -> PeakFlops.main(new String[] {"--help"}));
    assertTrue(help.startsWith("Usage: PeakFlops "), help);
    help = stdout(() -> BatchNormBenchmark.main(new String[] {"--help"}));
    assertTrue(help.contains("--minibatch"), help);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchNormBenchmark.main(new String[] {"--batch", "2"}));
    assertTrue(e.getMessage().contains("--batch"), e.getMessage());
  }

  @Test
  void aToolProcessExitsWith0ForHelpAnd2ForAnUnknownOption() throws Exception {
    Result help = java(ThroughputBenchmark.class, "--help");
    assertEquals(0, help.exit(), help.output());
    assertTrue(help.output().contains("--averaging-frequency"), help.output());
    Result bad = java(SideBySide.class, "--run-id", "r", "--bogus");
    assertEquals(2, bad.exit(), bad.output());
    assertTrue(bad.output().contains("error: Unknown option: '--bogus'"), bad.output());
  }

  interface Body {
    void run() throws Exception;
  }

  static String stdout(Body body) throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  record Result(int exit, String output) {}

  static Result java(Class<?> main, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), output);
  }
}

package org.sparkcnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sparkcnn.report.Table;

/**
 * The side-by-side table of one benchmark invocation: for each network, the project's images/s in
 * one process on 1 and N threads and in Spark local[N] (N workers of 1 thread), PyTorch's on 1 and
 * N threads, the ratios, and both sides' trainable parameter counts (a difference is flagged).
 * Reads the rows {@link ThroughputBenchmark} and {@code bench/torch_throughput.py} appended with
 * the same {@code run} id.
 *
 * <p>Usage:
 * <pre>
 * SideBySide --run-id ID [--cores 2] [--project runs/throughput.csv]
 *     [--torch runs/torch_throughput.csv]
 * </pre>
 *
 * <p>Ratios: "1 thread" is the project's one-thread rate over PyTorch's, "N threads" the same on N
 * threads, and "Spark per core" the Spark local[N] rate divided by N over PyTorch's one-thread
 * rate (the "per core vs per core"). A measurement that is missing shows as "-". Exit code
 * 2 for bad arguments, 3 for a missing or malformed CSV file.
 */
public final class SideBySide {
  /** Marks a network whose trainable parameter counts differ between the two sides. */
  static final String MISMATCH = "MISMATCH";

  private SideBySide() {}

  /** Parsed command line. */
  record Options(String runId, int cores, Path project, Path torch) {}

  public static void main(String[] args) {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      System.out.println(table(o).toMarkdown());
    } catch (IOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(3);
    }
  }

  static Options parse(String[] args) {
    String runId = null;
    int cores = 2;
    Path project = Path.of("runs", "throughput.csv");
    Path torch = Path.of("runs", "torch_throughput.csv");
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--run-id" -> runId = v;
        case "--cores" -> {
          try {
            cores = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            cores = 0;
          }
          if (cores < 2) {
            throw new IllegalArgumentException("--cores must be a whole number >= 2, got " + v);
          }
        }
        case "--project" -> project = Path.of(v);
        case "--torch" -> torch = Path.of(v);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("--run-id is required");
    }
    return new Options(runId, cores, project, torch);
  }

  /** The rows of {@code csv} whose {@code run} column is {@code runId}, as column-to-cell maps. */
  static List<Map<String, String>> rows(Path csv, String runId) throws IOException {
    if (!Files.exists(csv)) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(csv);
    if (lines.isEmpty()) {
      return List.of();
    }
    List<String> header = PlacementBenchmark.csvCells(lines.get(0));
    if (!header.contains("run") || !header.contains("model")
        || !header.contains("images_per_sec")) {
      throw new IOException(csv + " has no run, model or images_per_sec column: " + lines.get(0));
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (int n = 1; n < lines.size(); n++) {
      if (lines.get(n).isEmpty()) {
        continue;
      }
      List<String> cells = PlacementBenchmark.csvCells(lines.get(n));
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c), c < cells.size() ? cells.get(c) : "");
      }
      if (runId.equals(row.get("run"))) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** The side-by-side table of the run {@code o} names. */
  static Table table(Options o) throws IOException {
    List<Map<String, String>> project = rows(o.project(), o.runId());
    List<Map<String, String>> torch = rows(o.torch(), o.runId());
    if (project.isEmpty() && torch.isEmpty()) {
      throw new IOException("no rows of run " + o.runId() + " in " + o.project() + " or "
          + o.torch());
    }
    List<String> models = new ArrayList<>();
    project.forEach(r -> addOnce(models, r.get("model")));
    torch.forEach(r -> addOnce(models, r.get("model")));
    int n = o.cores();
    Table table = new Table("network", "input, batch", "trainable params (project / PyTorch)",
        "project 1 thread", "project " + n + " threads",
        "Spark local[" + n + "] (" + n + " workers x 1 thread)", "PyTorch 1 thread",
        "PyTorch " + n + " threads", "1 thread vs PyTorch", n + " threads vs PyTorch",
        "Spark per core vs PyTorch per core");
    for (String model : models) {
      Optional<Map<String, String>> one = find(project, model,
          r -> r.get("mode").equals("single") && r.get("threads_per_worker").equals("1"));
      Optional<Map<String, String>> many = find(project, model,
          r -> r.get("mode").equals("single") && r.get("threads_per_worker").equals("" + n));
      Optional<Map<String, String>> spark = find(project, model,
          r -> r.get("mode").startsWith("local") && r.get("workers").equals("" + n));
      Optional<Map<String, String>> torchOne = find(torch, model,
          r -> r.get("threads").equals("1"));
      Optional<Map<String, String>> torchMany = find(torch, model,
          r -> r.get("threads").equals("" + n));
      Optional<Map<String, String>> anyProject = one.or(() -> many).or(() -> spark);
      Optional<Map<String, String>> anyTorch = torchOne.or(() -> torchMany);
      String shape = anyProject.or(() -> anyTorch)
          .map(r -> r.get("input") + ", " + r.get("batch")).orElse("-");
      table.add("`" + model + "`", shape,
          params(anyProject.map(r -> r.get("trainable_parameters")),
              anyTorch.map(r -> r.get("trainable_parameters"))),
          rate(one), rate(many), rate(spark), rate(torchOne), rate(torchMany),
          ratio(value(one), value(torchOne)), ratio(value(many), value(torchMany)),
          ratio(value(spark).map(v -> v / n), value(torchOne)));
    }
    return table;
  }

  private static void addOnce(List<String> list, String value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }

  /** The last row of {@code model} that {@code test} accepts (a later run of it wins). */
  private static Optional<Map<String, String>> find(List<Map<String, String>> rows, String model,
      java.util.function.Predicate<Map<String, String>> test) {
    Map<String, String> found = null;
    for (Map<String, String> r : rows) {
      if (r.get("model").equals(model) && test.test(r)) {
        found = r;
      }
    }
    return Optional.ofNullable(found);
  }

  private static Optional<Double> value(Optional<Map<String, String>> row) {
    return row.map(r -> Double.parseDouble(r.get("images_per_sec")));
  }

  private static String rate(Optional<Map<String, String>> row) {
    return value(row).map(v -> String.format(Locale.ROOT, "%,.1f", v)).orElse("-");
  }

  static String ratio(Optional<Double> project, Optional<Double> torch) {
    if (project.isEmpty() || torch.isEmpty() || torch.get() <= 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2fx", project.get() / torch.get());
  }

  /** "269,722 / 269,722", with {@link #MISMATCH} appended when the two differ. */
  static String params(Optional<String> project, Optional<String> torch) {
    String p = project.filter(s -> !s.isEmpty()).map(SideBySide::grouped).orElse("-");
    String t = torch.filter(s -> !s.isEmpty()).map(SideBySide::grouped).orElse("-");
    boolean differ = !p.equals("-") && !t.equals("-") && !p.equals(t);
    return p + " / " + t + (differ ? " " + MISMATCH : "");
  }

  private static String grouped(String count) {
    return String.format(Locale.ROOT, "%,d", Long.parseLong(count));
  }
}

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
import org.sparkcnn.config.TrainingMasterChoice;
import org.sparkcnn.report.Table;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The side-by-side table of one benchmark invocation: for each network, the project's images/s in
 * one process on 1 and N threads and in Spark local[N] (N workers of 1 thread) with DL4J's and with
 * the resident training master, PyTorch's on 1 and N threads, the ratios, and both sides'
 * trainable parameter counts (a difference is flagged). Reads the rows {@link
 * ThroughputBenchmark} and {@code bench/torch_throughput.py} appended with the same {@code run}
 * id.
 *
 * <p>Usage:
 * <pre>
 * SideBySide --run-id ID [--cores 2] [--project runs/throughput.csv]
 *     [--torch runs/torch_throughput.csv]
 * </pre>
 *
 * <p>The Spark local[N] column is DL4J's training master ({@code master} dl4j, or empty in rows
 * written before the column), "Spark local[N] resident" the project's resident master ({@code
 * --master resident}), followed by its ratio to the project's one-thread rate. Ratios: "1
 * thread" is the project's one-thread rate over PyTorch's, "N threads" the same on N threads, and
 * "Spark per core" the (DL4J master's) Spark local[N] rate divided by N over PyTorch's one-thread
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
    Options o = Cli.parseOrExit(args, SideBySide::parse, new Command());
    if (o != null) {
      RunTableOptions.printOrExit(() -> table(o));
    }
  }

  /**
   * The options {@code args} give, or null when they ask for help.
   *
   * @throws IllegalArgumentException naming the option that is unknown, missing or bad
   */
  static Options parse(String[] args) {
    Command command = new Command();
    return Cli.parse(command, args) ? command.options() : null;
  }

  /** The command line (picocli); {@link #options()} checks it. */
  @CommandLine.Command(name = "SideBySide", sortOptions = false, sortSynopsis = false,
      description = "The side-by-side table of one benchmark run: the project's and PyTorch's"
          + " images/s and their ratios. Exit code 2 for bad arguments, 3 for a missing or"
          + " malformed CSV file.")
  static final class Command {
    @CommandLine.Mixin
    RunTableOptions run = new RunTableOptions();

    @Option(names = "--torch", paramLabel = "FILE",
        description = "PyTorch's rows (default: ${DEFAULT-VALUE})")
    Path torch = Path.of("runs", "torch_throughput.csv");

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    Options options() {
      int n = run.checkedCores();
      return new Options(run.checkedRunId(), n, run.project, torch);
    }
  }

  /** The rows of {@code csv} whose {@code run} column is {@code runId}, as column-to-cell maps. */
  static List<Map<String, String>> rows(Path csv, String runId) throws IOException {
    if (!Files.exists(csv) || Files.size(csv) == 0) {
      return List.of();
    }
    Table table = Table.read(csv);
    List<String> header = table.columns();
    if (!header.contains("run") || !header.contains("model")
        || !header.contains("images_per_sec")) {
      throw new IOException(csv + " has no run, model or images_per_sec column: "
          + String.join(",", header));
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (List<String> cells : table.rows()) {
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c), cells.get(c));
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
        "Spark local[" + n + "] (" + n + " workers x 1 thread)",
        "Spark local[" + n + "] resident", "resident vs project 1 thread", "PyTorch 1 thread",
        "PyTorch " + n + " threads", "1 thread vs PyTorch", n + " threads vs PyTorch",
        "Spark per core vs PyTorch per core");
    for (String model : models) {
      Optional<Map<String, String>> one = find(project, model, r -> r.get("mode").equals("single")
          && r.get("threads_per_worker").equals("1") && Speedup.processes(r) == 1);
      Optional<Map<String, String>> many = find(project, model, r -> r.get("mode").equals("single")
          && r.get("threads_per_worker").equals("" + n) && Speedup.processes(r) == 1);
      Optional<Map<String, String>> spark = find(project, model,
          r -> sparkRow(r, n) && !isResident(r));
      Optional<Map<String, String>> resident = find(project, model,
          r -> sparkRow(r, n) && isResident(r));
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
          rate(one), rate(many), rate(spark), rate(resident), ratio(value(resident), value(one)),
          rate(torchOne), rate(torchMany),
          ratio(value(one), value(torchOne)), ratio(value(many), value(torchMany)),
          ratio(value(spark).map(v -> v / n), value(torchOne)));
    }
    return table;
  }

  /** Whether {@code row} is a Spark local[n] row. */
  private static boolean sparkRow(Map<String, String> row, int n) {
    return row.get("mode").startsWith("local") && row.get("workers").equals("" + n);
  }

  /** Whether {@code row} was trained by the resident master (rows before the column: DL4J's). */
  private static boolean isResident(Map<String, String> row) {
    return TrainingMasterChoice.RESIDENT.configValue().equals(row.get("master"));
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

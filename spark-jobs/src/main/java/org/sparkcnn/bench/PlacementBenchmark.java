package org.sparkcnn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparkcnn.backend.CudaDevices;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.ExitCode;

/**
 * Training time of one job configuration under each placement of ND4J's backends ({@code
 * cluster.placement}: cpu, gpu, hybrid), as the 2020 placement paper's table: every run's
 * training seconds, their mean, images/s, test accuracy and the speedup over the CPU placement.
 *
 * <p>Usage: {@code PlacementBenchmark [--conf FILE]... [--set key=value]... [--placements
 * cpu,gpu,hybrid] [--repeats 1] [--out DIR] [--launcher "CMD WORDS"]}
 *
 * <p>For each placement and repeat it runs the training job as a child process, {@code <launcher>
 * --conf ... --set ... --set cluster.placement=P --set run.output-root=<out>/runs --set
 * run.id=P-<i> --set run.repeats=1}, with {@value #PLACEMENT_ENV}=P added to its environment (the
 * submit scripts set each JVM's backend variables from it), waits for it and reads the run's
 * {@code timing.csv} and {@code accuracy.csv}. The child's output goes to {@code
 * <out>/logs/P-<i>.log}.
 *
 * <p>A placement that needs CUDA is "not available: no CUDA device" without launching anything
 * when this machine shows none (no nvidia-smi, no {@code /dev/nvidia0}), and "not available"
 * when its job exits with {@link ExitCode#BACKEND} (its backend probe found the backend
 * missing); nothing is estimated. Any other failure of a child stops the benchmark, naming the
 * run and its exit code; the placements measured so far stay in the files. Writes {@value #CSV}
 * and {@value #MARKDOWN} in {@code --out} after every placement.
 */
public final class PlacementBenchmark {
  /** The variable that tells the launcher which placement's backend environment to set. */
  public static final String PLACEMENT_ENV = "SPARK_CNN_PLACEMENT";
  static final String CSV = "placement.csv";
  static final String MARKDOWN = "placement.md";
  static final String RUNS = "runs";
  static final String LOGS = "logs";
  static final String NO_CUDA_DEVICE = "no CUDA device";
  static final String MEASURED = "measured";
  static final String NOT_AVAILABLE = "not available: ";
  /** The training job, relative to the project home. */
  static final String DEFAULT_LAUNCHER = "submit/local.sh";
  private static final String USAGE = "Usage: PlacementBenchmark [--conf FILE]... [--set"
      + " key=value]... [--placements cpu,gpu,hybrid] [--repeats 1] [--out DIR]"
      + " [--launcher \"CMD WORDS\"]\n"
      + "  --conf, --set    the training configuration, passed to every run\n"
      + "  --placements     cluster.placement values to compare (default: cpu,gpu,hybrid)\n"
      + "  --repeats N      runs per placement (default: 1)\n"
      + "  --out DIR        where runs/, logs/, placement.csv and placement.md go\n"
      + "                   (default: runs/placement-<UTC time>)\n"
      + "  --launcher CMD   the command that runs one training job, words separated by spaces\n"
      + "                   (default: $SPARK_CNN_HOME/submit/local.sh, else ./submit/local.sh)";

  private PlacementBenchmark() {}

  /** Parsed command line. */
  record Options(List<String> confFiles, List<String> sets, List<String> placements, int repeats,
      Path out, List<String> launcher) {
    Options {
      if (placements.isEmpty()) {
        throw new IllegalArgumentException("--placements is empty");
      }
      for (String p : placements) {
        if (!JobConfig.ClusterConfig.PLACEMENTS.contains(p)) {
          throw new IllegalArgumentException("unknown placement '" + p + "'; known: "
              + JobConfig.ClusterConfig.PLACEMENTS);
        }
      }
      if (repeats < 1) {
        throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
      }
      if (launcher.isEmpty()) {
        throw new IllegalArgumentException("--launcher is empty");
      }
      confFiles = List.copyOf(confFiles);
      sets = List.copyOf(sets);
      placements = List.copyOf(placements);
      launcher = List.copyOf(launcher);
    }
  }

  /** One measured run: training seconds, training images/s, top-1 test accuracy. */
  record Run(double trainSeconds, double imagesPerSecond, double top1Accuracy) {}

  /** A placement's runs, or why it is not available. */
  record Row(String placement, List<Run> runs, String notAvailable) {
    static Row measured(String placement, List<Run> runs) {
      return new Row(placement, List.copyOf(runs), null);
    }

    static Row unavailable(String placement, String why) {
      return new Row(placement, List.of(), why);
    }

    double meanSeconds() {
      return runs.stream().mapToDouble(Run::trainSeconds).average().orElse(Double.NaN);
    }
  }

  /** A child run failed for a reason other than its backend. */
  static final class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailedException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Options options;
    try {
      options = parse(args, System.getenv("SPARK_CNN_HOME"));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage() + "\n" + USAGE);
      System.exit(ExitCode.USAGE.code());
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    try {
      System.out.print(run(options, cudaVisible()).toMarkdown());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(ExitCode.USAGE.code());
    } catch (RunFailedException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(ExitCode.FAILURE.code());
    }
  }

  /** The options {@code args} give, or null when they ask for help. */
  static Options parse(String[] args, String projectHome) {
    List<String> confFiles = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    List<String> placements = JobConfig.ClusterConfig.PLACEMENTS;
    int repeats = 1;
    Path out = null;
    List<String> launcher = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-h") || args[i].equals("--help")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      String v = args[++i];
      switch (args[i - 1]) {
        case "--conf" -> confFiles.add(v);
        case "--set" -> sets.add(v);
        case "--placements" -> placements = Arrays.stream(v.split(",")).map(String::trim)
            .filter(p -> !p.isEmpty()).toList();
        case "--repeats" -> repeats = integer("--repeats", v);
        case "--out" -> out = Path.of(v);
        case "--launcher" -> launcher = Arrays.stream(v.trim().split("\\s+"))
            .filter(w -> !w.isEmpty()).toList();
        default -> throw new IllegalArgumentException("unknown argument '" + args[i - 1] + "'");
      }
    }
    if (out == null) {
      out = Path.of("runs", "placement-" + ZonedDateTime.now(ZoneOffset.UTC)
          .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    }
    if (launcher == null) {
      Path home = projectHome == null || projectHome.isBlank() ? Path.of("") : Path.of(projectHome);
      launcher = List.of(home.resolve(DEFAULT_LAUNCHER).toString());
    }
    return new Options(confFiles, sets, placements, repeats, out, launcher);
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
    }
  }

  /** Whether this machine shows a CUDA device at all: nvidia-smi runs or /dev/nvidia0 exists. */
  static boolean cudaVisible() {
    return !CudaDevices.query(CudaDevices.NVIDIA_SMI).status().equals(CudaDevices.Query.NOT_FOUND)
        || CudaDevices.deviceFilePresent();
  }

  /**
   * Runs every placement and repeat, writing the tables after each placement; returns the table.
   *
   * @param cudaVisible whether to launch placements that need CUDA ({@link #cudaVisible()})
   * @throws RunFailedException when a child fails other than for its backend
   */
  static Table run(Options o, boolean cudaVisible) throws IOException, InterruptedException {
    if (Files.isDirectory(o.out().resolve(RUNS))) {
      throw new IllegalArgumentException(o.out().resolve(RUNS) + " exists already; choose"
          + " another --out");
    }
    Files.createDirectories(o.out().resolve(LOGS));
    List<Row> rows = new ArrayList<>();
    for (String placement : o.placements()) {
      if (new JobConfig.ClusterConfig(placement, false).executorsOnGpu() && !cudaVisible) {
        rows.add(Row.unavailable(placement, NO_CUDA_DEVICE));
        System.out.println(placement + ": " + NOT_AVAILABLE + NO_CUDA_DEVICE
            + " (no nvidia-smi, no /dev/nvidia0 here)");
      } else {
        rows.add(measure(o, placement));
      }
      write(o, rows);
    }
    return table(rows, o.repeats());
  }

  /** The runs of one placement, or the placement not available. */
  static Row measure(Options o, String placement) throws IOException, InterruptedException {
    List<Run> runs = new ArrayList<>();
    for (int i = 1; i <= o.repeats(); i++) {
      String runId = placement + "-" + i;
      Path log = o.out().resolve(LOGS).resolve(runId + ".log");
      ProcessBuilder child = new ProcessBuilder(command(o, placement, runId))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      child.environment().put(PLACEMENT_ENV, placement);
      System.out.println(runId + ": running, log " + log);
      int exit = child.start().waitFor();
      if (exit == ExitCode.BACKEND.code()) {
        String why = whyNotAvailable(Files.readString(log), log);
        System.out.println(placement + ": " + NOT_AVAILABLE + why);
        return Row.unavailable(placement, why);
      }
      if (exit != 0) {
        throw new RunFailedException("run " + runId + " failed with exit code " + exit
            + exitMeaning(exit) + "; log: " + log + errorLine(Files.readString(log)));
      }
      Run run = read(o.out().resolve(RUNS).resolve(runId));
      System.out.printf(Locale.ROOT, "%s: %.1f s training, %.1f images/s, top-1 %.4f%n", runId,
          run.trainSeconds(), run.imagesPerSecond(), run.top1Accuracy());
      runs.add(run);
    }
    return Row.measured(placement, runs);
  }

  /** The child's command line. */
  static List<String> command(Options o, String placement, String runId) {
    List<String> command = new ArrayList<>(o.launcher());
    o.confFiles().forEach(f -> command.addAll(List.of("--conf", f)));
    o.sets().forEach(s -> command.addAll(List.of("--set", s)));
    command.addAll(List.of("--set", "cluster.placement=" + placement,
        "--set", "run.output-root=" + o.out().resolve(RUNS).toAbsolutePath(),
        "--set", "run.id=" + runId,
        "--set", "run.repeats=1"));
    return command;
  }

  /** The short reason in a BACKEND exit's log. */
  static String whyNotAvailable(String log, Path logFile) {
    if (log.contains(NO_CUDA_DEVICE)) {
      return NO_CUDA_DEVICE;
    }
    if (log.contains("has no kernels for")) {
      return "GPU without " + CudaDevices.CUDA_BUILD + " kernels (" + logFile.getFileName() + ")";
    }
    return "backend not available (" + logFile.getFileName() + ")";
  }

  private static String exitMeaning(int exit) {
    return Arrays.stream(ExitCode.values()).filter(c -> c.code() == exit).findFirst()
        .map(c -> " (" + c.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")").orElse("");
  }

  /** The job's own {@code error:} line from its output, if it printed one. */
  private static String errorLine(String log) {
    return log.lines().filter(l -> l.startsWith("error: ")).findFirst()
        .map(l -> "\n" + l).orElse("");
  }

  /** The measures of a finished run from its {@code timing.csv} and {@code accuracy.csv}. */
  static Run read(Path runDirectory) throws IOException {
    Path timing = runDirectory.resolve("timing.csv");
    List<String> timingLines = Files.readAllLines(timing);
    Path accuracy = runDirectory.resolve("accuracy.csv");
    return new Run(
        Double.parseDouble(cell(timing, timingLines, "train_seconds")),
        Double.parseDouble(cell(timing, timingLines, "examples_per_sec")),
        Double.parseDouble(cell(accuracy, Files.readAllLines(accuracy), "top1_accuracy")));
  }

  /** The first data row's value in column {@code column} of {@code csv}'s lines (a header). */
  static String cell(Path csv, List<String> lines, String column) throws IOException {
    if (lines.size() < 2) {
      throw new IOException(csv + " has no data row");
    }
    int index = csvCells(lines.get(0)).indexOf(column);
    if (index < 0) {
      throw new IOException(csv + " has no column " + column);
    }
    return csvCells(lines.get(1)).get(index);
  }

  /** The cells of one CSV line, quoted cells unquoted (RFC 4180, as {@link Table} writes). */
  static List<String> csvCells(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }

  /**
   * The table: placement, status, each run's training seconds, their mean, mean images/s, mean
   * top-1 accuracy and the speedup over the cpu placement (its mean seconds over the row's;
   * empty without a measured cpu row).
   */
  static Table table(List<Row> rows, int repeats) {
    List<String> columns = new ArrayList<>(List.of("placement", "status"));
    for (int i = 1; i <= repeats; i++) {
      columns.add("run_" + i + "_seconds");
    }
    columns.addAll(List.of("mean_seconds", "images_per_sec", "top1_accuracy", "speedup_vs_cpu"));
    double cpuSeconds = rows.stream()
        .filter(r -> r.placement().equals("cpu") && r.notAvailable() == null)
        .mapToDouble(Row::meanSeconds).findFirst().orElse(Double.NaN);
    Table table = new Table(columns);
    for (Row row : rows) {
      List<String> cells = new ArrayList<>(List.of(row.placement(),
          row.notAvailable() == null ? MEASURED : NOT_AVAILABLE + row.notAvailable()));
      for (int i = 0; i < repeats; i++) {
        cells.add(i < row.runs().size() ? fixed(row.runs().get(i).trainSeconds(), 1) : "");
      }
      if (row.notAvailable() != null) {
        cells.addAll(List.of("", "", "", ""));
      } else {
        cells.add(fixed(row.meanSeconds(), 1));
        cells.add(fixed(row.runs().stream().mapToDouble(Run::imagesPerSecond).average()
            .orElseThrow(), 1));
        cells.add(fixed(row.runs().stream().mapToDouble(Run::top1Accuracy).average()
            .orElseThrow(), 4));
        cells.add(Double.isNaN(cpuSeconds) ? "" : fixed(cpuSeconds / row.meanSeconds(), 2));
      }
      table.add(cells);
    }
    return table;
  }

  private static void write(Options o, List<Row> rows) {
    Table table = table(rows, o.repeats());
    try {
      Files.writeString(o.out().resolve(CSV), table.toCsv());
      Files.writeString(o.out().resolve(MARKDOWN), "# Training time by placement\n\n"
          + "Configuration: " + describe(o) + "; " + o.repeats() + " run(s) per placement,"
          + " each launched as `" + launcherSummary(o.launcher()) + "`.\n\n"
          + table.toMarkdown()
          + "\nSeconds: each run's `train_seconds` (timing.csv: training wall time, without"
          + " loading the data and evaluating); images/s: the mean `examples_per_sec`;"
          + " accuracy: the mean top-1 test accuracy (accuracy.csv); speedup: the cpu"
          + " placement's mean seconds over the row's. Each run's outputs, with every JVM's"
          + " backend in environment.json: runs/<placement>-<i>/; its output: logs/.\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the tables in " + o.out(), e);
    }
  }

  /** The launcher's first and last words, e.g. {@code java ... org.sparkcnn.train.TrainJob}. */
  static String launcherSummary(List<String> launcher) {
    return launcher.size() <= 2 ? String.join(" ", launcher)
        : launcher.get(0) + " ... " + launcher.get(launcher.size() - 1);
  }

  private static String describe(Options o) {
    List<String> parts = new ArrayList<>();
    o.confFiles().forEach(f -> parts.add("--conf " + f));
    o.sets().forEach(s -> parts.add("--set " + s));
    return parts.isEmpty() ? "the defaults" : "`" + String.join(" ", parts) + "`";
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}

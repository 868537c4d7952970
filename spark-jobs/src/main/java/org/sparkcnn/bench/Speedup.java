package org.sparkcnn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.sparkcnn.config.RoundScheduling;
import org.sparkcnn.config.TrainingMasterChoice;
import org.sparkcnn.report.Table;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The speedup table of one interleaved benchmark run ({@code submit/benchmark.sh --speedup}): for
 * each network, the resident master's Spark local[N] images/s against the one-thread single
 * process measured just before and just after it, and against N one-thread processes run side by
 * side, which is what the machine's N cores give to N independent workers at that time.
 *
 * <p>Why interleaved: on shared or virtual cores one process's speed moves by 10-30% within
 * minutes (docs/performance.md), so a ratio of two runs made minutes apart says as much about the
 * machine as about Spark. Each resident row is divided by the mean of the network's one-thread
 * rows that neighbour it in the file (the one before and the one after; one if it has only one),
 * and the table gives every such ratio and their median.
 *
 * <p>Reads the rows {@link ThroughputBenchmark} appended with the same {@code run} id: one-thread
 * single rows (the {@code processes} column empty or 1), resident local[N] rows, and single rows
 * with {@code processes} N (the side-by-side processes, N rows a group; the column gives their
 * mean sum over the groups). A network whose resident rows ran their rounds both ways ({@code
 * round_scheduling}: one Spark job per round, or barrier) gets a table row for each.
 *
 * <p>Usage:
 * <pre>
 * Speedup --run-id ID [--cores 2] [--project runs/throughput.csv]
 * </pre>
 *
 * <p>Exit code 2 for bad arguments, 3 for a missing or malformed CSV file or a run without rows.
 */
public final class Speedup {
  private Speedup() {}

  /** Parsed command line. */
  record Options(String runId, int cores, Path project) {}

  public static void main(String[] args) {
    Options o = Cli.parseOrExit(args, Speedup::parse, new Command());
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
  @CommandLine.Command(name = "Speedup", sortOptions = false, sortSynopsis = false,
      description = "The speedup table of one interleaved benchmark run: the resident master's"
          + " Spark local[N] images/s against the one-thread process run before and after it,"
          + " and against N one-thread processes side by side. Exit code 2 for bad arguments, 3"
          + " for a missing or malformed CSV file or a run without rows.")
  static final class Command {
    @CommandLine.Mixin
    RunTableOptions run = new RunTableOptions();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    Options options() {
      int n = run.checkedCores();
      return new Options(run.checkedRunId(), n, run.project);
    }
  }

  /**
   * The table of the run {@code o} names, one row per network in the order of its first row.
   *
   * @throws IOException when the file is missing or malformed, or has no row of the run
   */
  static Table table(Options o) throws IOException {
    List<Map<String, String>> rows = SideBySide.rows(o.project(), o.runId());
    if (rows.isEmpty()) {
      throw new IOException("no rows of run " + o.runId() + " in " + o.project());
    }
    List<String> models = rows.stream().map(r -> r.get("model")).distinct().toList();
    int n = o.cores();
    Table table = new Table("network", "1 thread (each run)",
        "Spark local[" + n + "] resident (each run)", "resident vs 1 thread (each run)",
        "resident vs 1 thread, median", n + " processes side by side",
        n + " processes vs 1 thread", "resident vs " + n + " processes",
        "resident fit / barrier / overhead");
    for (String model : models) {
      List<Map<String, String>> ofModel =
          rows.stream().filter(r -> r.get("model").equals(model)).toList();
      List<String> schedulings = ofModel.stream().filter(r -> isResident(r, n))
          .map(Speedup::scheduling).distinct().toList();
      if (schedulings.size() <= 1) {
        table.add(networkRow("`" + model + "`", ofModel, n, null));
      }
      for (String scheduling : schedulings.size() > 1 ? schedulings : List.<String>of()) {
        table.add(networkRow("`" + model + "`, " + scheduling + " rounds", ofModel, n,
            scheduling));
      }
    }
    return table;
  }

  /** A resident row's round scheduling: its {@code round_scheduling} cell, "job" when empty. */
  static String scheduling(Map<String, String> row) {
    String cell = row.getOrDefault("round_scheduling", "");
    return cell.isEmpty() ? RoundScheduling.JOB.configValue() : cell;
  }

  /**
   * The table's row of one network from its rows, in file order: of its resident rows of round
   * scheduling {@code scheduling}, or of all when that is null.
   */
  private static List<String> networkRow(String label, List<Map<String, String>> rows, int n,
      String scheduling) {
    List<Double> single = new ArrayList<>();
    List<Double> resident = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    List<Double> sideBySide = new ArrayList<>();
    List<Double> barrier = new ArrayList<>();
    List<Double> overhead = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, String> r = rows.get(i);
      double rate = Double.parseDouble(r.get("images_per_sec"));
      if (isOneThreadSingle(r, 1)) {
        single.add(rate);
      } else if (isOneThreadSingle(r, n)) {
        sideBySide.add(rate);
      } else if (isResident(r, n) && (scheduling == null || scheduling.equals(scheduling(r)))) {
        resident.add(rate);
        Double base = neighbourMean(rows, i);
        if (base != null) {
          ratios.add(rate / base);
        }
        share(r, "barrier_share", barrier);
        share(r, "overhead_share", overhead);
      }
    }
    Double oneThread = single.isEmpty() ? null : mean(single);
    Double side = sideBySide.isEmpty() || sideBySide.size() % n != 0 ? null
        : sideBySide.stream().mapToDouble(Double::doubleValue).sum() / (sideBySide.size() / n);
    Double residentMean = resident.isEmpty() ? null : mean(resident);
    String shares = barrier.isEmpty() || overhead.isEmpty() ? "-"
        : String.format(Locale.ROOT, "%.1f / %.1f / %.1f%%",
            100 * (1 - median(barrier) - median(overhead)), 100 * median(barrier),
            100 * median(overhead));
    return List.of(label, list(single, "%,.1f", ""), list(resident, "%,.1f", ""),
        list(ratios, "%.2f", "x"), ratios.isEmpty() ? "-" : times(median(ratios)),
        side == null ? "-" : String.format(Locale.ROOT, "%,.1f", side),
        quotient(side, oneThread), quotient(residentMean, side), shares);
  }

  /** The mean of the one-thread single rows just before and just after row {@code i}. */
  private static Double neighbourMean(List<Map<String, String>> rows, int i) {
    List<Double> around = new ArrayList<>();
    for (int j = i - 1; j >= 0; j--) {
      if (isOneThreadSingle(rows.get(j), 1)) {
        around.add(Double.parseDouble(rows.get(j).get("images_per_sec")));
        break;
      }
    }
    for (int j = i + 1; j < rows.size(); j++) {
      if (isOneThreadSingle(rows.get(j), 1)) {
        around.add(Double.parseDouble(rows.get(j).get("images_per_sec")));
        break;
      }
    }
    return around.isEmpty() ? null : mean(around);
  }

  /** A single-process row on one thread, of a run of {@code processes} processes at once. */
  private static boolean isOneThreadSingle(Map<String, String> row, int processes) {
    return row.get("mode").equals("single") && row.get("threads_per_worker").equals("1")
        && processes(row) == processes;
  }

  private static boolean isResident(Map<String, String> row, int n) {
    return row.get("mode").startsWith("local") && row.get("workers").equals("" + n)
        && TrainingMasterChoice.RESIDENT.configValue().equals(row.get("master"));
  }

  /** The row's {@code processes} cell; 1 when empty or absent (rows before the column). */
  static int processes(Map<String, String> row) {
    String cell = row.getOrDefault("processes", "");
    try {
      return cell.isBlank() ? 1 : Integer.parseInt(cell.trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static void share(Map<String, String> row, String column, List<Double> into) {
    String cell = row.getOrDefault(column, "");
    if (!cell.isBlank()) {
      into.add(Double.parseDouble(cell));
    }
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** The median (the mean of the middle two for an even count). */
  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  private static String list(List<Double> values, String format, String suffix) {
    return values.isEmpty() ? "-" : values.stream()
        .map(v -> String.format(Locale.ROOT, format, v) + suffix)
        .collect(Collectors.joining("; "));
  }

  private static String quotient(Double a, Double b) {
    return a == null || b == null || b <= 0 ? "-" : times(a / b);
  }

  private static String times(double ratio) {
    return String.format(Locale.ROOT, "%.2fx", ratio);
  }
}

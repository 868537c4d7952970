package org.sparkcnn.bench;

import java.io.IOException;
import java.nio.file.Path;
import org.sparkcnn.report.Table;
import picocli.CommandLine.Option;

/**
 * The options of the tables made from one benchmark run's rows ({@link SideBySide}, {@link
 * Speedup}): the run id, N and the project's CSV file (a picocli mixin), and how such a tool
 * prints its table.
 */
final class RunTableOptions {
  /** Exit code of a missing or malformed CSV file, or of a run without rows. */
  static final int FILE_EXIT = 3;

  @Option(names = "--run-id", paramLabel = "ID", description = "the run whose rows to take"
      + " (required)")
  String runId;

  @Option(names = "--cores", paramLabel = "N",
      description = "N of the N-thread and Spark local[N] measurements, at least 2"
          + " (default: ${DEFAULT-VALUE})")
  String cores = "2";

  @Option(names = "--project", paramLabel = "FILE",
      description = "the project's rows (default: ${DEFAULT-VALUE})")
  Path project = Path.of("runs", "throughput.csv");

  /**
   * The run id, checked.
   *
   * @throws IllegalArgumentException when it is missing
   */
  String checkedRunId() {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("--run-id is required");
    }
    return runId;
  }

  /**
   * N, checked.
   *
   * @throws IllegalArgumentException unless it is a whole number of at least 2
   */
  int checkedCores() {
    int n;
    try {
      n = Integer.parseInt(cores);
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 2) {
      throw new IllegalArgumentException("--cores must be a whole number >= 2, got " + cores);
    }
    return n;
  }

  /** Builds a table from CSV files. */
  interface TableSource {
    Table table() throws IOException;
  }

  /**
   * Prints the Markdown of the table {@code source} builds; when a file is missing or malformed,
   * prints its error and exits with {@link #FILE_EXIT}.
   */
  static void printOrExit(TableSource source) {
    try {
      System.out.println(source.table().toMarkdown());
    } catch (IOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(FILE_EXIT);
    }
  }
}

package org.sparkcnn.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files of one run directory a {@link RunReport} is made of, each read when first asked for:
 * a file that is not there (yet) or cannot be read is empty, with the reason kept for the page.
 *
 * <p>A repeat's directory ({@code repeat-<i>/}), like a pruning step's ({@code step-<k>/}), holds
 * its training's outputs only; the run's {@code config.conf} and {@code environment.json} are
 * read from the directory above it.
 */
final class ReportInputs {
  /** The files a repeat shares with the whole run, read from the run's directory. */
  private static final Set<String> RUN_FILES =
      Set.of(RunLayout.CONFIG, RunLayout.ENVIRONMENT_JSON);

  private final RunDirectory dir;
  private final Map<String, Optional<String>> texts = new HashMap<>();
  private final Map<String, String> whyMissing = new HashMap<>();

  ReportInputs(RunDirectory dir) {
    this.dir = dir;
  }

  /** The directory's name, e.g. the run id or {@code repeat-2}. */
  String name() {
    return dir.path().getName();
  }

  /**
   * The names of the directory's {@code repeat-<i>} sub-directories, by repeat number; empty for
   * a run without repeats (or a repeat) or when the directory cannot be listed.
   */
  List<String> repeats() {
    try {
      return Arrays.stream(dir.fileSystem().listStatus(dir.path()))
          .filter(FileStatus::isDirectory).map(status -> status.getPath().getName())
          .filter(name -> name.matches(RunLayout.REPEAT_PREFIX + "\\d+"))
          .sorted(Comparator.comparingInt(
              name -> Integer.parseInt(name.substring(RunLayout.REPEAT_PREFIX.length()))))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Whether the directory holds file (or directory) {@code name}, without reading it. */
  boolean exists(String name) {
    try {
      return dir.exists(name);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Whether sub-directory {@code child} holds file {@code name}. */
  boolean exists(String child, String name) {
    try {
      return dir.fileSystem().exists(new Path(dir.resolve(child), name));
    } catch (IOException e) {
      return false;
    }
  }

  /** The text of file {@code name} (UTF-8); empty when it is missing or unreadable. */
  Optional<String> text(String name) {
    return texts.computeIfAbsent(name, this::load);
  }

  /**
   * The CSV table in file {@code name}; empty when the file is missing, unreadable, not valid CSV
   * or has no rows.
   */
  Optional<Table> table(String name) {
    Optional<String> text = text(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Table table = Table.parse(new StringReader(text.get()), name);
      if (table.rows().isEmpty()) {
        whyMissing.put(name, name + " has no rows yet");
        return Optional.empty();
      }
      return Optional.of(table);
    } catch (IOException e) {
      whyMissing.put(name, e.getMessage());
      return Optional.empty();
    }
  }

  /** Why file {@code name} gave nothing, for the page (after {@link #text} or {@link #table}). */
  String whyMissing(String name) {
    return whyMissing.getOrDefault(name, name + " is not in the run directory yet");
  }

  private Optional<String> load(String name) {
    try {
      FileSystem fs = dir.fileSystem();
      Path file = dir.resolve(name);
      Path parent = dir.path().getParent();
      if (!fs.exists(file) && RUN_FILES.contains(name) && parent != null
          && (name().startsWith(RunLayout.REPEAT_PREFIX)
              || name().startsWith(RunLayout.STEP_PREFIX))) {
        file = new Path(parent, name);
      }
      if (!fs.exists(file)) {
        whyMissing.put(name, name + " is not in the run directory yet");
        return Optional.empty();
      }
      try (InputStream in = fs.open(file)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException | UncheckedIOException e) {
      whyMissing.put(name, name + " cannot be read: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The number in a table cell; NaN for an empty cell, {@code n/a} or anything not a number. */
  static double number(String cell) {
    try {
      return cell.isBlank() ? Double.NaN : Double.parseDouble(cell.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The numbers of column {@code column} of {@code table}, NaN where a cell holds none. */
  static double[] column(Table table, String column) {
    int index = table.columns().indexOf(column);
    return table.rows().stream()
        .mapToDouble(row -> index < 0 ? Double.NaN : number(row.get(index))).toArray();
  }
}

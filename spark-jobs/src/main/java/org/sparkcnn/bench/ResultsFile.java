package org.sparkcnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.sparkcnn.report.Table;

/**
 * A CSV file of benchmark rows that invocations append to ({@code runs/throughput.csv}, {@code
 * runs/augmentation.csv}, {@code runs/peak.csv}), read and written through {@link Table}.
 */
final class ResultsFile {
  private ResultsFile() {}

  /**
   * Appends {@code table}'s rows to {@code csv}, with the header only if the file is new. A file
   * whose header is the start of {@code table}'s (written before columns were added) is first
   * rewritten with the new header and its rows padded with empty cells.
   *
   * @throws IOException also when the file's header is not {@code table}'s nor the start of it
   */
  static void append(Path csv, Table table) throws IOException {
    if (csv.getParent() != null) {
      Files.createDirectories(csv.getParent());
    }
    String text = table.toCsv();
    String rows = text.substring(text.indexOf('\n') + 1);
    if (!Files.exists(csv) || Files.size(csv) == 0) {
      Files.writeString(csv, text);
      return;
    }
    Table existing = Table.read(csv);
    List<String> columns = table.columns();
    if (existing.columns().equals(columns)) {
      Files.writeString(csv, rows, StandardOpenOption.APPEND);
      return;
    }
    if (existing.columns().size() >= columns.size()
        || !columns.subList(0, existing.columns().size()).equals(existing.columns())) {
      throw new IOException(csv + " has other columns than this benchmark writes ("
          + String.join(",", existing.columns()) + "); give another --output");
    }
    Table widened = new Table(columns);
    for (List<String> row : existing.rows()) {
      List<String> padded = new ArrayList<>(row);
      while (padded.size() < columns.size()) {
        padded.add("");
      }
      widened.add(padded);
    }
    Path tmp = csv.resolveSibling("." + csv.getFileName() + ".tmp");
    Files.writeString(tmp, widened.toCsv() + rows);
    Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

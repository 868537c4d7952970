package org.sparkcnn.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A small table of text cells, rendered as CSV (RFC 4180 quoting) or as a Markdown table. Numbers
 * are formatted by the caller, so the two renderings always show the same values.
 */
public final class Table {
  private final List<String> columns;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(List<String> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.columns = List.copyOf(columns);
  }

  public Table(String... columns) {
    this(Arrays.asList(columns));
  }

  /** Appends a row; it must have one cell per column. */
  public Table add(List<?> cells) {
    if (cells.size() != columns.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.size() + " cells, table has " + columns.size() + " columns");
    }
    rows.add(cells.stream().map(String::valueOf).toList());
    return this;
  }

  public Table add(Object... cells) {
    return add(Arrays.asList(cells));
  }

  public List<String> columns() {
    return columns;
  }

  public List<List<String>> rows() {
    return List.copyOf(rows);
  }

  public String toCsv() {
    StringBuilder out = new StringBuilder();
    out.append(csvLine(columns));
    rows.forEach(r -> out.append(csvLine(r)));
    return out.toString();
  }

  public String toMarkdown() {
    StringBuilder out = new StringBuilder();
    out.append(markdownLine(columns));
    out.append(columns.stream().map(c -> "---").collect(Collectors.joining("|", "|", "|\n")));
    rows.forEach(r -> out.append(markdownLine(r)));
    return out.toString();
  }

  private static String csvLine(List<String> cells) {
    return cells.stream().map(Table::csvCell).collect(Collectors.joining(",", "", "\n"));
  }

  private static String csvCell(String cell) {
    if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
      return "\"" + cell.replace("\"", "\"\"") + "\"";
    }
    return cell;
  }

  private static String markdownLine(List<String> cells) {
    return cells.stream()
        .map(c -> c.replace("|", "\\|").replace("\n", " "))
        .collect(Collectors.joining(" | ", "| ", " |\n"));
  }
}

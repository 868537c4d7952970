package org.sparkcnn.report;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A small table of text cells, rendered as CSV (RFC 4180 quoting) or as a Markdown table, and read
 * back from CSV ({@link #read}, {@link #parse}). Numbers are formatted by the caller, so the two
 * renderings always show the same values. The project's one CSV writer and reader: run directory
 * tables, benchmark result files and the PyTorch peers' rows all go through it.
 *
 * <p>CSV as RFC 4180 has it and {@link #toCsv} writes it: cells separated by commas, a cell holding
 * a comma, a quote or a line break quoted with {@code "} and its quotes doubled, lines ended by
 * {@code \n} ({@code \r\n} is read too). Reading skips empty lines. (Not through Apache Commons
 * CSV: 1.14 needs commons-io 2.17, and Spark 3.5 puts its 2.16.1 on the classpath.)
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

  /**
   * The table in the CSV file {@code csv} (UTF-8): its first line is the header, every other
   * non-empty line a row.
   *
   * @throws IOException when the file cannot be read, is empty, is not valid CSV or has a row
   *     whose number of cells is not the header's (the message names the file and the line)
   */
  public static Table read(Path csv) throws IOException {
    try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      return parse(reader, csv.toString());
    }
  }

  /**
   * The table in CSV text, as {@link #read} reads a file.
   *
   * @param source what the text is, for error messages (e.g. the file name)
   * @throws IOException as {@link #read}
   */
  public static Table parse(Reader csv, String source) throws IOException {
    StringBuilder text = new StringBuilder();
    char[] buffer = new char[8192];
    for (int n = csv.read(buffer); n >= 0; n = csv.read(buffer)) {
      text.append(buffer, 0, n);
    }
    Table table = null;
    for (Record record : records(text, source)) {
      if (table == null) {
        table = new Table(record.cells());
      } else if (record.cells().size() != table.columns.size()) {
        throw new IOException(source + " line " + record.line() + " has "
            + record.cells().size() + " cells, its header " + table.columns.size() + " columns");
      } else {
        table.rows.add(record.cells());
      }
    }
    if (table == null) {
      throw new IOException(source + " has no header line");
    }
    return table;
  }

  /** The cells of one CSV record, and the line it starts on (the first is 1). */
  private record Record(List<String> cells, int line) {}

  /** The records of CSV {@code text}, empty lines left out. */
  private static List<Record> records(CharSequence text, String source) throws IOException {
    List<Record> records = new ArrayList<>();
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false; // the current cell was quoted, so it is there even when empty
    int line = 1;
    int recordLine = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean next = i + 1 < text.length();
      if (quoted) {
        if (c == '"' && next && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          line += c == '\n' ? 1 : 0;
          cell.append(c);
        }
      } else if (c == '"' && cell.length() == 0) {
        quoted = true;
        wasQuoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
        wasQuoted = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && next && text.charAt(i + 1) == '\n') {
          i++;
        }
        if (!cells.isEmpty() || cell.length() > 0 || wasQuoted) {
          cells.add(cell.toString());
          records.add(new Record(List.copyOf(cells), recordLine));
        }
        cells.clear();
        cell.setLength(0);
        wasQuoted = false;
        recordLine = ++line;
      } else if (c == '"') {
        throw new IOException(source + " line " + line + ": a quote inside an unquoted cell");
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      throw new IOException(source + " line " + recordLine + ": a quoted cell is not closed");
    }
    if (!cells.isEmpty() || cell.length() > 0 || wasQuoted) {
      cells.add(cell.toString());
      records.add(new Record(List.copyOf(cells), recordLine));
    }
    return records;
  }

  /** {@link #parse(Reader, String)} of a string; malformed text is an IllegalArgumentException. */
  public static Table parse(String csv) {
    try {
      return parse(new StringReader(csv), "CSV text");
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * The cell in column {@code column} of row {@code row} (0 is the first row after the header).
   *
   * @throws IllegalArgumentException when there is no such column or row
   */
  public String cell(int row, String column) {
    int index = columns.indexOf(column);
    if (index < 0) {
      throw new IllegalArgumentException("no column " + column + " in " + columns);
    }
    if (row < 0 || row >= rows.size()) {
      throw new IllegalArgumentException("no row " + row + ": the table has " + rows.size());
    }
    return rows.get(row).get(index);
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

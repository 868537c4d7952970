package org.sparkcnn.report;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A small table of text cells, rendered as CSV (RFC 4180 quoting) or as a Markdown table, and read
 * back from CSV ({@link #read}, {@link #parse}). Numbers are formatted by the caller, so the two
 * renderings always show the same values. The project's one CSV writer and reader: run directory
 * tables, benchmark result files and the PyTorch peers' rows all go through it.
 *
 * <p>CSV as RFC 4180 has it and {@link #toCsv} writes it: cells separated by commas, a cell holding
 * a comma, a quote or a line break quoted with {@code "} and its quotes doubled, lines ended by
 * {@code \n} ({@code \r\n} is read too). Reading (Apache Commons CSV's RFC 4180 parser) skips
 * empty lines.
 */
public final class Table {
  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).build();
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
    Table table = null;
    try (CSVParser parser = FORMAT.parse(csv)) {
      for (CSVRecord record : parser) {
        List<String> cells = record.toList();
        if (table == null) {
          table = new Table(cells);
        } else if (cells.size() != table.columns.size()) {
          throw new IOException(source + " line " + parser.getCurrentLineNumber() + " has "
              + cells.size() + " cells, its header " + table.columns.size() + " columns");
        } else {
          table.rows.add(List.copyOf(cells));
        }
      }
    } catch (UncheckedIOException | IllegalStateException e) {
      // Commons CSV reports malformed text (an unclosed quote, a stray quote) this way.
      throw new IOException(source + ": not valid CSV: " + e.getMessage(), e);
    }
    if (table == null) {
      throw new IOException(source + " has no header line");
    }
    return table;
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

  /**
   * One CSV line of {@code cells}, ended by {@code \n}, as {@link #toCsv} writes rows: for files
   * too long to hold as a table, written line by line.
   */
  public static String csvLine(List<String> cells) {
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

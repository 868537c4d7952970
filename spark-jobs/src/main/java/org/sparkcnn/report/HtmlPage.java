package org.sparkcnn.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page built piece by piece: the style sheet is inline, pictures are {@code
 * data:image/png;base64} URIs, and there is no script, so the page opens from disk with no
 * network. Every text put in is escaped.
 */
final class HtmlPage {
  private static final String STYLE = String.join("\n",
      "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1300px;color:#222}",
      "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:1.6em}",
      "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}",
      "th,td{border:1px solid #ccc;padding:.2em .5em;text-align:right}",
      "th{background:#eee}td.text,th.text{text-align:left}",
      "pre{background:#f6f6f6;padding:.8em;overflow:auto;font-size:.85em}",
      "img{max-width:100%;height:auto}.missing{color:#777;font-style:italic}",
      ".status{font-weight:bold}");

  private final StringBuilder body = new StringBuilder();
  private final String title;

  HtmlPage(String title) {
    this.title = title;
  }

  /** {@code text} with the characters HTML gives a meaning escaped. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  HtmlPage heading(int level, String text) {
    body.append("<h").append(level).append('>').append(escape(text)).append("</h")
        .append(level).append(">\n");
    return this;
  }

  /** A paragraph of class {@code cssClass} ({@code missing}, {@code status}), or none if null. */
  HtmlPage paragraph(String text, String cssClass) {
    body.append(cssClass == null ? "<p>" : "<p class=\"" + cssClass + "\">")
        .append(escape(text)).append("</p>\n");
    return this;
  }

  HtmlPage preformatted(String text) {
    body.append("<pre>").append(escape(text)).append("</pre>\n");
    return this;
  }

  /**
   * The project's Markdown ({@code model.md}): a {@code #} heading, tables of {@code |}-separated
   * cells (the {@code |---|} line dropped) and paragraphs; nothing else is interpreted.
   */
  HtmlPage markdown(String text) {
    boolean inTable = false;
    boolean header = false;
    for (String line : text.split("\n")) {
      boolean row = line.startsWith("|");
      if (inTable && !row) {
        body.append("</table>\n");
      }
      if (row && !inTable) {
        body.append("<table>\n");
        header = true;
      }
      inTable = row;
      if (row && line.matches("[|:\\- ]+")) {
        continue;
      } else if (row) {
        markdownRow(line, header);
        header = false;
      } else if (line.startsWith("#")) {
        heading(3, line.replaceFirst("^#+\\s*", ""));
      } else if (!line.isBlank()) {
        paragraph(line, null);
      }
    }
    if (inTable) {
      body.append("</table>\n");
    }
    return this;
  }

  /**
   * A list of items, each a link to a relative address (kept within the directory, so it opens
   * from disk) or, when the address is null, text alone.
   *
   * @param items pairs of text and address
   */
  HtmlPage links(List<Map.Entry<String, String>> items) {
    body.append("<ul>\n");
    for (Map.Entry<String, String> item : items) {
      body.append("<li>").append(item.getValue() == null ? escape(item.getKey())
          : "<a href=\"" + escape(item.getValue()) + "\">" + escape(item.getKey()) + "</a>")
          .append("</li>\n");
    }
    body.append("</ul>\n");
    return this;
  }

  /** A PNG picture, inline. */
  HtmlPage image(byte[] png, String alt) {
    body.append("<p><img alt=\"").append(escape(alt)).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\"></p>\n");
    return this;
  }

  /**
   * The columns {@code columns} of {@code table} (all when null), cells as they are written in
   * the CSV file; cells that are not numbers are aligned left.
   */
  HtmlPage table(Table table, List<String> columns) {
    List<String> shown = columns == null ? table.columns() : columns;
    List<Integer> index = shown.stream().map(table.columns()::indexOf).toList();
    body.append("<table>\n<tr>");
    shown.forEach(c -> body.append("<th>").append(escape(c)).append("</th>"));
    body.append("</tr>\n");
    for (List<String> row : table.rows()) {
      body.append("<tr>");
      index.forEach(i -> cell(row.get(i), null));
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /**
   * A heat map as a table: row {@code r} is labelled {@code rowLabels[r]}, and each cell is
   * shaded by its share of its row's total (white for none, dark blue for all).
   */
  HtmlPage heatMap(String corner, List<String> rowLabels, List<String> columnLabels,
      long[][] counts) {
    body.append("<table>\n<tr><th class=\"text\">").append(escape(corner)).append("</th>");
    columnLabels.forEach(c -> body.append("<th>").append(escape(c)).append("</th>"));
    body.append("</tr>\n");
    for (int r = 0; r < counts.length; r++) {
      long total = 0;
      for (long count : counts[r]) {
        total += count;
      }
      body.append("<tr><th class=\"text\">").append(escape(rowLabels.get(r))).append("</th>");
      for (long count : counts[r]) {
        cell(String.valueOf(count), total == 0 ? null : shade((double) count / total));
      }
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  private void markdownRow(String line, boolean header) {
    String inner = line.strip().replaceFirst("^\\|", "").replaceFirst("\\|$", "");
    body.append("<tr>");
    for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
      String text = cell.strip().replace("\\|", "|");
      if (header) {
        body.append("<th>").append(escape(text)).append("</th>");
      } else {
        cell(text, null);
      }
    }
    body.append("</tr>\n");
  }

  /** The whole page. */
  String render() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
        + escape(title) + "</title>\n<style>\n" + STYLE + "\n</style>\n</head>\n<body>\n"
        + body + "</body>\n</html>\n";
  }

  private void cell(String text, String style) {
    boolean number = !Double.isNaN(ReportInputs.number(text.replace(",", "")));
    body.append("<td");
    if (!number) {
      body.append(" class=\"text\"");
    }
    if (style != null) {
      body.append(" style=\"").append(style).append('"');
    }
    body.append('>').append(escape(text)).append("</td>");
  }

  /** Background from white (0) to dark blue (1), with white text on the dark half. */
  private static String shade(double fraction) {
    double f = Math.sqrt(Math.max(0, Math.min(1, fraction)));
    int red = (int) Math.round(255 - f * (255 - 0x08));
    int green = (int) Math.round(255 - f * (255 - 0x30));
    int blue = (int) Math.round(255 - f * (255 - 0x6b));
    return String.format(Locale.ROOT, "background:#%02x%02x%02x%s", red, green, blue,
        f > 0.6 ? ";color:#fff" : "");
  }
}

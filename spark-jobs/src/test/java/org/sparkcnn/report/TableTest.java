package org.sparkcnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableTest {

  @Test
  void rendersCsvWithQuotingAndMarkdown() {
    Table t = new Table("name", "value").add("T-shirt/top", 1).add("a, \"b\"", "x|y");
    assertEquals("name,value\nT-shirt/top,1\n\"a, \"\"b\"\"\",x|y\n", t.toCsv());
    assertEquals("| name | value |\n|---|---|\n| T-shirt/top | 1 |\n| a, \"b\" | x\\|y |\n",
        t.toMarkdown());
  }

  @Test
  void rowsMustMatchTheColumns() {
    assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").add(1));
  }

  @Test
  void readsBackWhatItWritesQuotesNewlinesAndAllAndSkipsEmptyLines(@TempDir Path dir)
      throws IOException {
    Table t = new Table("name", "value", "note").add("a, \"b\"", "", "two\nlines")
        .add("local[2]", "CPU a; CPU b, c", "\r");
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, t.toCsv() + "\n");
    Table read = Table.read(csv);
    assertEquals(t.columns(), read.columns());
    assertEquals(t.rows(), read.rows());
    assertEquals(t.toCsv(), read.toCsv());
    assertEquals("CPU a; CPU b, c", read.cell(1, "value"));
    assertEquals(List.of(List.of("1", "2")),
        Table.parse(new StringReader("a,b\r\n\r\n1,2\r\n"), "crlf").rows());
  }

  @Test
  void readingRefusesAnEmptyFileARaggedRowAndAnOpenQuoteNamingTheFile(@TempDir Path dir)
      throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.csv"), "");
    IOException none = assertThrows(IOException.class, () -> Table.read(empty));
    assertTrue(none.getMessage().contains("empty.csv has no header line"), none.getMessage());
    Path ragged = Files.writeString(dir.resolve("ragged.csv"), "a,b\n1,2\n3\n");
    IOException short3 = assertThrows(IOException.class, () -> Table.read(ragged));
    assertTrue(short3.getMessage().contains("ragged.csv line 3 has 1 cells"), short3.getMessage());
    Path open = Files.writeString(dir.resolve("open.csv"), "a,b\n1,\"2\n");
    IOException quote = assertThrows(IOException.class, () -> Table.read(open));
    assertTrue(quote.getMessage().startsWith(open.toString()), quote.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Table("a").cell(0, "b"));
  }
}

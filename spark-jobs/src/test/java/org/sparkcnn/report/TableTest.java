package org.sparkcnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

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
}

package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchNormBenchmarkTest {
  @Test
  void timesEveryImplementationOfAShape() throws Exception {
    List<String> row = BatchNormBenchmark.row(2, new long[] {3, 4, 5}, 2);
    assertEquals("2x3x4x5", row.get(0));
    assertEquals(10, row.size());
    for (String ms : row.subList(1, row.size())) {
      assertTrue(Double.parseDouble(ms) >= 0, row.toString());
    }
    assertThrows(IllegalArgumentException.class,
        () -> BatchNormBenchmark.main(new String[] {"--batch", "2"}));
  }
}

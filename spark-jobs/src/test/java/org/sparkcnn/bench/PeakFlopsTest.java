package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.report.Table;

class PeakFlopsTest {
  @Test
  void trainingFlopsAreSixTimesTheForwardMultiplyAdds() {
    // The tutorial CNN's 18,470,784 multiply-adds per 24x24x3 image (ModelSummary's javadoc).
    assertEquals(6 * 18_470_784.0,
        PeakFlops.trainingFlopsPerImage("tf-cifar10", new ImageShape(3, 24, 24), 10));
    // Graphs too, and the input changes the count: ResNet-20 at 32x32 is about 41 M forward.
    double resnet = PeakFlops.trainingFlopsPerImage("resnet20", new ImageShape(3, 32, 32), 10);
    assertTrue(resnet > 6 * 39e6 && resnet < 6 * 43e6, "resnet20 " + resnet);
    assertThrows(IllegalArgumentException.class,
        () -> PeakFlops.trainingFlopsPerImage("resnet21", new ImageShape(3, 32, 32), 10));
  }

  @Test
  void measuresTheGemmRateAndAppendsARow(@TempDir Path dir) throws Exception {
    double gflops = PeakFlops.sgemmGflops(128, 0.2);
    assertTrue(gflops > 0.1 && gflops < 10_000, "gemm GFLOP/s " + gflops);
    Path csv = dir.resolve("peak.csv");
    PeakFlops.main(new String[] {"--size", "64", "--seconds", "0.1", "--output", csv.toString()});
    PeakFlops.main(new String[] {"--size", "64", "--seconds", "0.1", "--output", csv.toString()});
    List<String> lines = Files.readAllLines(csv);
    assertEquals(3, lines.size(), "header once, then a row per run: " + lines);
    assertTrue(lines.get(0).startsWith("date,cpu,nd4j,threads,size,gflops_per_sec"));
    assertThrows(IllegalArgumentException.class, () -> PeakFlops.main(new String[] {"--sizes"}));
  }

  @Test
  void ceilingsDivideTheRateByEachNetworksTrainingFlops() {
    Table table = PeakFlops.ceilings(List.of("tf-cifar10", "lenet5"), 100.0);
    String markdown = table.toMarkdown();
    // 6 x 18,470,784 = 0.1108 GFLOP per 3x24x24 image; 100 GFLOP/s / that = 902.3 images/s.
    assertTrue(markdown.contains("| tf-cifar10 | 3x24x24 | 0.1108 | 902.3 |"), markdown);
    assertTrue(markdown.contains("| lenet5 | 1x28x28 |"), markdown);
  }
}

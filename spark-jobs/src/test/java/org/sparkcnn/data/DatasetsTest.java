package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparkcnn.data.IdxFixtures.images;
import static org.sparkcnn.data.IdxFixtures.labels;
import static org.sparkcnn.data.IdxFixtures.write;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.models.ImageShape;

/** Each split of format {@code idx} opens the files its {@code data.idx} keys name. */
class DatasetsTest {
  @TempDir Path dir;

  @Test
  void idxSplitsOpenTheFilesOfTheirDataIdxKeys() throws Exception {
    JobConfig config = JobConfig.from(new ConfigLoader()
        .set("data.idx.train-images=" + write(dir, "train-images", images(12, 4, 3)))
        .set("data.idx.train-labels=" + write(dir, "train-labels", labels(12, 10)))
        .set("data.idx.test-images=" + write(dir, "test-images.gz", images(5, 4, 3)))
        .set("data.idx.test-labels=" + write(dir, "test-labels.gz", labels(5, 10)))
        .resolve());
    Configuration conf = new Configuration();
    IdxDataset train = (IdxDataset) Datasets.open(config.data(), Datasets.Split.TRAIN, 42, conf);
    IdxDataset test = (IdxDataset) Datasets.open(config.data(), Datasets.Split.TEST, 42, conf);
    assertEquals(12, train.size());
    assertEquals(5, test.size());
    assertEquals(new ImageShape(1, 4, 3), test.shape());
  }
}

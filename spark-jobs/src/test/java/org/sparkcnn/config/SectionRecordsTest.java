package org.sparkcnn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.models.ImageShape;

/**
 * Each section's record reads its own keys (a configuration holding that section alone is
 * enough), and every closed choice parses its configuration spelling or fails naming the key.
 */
class SectionRecordsTest {
  static Config parse(String hocon) {
    return ConfigFactory.parseString(hocon);
  }

  static String error(Runnable r) {
    return assertThrows(InvalidConfigException.class, r::run).getMessage();
  }

  @Test
  void runReadsRunKeysAlone() {
    JobConfig.RunConfig run = JobConfig.RunConfig.from(parse("run { output-root = out, id = x,"
        + " seed = 7, repeats = 2, if-exists = resume, lock-stale-seconds = 120,"
        + " latest-pointer = \"\", keep = 0 }"));
    assertEquals(new JobConfig.RunConfig("out", "x", 7, 2, IfExists.RESUME, 120, "", 0), run);
  }

  @Test
  void dataSubSectionsReadTheirOwnKeysAlone() {
    assertEquals(new IdxConfig("a", "b", "c", "d"), IdxConfig.from(parse(
        "data.idx { train-images = a, train-labels = b, test-images = c, test-labels = d }")));
    assertEquals(new CifarConfig(List.of("t1", "t2"), List.of("e"), CifarLabel.COARSE),
        CifarConfig.from(parse("data.cifar { train = [t1, t2], test = [e], label = coarse }")));
    FolderConfig folder = FolderConfig.from(parse("data.folder { train = tr, test = te,"
        + " channels = 1, height = 28, width = 20, on-size-mismatch = resize-crop,"
        + " on-channel-mismatch = reject }"));
    assertEquals(new ImageShape(1, 28, 20), folder.shape());
    assertEquals(SizePolicy.RESIZE_CROP, folder.onSizeMismatch());
    assertEquals(ChannelPolicy.REJECT, folder.onChannelMismatch());
  }

  @Test
  void dataFrameSectionReadsItsKeysAndTheExampleJobFileLoads() {
    assertEquals(new DataFrameConfig("tr", "te", "", LabelSource.COLUMN, "class", "file"),
        DataFrameConfig.from(parse("data.dataframe { train = tr, test = te, image-column = \"\","
            + " label-from = column, label-column = class, path-column = file }")));
    DataFrameConfig defaults = DataFrameConfig.from(ConfigLoader.reference());
    assertEquals(LabelSource.PARENT_FOLDER, defaults.labelFrom());
    assertEquals("content", defaults.imageColumn(DataFormat.BINARY_FILE));
    assertEquals("image", defaults.imageColumn(DataFormat.SPARK_IMAGE));
    assertEquals("image", defaults.imageColumn(DataFormat.PARQUET));
    JobConfig job = JobConfig.from(new ConfigLoader().file(Path.of("..").toAbsolutePath()
        .normalize().resolve("conf/fashion-mnist-lenet5-parquet.conf").toString(),
        new Configuration()).resolve());
    assertEquals(DataFormat.PARQUET, job.data().format());
    assertEquals(LabelSource.COLUMN, job.data().dataframe().labelFrom());
    assertEquals(new ImageShape(1, 28, 28), job.data().folder().shape());
  }

  @Test
  void dataReadsItsKeysAndKeepsTheIdxAccessors() {
    JobConfig.DataConfig data = JobConfig.DataConfig.from(ConfigLoader.reference()
        .withValue("data.idx.test-labels",
            ConfigValueFactory.fromAnyRef("hdfs://nn/t10k-labels.gz")));
    assertEquals(DataFormat.IDX, data.format());
    assertEquals("hdfs://nn/t10k-labels.gz", data.testLabels());
    assertEquals(data.idx().trainImages(), data.trainImages());
    assertEquals(CifarLabel.FINE, data.cifar().label());
  }

  @Test
  void modelAndClusterReadTheirKeysAlone() {
    ModelConfig model = ModelConfig.from(parse("model { name = lenet5, activation = relu,"
        + " weight-init = xavier, l2 = 0, convolution = dl4j }"));
    assertEquals("xavier", model.weightInit());
    JobConfig.ClusterConfig cluster = JobConfig.ClusterConfig.from(
        parse("cluster { placement = hybrid, allow-cpu-fallback = true }"));
    assertEquals(ComputePlacement.HYBRID, cluster.placement());
    assertTrue(cluster.executorsOnGpu());
    assertFalse(cluster.driverOnGpu());
    assertTrue(cluster.allowCpuFallback());
    assertEquals(List.of("cpu", "gpu", "hybrid"), JobConfig.ClusterConfig.PLACEMENTS);
  }

  @Test
  void trainGroupsItsKeysAndKeepsTheFlatAccessors() {
    Config c = ConfigFactory.parseString("train { epochs = 4, batch-size-per-worker = 16,"
        + " workers = 3, averaging-frequency = 2, prefetch-batches = 0, aggregation-depth = 1,"
        + " master = resident, round-scheduling = barrier, updater = nesterovs,"
        + " learning-rate = 0.1, learning-rate-decay = 0.5,"
        + " learning-rate-decay-epochs = 2, learning-rate-boundaries = [], learning-rate-cosine"
        + " = false, warmup-epochs = 0, momentum = 0.8 }");
    assertEquals(new AveragingConfig(16, 3, 2, 0, 1, TrainingMasterChoice.RESIDENT,
        RoundScheduling.BARRIER), AveragingConfig.from(c));
    assertEquals(RoundScheduling.JOB,
        new AveragingConfig(16, 3, 2, 0, 1, TrainingMasterChoice.RESIDENT).roundScheduling());
    assertEquals(TrainingMasterChoice.DL4J, new AveragingConfig(16, 3, 2, 0, 1).master());
    InvalidConfigException bad = assertThrows(InvalidConfigException.class,
        () -> AveragingConfig.from(c.withValue("train.master",
            ConfigValueFactory.fromAnyRef("local"))));
    assertEquals("train.master must be one of [dl4j, resident], got 'local'", bad.getMessage());
    bad = assertThrows(InvalidConfigException.class,
        () -> AveragingConfig.from(c.withValue("train.round-scheduling",
            ConfigValueFactory.fromAnyRef("epoch"))));
    assertEquals("train.round-scheduling must be one of [job, barrier], got 'epoch'",
        bad.getMessage());
    bad = assertThrows(InvalidConfigException.class,
        () -> AveragingConfig.from(c.withValue("train.master",
            ConfigValueFactory.fromAnyRef("dl4j"))));
    assertEquals("train.round-scheduling must be \"job\" with train.master = \"dl4j\", got"
        + " barrier", bad.getMessage());
    OptimiserConfig optimiser = OptimiserConfig.from(c);
    assertEquals(Updater.NESTEROVS, optimiser.updater());
    assertEquals(0.8, ((Nesterovs) optimiser.optimizer()).getMomentum());
    assertEquals(0.1, optimiser.optimizer().getLearningRate(0, 0));
    assertEquals(new LearningRateSchedule(0.1, 0.5, 2, List.of(), false, 0, 4),
        optimiser.schedule(4));

    JobConfig.TrainConfig train = JobConfig.from(new ConfigLoader().set("train.epochs=4")
        .set("train.workers=3").set("train.learning-rate=0.1").resolve()).train();
    assertEquals(3, train.workers());
    assertEquals(train.averaging().batchSizePerWorker(), train.batchSizePerWorker());
    assertEquals(0.1, train.learningRate());
    assertEquals(4, train.schedule().epochs());
  }

  @Test
  void everyChoiceParsesItsConfigurationSpelling() {
    assertEquals(DataFormat.IMAGE_FOLDER, DataFormat.parse("image-folder"));
    assertEquals(DataFormat.CIFAR100, DataFormat.parse("cifar100"));
    assertEquals("cifar10", DataFormat.CIFAR10.toString());
    assertEquals(IfExists.REFUSE, IfExists.parse("refuse"));
    assertEquals(ComputePlacement.GPU, ComputePlacement.parse("gpu"));
    assertEquals(Updater.ADAM, Updater.parse("adam"));
    assertEquals(CifarLabel.COARSE, CifarLabel.parse("coarse"));
    assertEquals(SizePolicy.RESIZE_CROP, SizePolicy.parse("resize-crop"));
    assertEquals(ChannelPolicy.CONVERT, ChannelPolicy.parse("convert"));
    assertEquals(List.of("resize", "resize-crop", "reject"),
        ConfigChoice.spellings(SizePolicy.values()));
  }

  @Test
  void aBadChoiceIsNamedByKeyWithTheValuesAllowed() {
    assertEquals("data.format must be one of [idx, cifar10, cifar100, image-folder,"
        + " spark-image, binary-file, parquet], got 'tfrecord'",
        ConfigLoaderTest.invalid("data.format=tfrecord"));
    assertEquals("data.dataframe.label-from must be one of [parent-folder, column], got 'name'",
        ConfigLoaderTest.invalid("data.dataframe.label-from=name"));
    assertEquals("data.cifar.label must be fine or coarse, got 'medium'",
        ConfigLoaderTest.invalid("data.cifar.label=medium"));
    assertEquals("data.folder.on-size-mismatch must be one of [resize, resize-crop, reject], got"
        + " 'crop'", ConfigLoaderTest.invalid("data.folder.on-size-mismatch=crop"));
    assertEquals("data.folder.on-channel-mismatch must be one of [convert, reject], got 'drop'",
        ConfigLoaderTest.invalid("data.folder.on-channel-mismatch=drop"));
    assertEquals("run.if-exists must be one of [refuse, resume], got 'overwrite'",
        ConfigLoaderTest.invalid("run.if-exists=overwrite"));
    assertEquals("train.updater must be one of [sgd, nesterovs, adam], got 'Adam'",
        error(() -> Updater.parse("Adam")));
    assertEquals("cluster.placement must be one of [cpu, gpu, hybrid], got 'CPU'",
        error(() -> new JobConfig.ClusterConfig("CPU", false)));
  }
}

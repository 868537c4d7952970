package org.sparkcnn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final Configuration HADOOP = new Configuration();
  @TempDir Path dir;

  Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void aCountWithAFractionIsAnErrorNotCutDown() throws Exception {
    var e = assertThrows(InvalidConfigException.class,
        () -> JobConfig.from(new ConfigLoader().set("train.epochs=1.5").resolve()));
    assertEquals("train.epochs must be a whole number, got 1.5", e.getMessage());
    Path file = file("job.conf", "train {\n  batch-size-per-worker = 32.5\n}\n");
    e = assertThrows(InvalidConfigException.class, () -> JobConfig.from(new ConfigLoader()
        .file(file.toString(), HADOOP).resolve()));
    assertEquals("train.batch-size-per-worker must be a whole number, got 32.5",
        e.getMessage());
    // A whole number written with a point is that number; fractional keys take fractions.
    assertEquals(2, JobConfig.from(new ConfigLoader().set("train.epochs=2.0")
        .set("train.warmup-epochs=0.5").resolve()).train().epochs());
  }

  @Test
  void aSavedRunWithoutTheTrainingMasterKeyResumesOnTheMasterItStartedWith() throws Exception {
    assertEquals(TrainingMasterChoice.RESIDENT,
        JobConfig.from(new ConfigLoader().resolve()).train().master(), "today's default");
    Path old = file("old.conf", "train {\n  epochs = 3\n}\n");
    JobConfig before = JobConfig.from(new ConfigLoader().savedRun(old.toString(), HADOOP)
        .resolve());
    assertEquals(TrainingMasterChoice.DL4J, before.train().master());
    assertEquals(3, before.train().epochs());
    Path now = file("new.conf", "train {\n  master = resident\n}\n");
    assertEquals(TrainingMasterChoice.RESIDENT, JobConfig.from(new ConfigLoader()
        .savedRun(now.toString(), HADOOP).resolve()).train().master());
  }

  @Test
  void defaultsAloneMakeAValidJob() {
    JobConfig c = JobConfig.from(new ConfigLoader().resolve());
    assertEquals("lenet5", c.model().name());
    assertEquals(10, c.data().numClasses());
    assertEquals("Ankle boot", c.data().className(9));
  }

  @Test
  void everyJobFileInConfIsValid() throws Exception {
    List<Path> jobs;
    try (var files = Files.list(Path.of("..", "conf"))) {
      jobs = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
    }
    assertTrue(jobs.size() >= 3, jobs.toString());
    for (Path job : jobs) {
      JobConfig c = JobConfig.from(new ConfigLoader().file(job.toString(), HADOOP).resolve());
      assertTrue(c.train().epochs() > 0, job.toString());
    }
    JobConfig tutorial = JobConfig.from(new ConfigLoader()
        .file(Path.of("..", "conf", "cifar10-tf-tutorial.conf").toString(), HADOOP).resolve());
    assertEquals("[random-crop(height=24, width=24, padding=0), flip(probability=0.5),"
        + " brightness(max-delta=63.0), contrast(lower=0.2, upper=1.8), standardize]",
        tutorial.train().augment().toString());
    assertEquals("[centre-crop(height=24, width=24), standardize]",
        tutorial.train().evalAugment().toString());
  }

  @Test
  void augmentationListsTakeBothStepSyntaxesFromFilesAndSets() throws Exception {
    Path job = file("job.conf", "train.augment = [{random-crop {size = 24, padding = 2}}, flip,"
        + " \"brightness(max-delta=10)\", standardize]\n");
    JobConfig c = JobConfig.from(new ConfigLoader().file(job.toString(), HADOOP)
        .set("train.eval-augment=[\"centre-crop(size=24)\", {standardize {}}]").resolve());
    assertEquals(4, c.train().augment().steps().size());
    assertEquals("[centre-crop(height=24, width=24), standardize]",
        c.train().evalAugment().toString());
    var e = assertThrows(InvalidConfigException.class, () -> JobConfig.from(new ConfigLoader()
        .set("train.augment=[flip, \"random-crop(size=24, paddin=4)\", scale]").resolve()));
    assertEquals("train.augment[1]: random-crop: unknown parameter 'paddin'; it takes height,"
        + " padding, size, width", e.getMessage());
  }

  @Test
  void cifarClassCountFollowsTheLabelChoice() {
    var e = assertThrows(InvalidConfigException.class, () -> JobConfig.from(new ConfigLoader()
        .set("data.format=cifar100").set("data.class-names=[]").resolve()));
    assertTrue(e.getMessage().contains("data.num-classes must be 100 for data.format = cifar100"
        + " with data.cifar.label = fine"), e.getMessage());
    JobConfig coarse = JobConfig.from(new ConfigLoader().set("data.format=cifar100")
        .set("data.cifar.label=coarse").set("data.num-classes=20").set("data.class-names=[]")
        .resolve());
    assertEquals(20, coarse.data().numClasses());
  }

  @Test
  void laterLayersWinAndStringsNeedNoQuoting() throws Exception {
    Path job = file("job.conf",
        "train { epochs = 7, learning-rate = 0.5 }\nmodel.name = lenet-caffe\n");
    JobConfig c = JobConfig.from(new ConfigLoader()
        .file(job.toString(), HADOOP)
        .set("train.epochs=3")
        .set("data.train-images=hdfs://namenode:8020/data/train-images.gz")
        .set("data.class-names=[a, b, c, d, e, f, g, h, i, j]")
        .resolve());
    assertEquals(3, c.train().epochs());
    assertEquals(0.5, c.train().learningRate());
    assertEquals("lenet-caffe", c.model().name());
    assertEquals("hdfs://namenode:8020/data/train-images.gz", c.data().trainImages());
    assertEquals("j", c.data().className(9));
  }

  @Test
  void misspeltKeyInAFileIsNamedWithItsFileLineAndASuggestion() throws Exception {
    Path job = file("job.conf", "train {\n  epoch = 3\n}\n");
    var e = assertThrows(InvalidConfigException.class,
        () -> new ConfigLoader().file(job.toString(), HADOOP));
    assertEquals("unknown configuration key 'train.epoch' (" + job + ": 2); did you mean"
        + " 'train.epochs'?", e.getMessage());
  }

  @Test
  void unknownKeyInASetIsNamed() {
    var e = assertThrows(InvalidConfigException.class,
        () -> new ConfigLoader().set("trian.epochs=2"));
    assertEquals("unknown configuration key 'trian.epochs' (--set trian.epochs=2); did you mean"
        + " 'train.epochs'?", e.getMessage());
    var far = assertThrows(InvalidConfigException.class,
        () -> new ConfigLoader().set("colour=blue"));
    assertEquals("unknown configuration key 'colour' (--set colour=blue)", far.getMessage());
  }

  @Test
  void wrongTypeIsNamed() {
    var e = assertThrows(InvalidConfigException.class,
        () -> JobConfig.from(new ConfigLoader().set("train.epochs=many").resolve()));
    assertEquals("invalid configuration: --set train.epochs: 1: train.epochs has type STRING rather"
        + " than NUMBER", e.getMessage());
  }

  @Test
  void badValuesAreNamedByKey() {
    assertEquals("train.epochs must be > 0, got 0", invalid("train.epochs=0"));
    assertEquals("train.learning-rate-decay must be in (0, 1], got 1.5",
        invalid("train.learning-rate-decay=1.5"));
    assertEquals("train.updater must be one of [sgd, nesterovs, adam], got 'rmsprop'",
        invalid("train.updater=rmsprop"));
    assertEquals("data.class-names must be empty or hold data.num-classes (10) names, got 2 names",
        invalid("data.class-names=[a, b]"));
    assertTrue(invalid("model.name=resnet").startsWith(
        "model.name: unknown model 'resnet'; known: alexnet, alexnet-cifar, lenet-caffe,"));
    assertEquals("model.name: model vgg16: unknown parameter 'bn=true'; it takes batch-norm",
        invalid("model.name=vgg16(bn=true)"));
    assertTrue(invalid("model.activation=relu7").startsWith(
        "model.activation: unknown activation 'relu7'; known: "));
    assertEquals("run.id must not start with '.', got '../x'", invalid("run.id=../x"));
    assertEquals("run.id must not hold '/' (position 2): it cannot be part of a directory name on"
        + " every Hadoop filesystem, got 'a/b'", invalid("run.id=a/b"));
    assertEquals("cluster.placement must be one of [cpu, gpu, hybrid], got 'cuda'",
        invalid("cluster.placement=cuda"));
  }

  @Test
  void malformedSetAndUnreadableFileAreReported() {
    assertEquals("--set expects key=value, got 'train.epochs'", assertThrows(
        InvalidConfigException.class, () -> new ConfigLoader().set("train.epochs")).getMessage());
    Path missing = dir.resolve("missing.conf");
    assertTrue(assertThrows(InvalidConfigException.class,
        () -> new ConfigLoader().file(missing.toString(), HADOOP)).getMessage()
        .startsWith("cannot read configuration file " + missing));
  }

  @Test
  void editDistance() {
    assertEquals(0, ConfigLoader.editDistance("abc", "abc"));
    assertEquals(1, ConfigLoader.editDistance("train.epoch", "train.epochs"));
    assertEquals(2, ConfigLoader.editDistance("trian", "train"));
    assertEquals(3, ConfigLoader.editDistance("", "abc"));
  }

  static String invalid(String... sets) {
    ConfigLoader loader = new ConfigLoader();
    List.of(sets).forEach(loader::set);
    return assertThrows(InvalidConfigException.class,
        () -> JobConfig.from(loader.resolve())).getMessage();
  }
}

package org.sparkcnn.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.train.RunRequest;

/** The prediction job's command line and configuration layers, without Spark. */
class PredictCommandLineTest {
  @TempDir java.nio.file.Path tmp;

  /** A run directory whose config.conf sets a few keys the prediction takes over. */
  java.nio.file.Path runDirectory() throws Exception {
    java.nio.file.Path run = tmp.resolve("runs/r");
    Files.createDirectories(run);
    Files.writeString(run.resolve(RunLayout.CONFIG), "data { name = \"cifar10\", format ="
        + " cifar10, num-classes = 10, test-limit = 77 }\nmodel.name = \"alexnet\"\n"
        + "train.eval-batch-size = 33\nrun.seed = 9\nrun.id = \"r\"\n");
    Files.write(run.resolve(RunLayout.MODEL), new byte[] {1});
    return run;
  }

  @Test
  void theModelsRunGivesTheDataModelAndTrainSectionsUnderTheOverrides() throws Exception {
    java.nio.file.Path run = runDirectory();
    RunRequest request = PredictJob.parse(new String[] {"--set", "predict.model=" + run
        .resolve(RunLayout.MODEL), "--set", "data.test-limit=5"});
    assertEquals("cifar10", request.config().data().name());
    assertEquals(5, request.config().data().testLimit(), "--set over the run's");
    assertEquals("alexnet", request.config().model().name());
    assertEquals(33, request.config().train().evalBatchSize());
    assertEquals(9, request.config().run().seed());
    assertTrue(request.config().run().id().startsWith("predict-alexnet-cifar10-"),
        request.config().run().id());
  }

  @Test
  void aRepeatsFolderBelongsToItsRun() throws Exception {
    java.nio.file.Path run = runDirectory();
    Files.createDirectories(run.resolve("repeat-2"));
    assertEquals(new Path(run.toString()), PredictJob.runOf(run.resolve("repeat-2").toString()));
    assertEquals(2, ServingModel.repeat(new Path(run.resolve("repeat-2").toString())));
    assertEquals(1, ServingModel.repeat(new Path(run.toString())));
  }

  @Test
  void badCommandLinesAreRefused() {
    InvalidConfigException noModel = assertThrows(InvalidConfigException.class,
        () -> PredictJob.parse(new String[0]));
    assertTrue(noModel.getMessage().contains("predict.model"), noModel.getMessage());
    assertThrows(InvalidConfigException.class,
        () -> PredictJob.parse(new String[] {"--resume", tmp.toString()}));
    InvalidConfigException topK = assertThrows(InvalidConfigException.class,
        () -> PredictJob.parse(new String[] {"--set", "predict.model=" + tmp,
            "--set", "predict.top-k=0"}));
    assertTrue(topK.getMessage().contains("predict.top-k"), topK.getMessage());
    InvalidConfigException split = assertThrows(InvalidConfigException.class,
        () -> PredictJob.parse(new String[] {"--set", "predict.model=" + tmp,
            "--set", "predict.split=validation"}));
    assertTrue(split.getMessage().contains("predict.split"), split.getMessage());
    BadInputException missing = assertThrows(BadInputException.class,
        () -> PredictJob.parse(new String[] {"--set", "predict.model=" + tmp.resolve("no")}));
    assertTrue(missing.getMessage().contains(tmp.resolve("no").toString()));
  }
}

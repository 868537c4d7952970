package org.sparkcnn.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.augment.DatasetStats;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.GraphBuilder;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.report.RunLayout;

/**
 * A run directory written by hand around a ResNet-20 (a ComputationGraph) in a repeat's folder,
 * of a run from before {@code image_shape} was recorded: what {@link ServingModel} reads from it
 * and how it fails on damaged files.
 */
class ServingModelTest {
  static final ImageShape SHAPE = new ImageShape(3, 32, 32);
  @TempDir Path tmp;

  ComputationGraph resnet() {
    return ((GraphBuilder) Models.create("resnet20", new NetworkOptions(SHAPE, 3, "relu",
        WeightInit.RELU, 1e-4, new Nesterovs(0.1, 0.9), 3, ConvolutionEngine.NATIVE))).init();
  }

  Path run(ComputationGraph net, String classes) throws Exception {
    Path run = tmp.resolve("run");
    Files.createDirectories(run.resolve("repeat-2"));
    Files.writeString(run.resolve(RunLayout.CONFIG), "data { name = pets, format = image-folder,"
        + " num-classes = 3, class-names = [], folder { channels = 3, height = 32, width = 32,"
        + " on-size-mismatch = resize-crop } }\nmodel.name = resnet20\n"
        + "train.eval-augment = [normalize]\ntrain.augment = [normalize]\nrun.seed = 5\n");
    Files.writeString(run.resolve(RunLayout.CLASSES), classes);
    Files.writeString(run.resolve(RunLayout.DATASET_STATS), DatasetStats.fromSums(4,
        new double[] {400, 300, 200}, new double[][] {{50000, 30000, 20000},
            {30000, 25000, 15000}, {20000, 15000, 12000}}).toJson());
    ModelSerializer.writeModel(net, run.resolve("repeat-2").resolve(RunLayout.MODEL).toFile(),
        false);
    Files.writeString(run.resolve(RunLayout.SUCCESS), "");
    return run;
  }

  @Test
  void aRepeatsGraphModelServesWithTheRunsPipelineShapeAndSeed() throws Exception {
    ComputationGraph net = resnet();
    Path run = run(net, "index,name\n0,cat\n1,dog\n2,bird\n");
    ServingModel model = ServingModel.load(run.resolve("repeat-2").toString(),
        new Configuration());
    assertTrue(model.network() instanceof ComputationGraph);
    assertEquals(SHAPE, model.inputShape(), "from data.folder: the stats hold no image_shape");
    assertEquals(SizePolicy.RESIZE_CROP, model.onSizeMismatch());
    assertEquals(List.of("cat", "dog", "bird"), model.classNames());
    assertEquals(6, model.evalAugmenter().seed(), "run.seed + repeat - 1");
    assertTrue(model.runDirectory().endsWith("/run"), model.runDirectory());

    List<LabeledImage> images = List.of(new LabeledImage(0, new byte[SHAPE.size()], -1),
        new LabeledImage(1, filled(SHAPE.size(), (byte) 200), -1));
    float[][] p = model.payload().scorer().probabilities(images);
    INDArray direct = net.outputSingle(false, model.evalAugmenter().features(images));
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(direct.getRow(i).toFloatVector(), p[i], 1e-6f);
    }
  }

  static byte[] filled(int n, byte value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, value);
    return b;
  }

  @Test
  void damagedRunFilesAreNamed() throws Exception {
    Path run = run(resnet(), "index,name\n0,cat\n2,dog\n1,bird\n");
    BadInputException order = assertThrows(BadInputException.class,
        () -> ServingModel.load(run.resolve("repeat-2").toString(), new Configuration()));
    assertTrue(order.getMessage().contains(RunLayout.CLASSES + " row 2: index 2, expected 1"),
        order.getMessage());

    Files.writeString(run.resolve(RunLayout.CLASSES), "index,name\n0,cat\n1,dog\n");
    BadInputException count = assertThrows(BadInputException.class,
        () -> ServingModel.load(run.resolve("repeat-2").toString(), new Configuration()));
    assertTrue(count.getMessage().contains("names 2 classes but the run's data.num-classes is 3"),
        count.getMessage());

    Files.writeString(run.resolve(RunLayout.CLASSES), "index,name\n0,cat\n1,dog\n2,bird\n");
    Files.writeString(run.resolve(RunLayout.DATASET_STATS), "{\"pixels\": 4, \"mean\": [1]}");
    BadInputException stats = assertThrows(BadInputException.class,
        () -> ServingModel.load(run.resolve("repeat-2").toString(), new Configuration()));
    assertTrue(stats.getMessage().contains(RunLayout.DATASET_STATS), stats.getMessage());

    Files.createDirectories(run.resolve("repeat-1"));
    BadInputException severalRepeats = assertThrows(BadInputException.class,
        () -> ServingModel.load(run.toString(), new Configuration()));
    assertTrue(severalRepeats.getMessage().contains("trained several repeats"),
        severalRepeats.getMessage());
  }
}

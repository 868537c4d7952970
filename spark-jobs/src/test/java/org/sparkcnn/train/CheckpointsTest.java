package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.report.RunDirectory;

/**
 * Checkpoints written, kept, read back, passed over when damaged and an older one reads, and
 * refused, naming the checkpoint and the field or file, when none does.
 */
class CheckpointsTest {
  @TempDir Path root;

  static MultiLayerNetwork network() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(7).updater(new Nesterovs(0.1, 0.9)).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
            .activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    net.fit(Nd4j.rand(8, 4), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1));
    return net;
  }

  static Checkpoints.State state(int epoch) {
    return new Checkpoints.State(epoch,
        List.of(new EpochMetrics(epoch, 100, 3, 0.1, 1.5, 0.5, 0.9, Double.NaN, Double.NaN, 2.0,
            0.5)),
        List.of(new RoundProgress.Round(epoch, 1, 0.1, 1.5, 0.7, 123.4)), 7 * epoch, 2, 4,
        Map.of());
  }

  static Model read(java.io.InputStream in) throws java.io.IOException {
    return ModelSerializer.restoreMultiLayerNetwork(in, true);
  }

  @Test
  void savedCheckpointsReadBackWholeAndOnlyTheNewestAreKept() throws Exception {
    RunDirectory dir = RunDirectory.create(root.toString(), "run", new Configuration());
    Checkpoints checkpoints = new Checkpoints(dir, 2, 2);
    assertEquals(List.of(false, true, false, true, true),
        List.of(1, 2, 3, 4, 5).stream().map(e -> checkpoints.due(e, 5)).toList());
    MultiLayerNetwork net = network();
    INDArray average = net.params().mul(0.5);
    for (int epoch = 1; epoch <= 3; epoch++) {
      checkpoints.save(net, average, state(epoch));
    }
    Path all = root.resolve("run").resolve(Checkpoints.DIR);
    try (var names = Files.list(all)) {
      assertEquals(List.of("epoch-0002", "epoch-0003"),
          names.map(p -> p.getFileName().toString()).sorted().toList());
    }
    Checkpoints.Restored restored = checkpoints.latest(CheckpointsTest::read).orElseThrow();
    Checkpoints.State s = restored.state();
    assertEquals(3, s.epoch());
    assertEquals(state(3).epochs(), s.epochs(), "NaN and all other values survive JSON");
    assertEquals(state(3).rounds(), s.rounds());
    assertEquals(21, s.averageUpdates());
    assertEquals(List.of(Checkpoints.MODEL, Checkpoints.AVERAGE), List.copyOf(s.sha256().keySet()));
    MultiLayerNetwork back = (MultiLayerNetwork) restored.network();
    assertEquals(net.params(), back.params());
    assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray(),
        "optimiser state");
    assertEquals(average, restored.average());
  }

  @Test
  void aDamagedNewestCheckpointFallsBackToThePreviousOne() throws Exception {
    RunDirectory dir = RunDirectory.create(root.toString(), "run", new Configuration());
    Checkpoints checkpoints = new Checkpoints(dir, 1, 3);
    MultiLayerNetwork net = network();
    checkpoints.save(net, null, state(1));
    checkpoints.save(net, null, state(2));
    checkpoints.save(net, null, state(3));
    Path all = root.resolve("run").resolve(Checkpoints.DIR);
    // epoch 3: one flipped byte in the model; epoch 2: a state cut short
    Path model = all.resolve("epoch-0003").resolve(Checkpoints.MODEL);
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 1;
    Files.write(model, bytes);
    Path state = all.resolve("epoch-0002").resolve(Checkpoints.STATE);
    Files.writeString(state, Files.readString(state).substring(0, 40));
    // and a temporary directory left by a crash while writing epoch 4
    Files.createDirectories(all.resolve(".epoch-0004.tmp"));

    Checkpoints.Restored restored = checkpoints.latest(CheckpointsTest::read).orElseThrow();
    assertEquals(1, restored.state().epoch());
    assertNull(restored.average());
    assertEquals(net.params(), restored.network().params());

    assertTrue(new Checkpoints(RunDirectory.create(root.toString(), "empty",
        new Configuration()), 1, 1).latest(CheckpointsTest::read).isEmpty());
    Files.createDirectories(root.resolve("temp-only").resolve(Checkpoints.DIR)
        .resolve(".epoch-0001.tmp"));
    assertTrue(new Checkpoints(RunDirectory.open(root.resolve("temp-only").toString(),
        new Configuration()), 1, 1).latest(CheckpointsTest::read).isEmpty(),
        "a checkpoint never completed is none");
  }

  @Test
  void checkpointsThatExistButNoneReadsBackAreRefusedNamingEachAndNothingIsDeleted()
      throws Exception {
    RunDirectory dir = RunDirectory.create(root.toString(), "run", new Configuration());
    Checkpoints checkpoints = new Checkpoints(dir, 1, 3);
    MultiLayerNetwork net = network();
    checkpoints.save(net, null, state(1));
    checkpoints.save(net, null, state(2));
    Path all = root.resolve("run").resolve(Checkpoints.DIR);
    Path model = all.resolve("epoch-0002").resolve(Checkpoints.MODEL);
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 1;
    Files.write(model, bytes);
    Path state = all.resolve("epoch-0001").resolve(Checkpoints.STATE);
    Files.writeString(state, Files.readString(state).replace("\"partitions\"", "\"parts\""));

    BadInputException e = assertThrows(BadInputException.class,
        () -> checkpoints.latest(CheckpointsTest::read));
    String message = e.getMessage();
    assertTrue(message.startsWith("cannot resume " + dir.path() + ": none of its checkpoints can"
        + " be read (" + dir.resolve("checkpoints/epoch-0002") + ": model.zip does not match its"
        + " checksum; " + dir.resolve("checkpoints/epoch-0001") + ": state.json lacks the field"
        + " 'partitions', which this version needs). Nothing was deleted"), message);
    assertEquals(ExitCode.BAD_INPUT, ExitCode.of(e));
    assertEquals(List.of(Checkpoints.MODEL, Checkpoints.STATE), files(all.resolve("epoch-0001")));
    assertEquals(List.of(Checkpoints.MODEL, Checkpoints.STATE), files(all.resolve("epoch-0002")));
  }

  @Test
  void aStateWithAFieldRenamedMissingOrUnknownIsRefusedNamingTheField() throws Exception {
    RunDirectory dir = RunDirectory.create(root.toString(), "run", new Configuration());
    Checkpoints checkpoints = new Checkpoints(dir, 1, 1);
    checkpoints.save(network(), null, state(1));
    Path state = root.resolve("run").resolve(Checkpoints.DIR).resolve("epoch-0001")
        .resolve(Checkpoints.STATE);
    String json = Files.readString(state);
    Map<String, String> damaged = Map.of(
        json.replace("\"testAccuracy\"", "\"top1\""),
        "state.json lacks the field 'epochs[0].testAccuracy', which this version needs",
        json.replaceFirst("\"averageUpdates\" : 7,", ""),
        "state.json lacks the field 'averageUpdates', which this version needs",
        json.replaceFirst("\\{", "{ \"optimizer\" : \"sgd\","),
        "state.json has the field 'optimizer', which this version does not read",
        json.replace("\"workers\" : 2", "\"workers\" : null"),
        "state.json: the field 'workers' cannot be read",
        json.replaceFirst("\"sha256\" : \\{[^}]*}", "\"sha256\" : null"),
        "state.json: the field 'sha256' cannot be read");
    for (Map.Entry<String, String> c : damaged.entrySet()) {
      assertFalse(c.getKey().equals(json), "not damaged: " + c.getValue());
      Files.writeString(state, c.getKey());
      String message = assertThrows(BadInputException.class,
          () -> checkpoints.latest(CheckpointsTest::read)).getMessage();
      assertTrue(message.contains(dir.resolve("checkpoints/epoch-0001") + ": " + c.getValue()),
          message);
    }
    Files.writeString(state, json);
    assertEquals(1, checkpoints.latest(CheckpointsTest::read).orElseThrow().state().epoch());
  }

  static List<String> files(Path dir) throws java.io.IOException {
    try (var list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}

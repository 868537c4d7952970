package org.sparkcnn.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.train.SparkSetup;
import scala.reflect.ClassTag$;

/**
 * The executor-side scoring core without Spark jobs: ten-crop views averaged as the network's
 * own outputs give them, and the payload surviving Java and Kryo serialisation unchanged.
 */
class ScoringPayloadTest {
  static final ImageShape CACHED = new ImageShape(3, 32, 32);

  static MultiLayerNetwork lenet() {
    return Models.builder("lenet5", new NetworkOptions(new ImageShape(3, 24, 24), 10, "relu",
        WeightInit.RELU, 5e-4, new Nesterovs(0.01, 0.9), 7, ConvolutionEngine.NATIVE)).init();
  }

  static Augmenter tenCrop() {
    return new Augmenter(CACHED, Pipeline.parse("train.eval-augment",
        List.of("ten-crop(size=24)", "scale"), true), 10, 42, Augmenter.EVALUATION_EPOCH);
  }

  static List<LabeledImage> images(int n) {
    SplittableRandom random = new SplittableRandom(5);
    List<LabeledImage> images = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] pixels = new byte[CACHED.size()];
      for (int p = 0; p < pixels.length; p++) {
        pixels[p] = (byte) random.nextInt(256);
      }
      images.add(new LabeledImage(i, pixels, Scored.NO_LABEL));
    }
    return images;
  }

  static List<String> names() {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      names.add("class " + c);
    }
    return names;
  }

  @Test
  void probabilitiesAreTheNetworksSoftmaxAveragedOverTheTenCrops() {
    MultiLayerNetwork net = lenet();
    Augmenter augmenter = tenCrop();
    List<LabeledImage> batch = images(3);
    float[][] p = new ScoringPayload(net, augmenter, names()).scorer().probabilities(batch);
    INDArray views = net.output(augmenter.features(batch), false);
    assertEquals(3, p.length);
    for (int i = 0; i < 3; i++) {
      float sum = 0;
      for (int c = 0; c < 10; c++) {
        double mean = 0;
        for (int v = 0; v < 10; v++) {
          mean += views.getDouble(i * 10 + v, c) / 10;
        }
        assertEquals(mean, p[i][c], 1e-6, "image " + i + " class " + c);
        sum += p[i][c];
      }
      assertEquals(1f, sum, 1e-5f);
    }
  }

  @Test
  void scoringInMinibatchesKeepsOrderAndValues() {
    ScoringPayload payload = new ScoringPayload(lenet(), tenCrop(), names());
    List<LabeledImage> images = images(5);
    float[][] whole = payload.scorer().probabilities(images);
    List<Scored> scored = new ArrayList<>();
    payload.scorer().score(images.iterator(), 2).forEachRemaining(scored::add);
    assertEquals(5, scored.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(i, scored.get(i).index());
      assertArrayEquals(whole[i], scored.get(i).probabilities(), 1e-6f);
    }
  }

  @Test
  void thePayloadSurvivesJavaAndKryoSerialisation() throws Exception {
    ScoringPayload payload = new ScoringPayload(lenet(), tenCrop(), names());
    List<LabeledImage> images = images(2);
    float[][] expected = payload.scorer().probabilities(images);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(payload);
    }
    ScoringPayload java;
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      java = (ScoringPayload) in.readObject();
    }
    SerializerInstance kryo = new KryoSerializer(SparkSetup.configure(new SparkConf(), "test"))
        .newInstance();
    ByteBuffer buffer = kryo.serialize(payload, ClassTag$.MODULE$.apply(ScoringPayload.class));
    ScoringPayload viaKryo = kryo.deserialize(buffer,
        ClassTag$.MODULE$.apply(ScoringPayload.class));
    for (ScoringPayload copy : List.of(java, viaKryo)) {
      assertEquals(names(), copy.classNames());
      float[][] p = copy.scorer().probabilities(images);
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(expected[i], p[i], 0f);
      }
    }
  }

  @Test
  void anImageOfAnotherSizeIsRefusedNamingTheShape() {
    Scorer scorer = new ScoringPayload(lenet(), tenCrop(), names()).scorer();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> scorer.probabilities(List.of(new LabeledImage(4, new byte[28 * 28], 0))));
    assertEquals("image 4 has 784 pixel values; the model takes images of shape "
        + CACHED + " (3072)", e.getMessage());
  }

  @Test
  void classNamesMustMatchTheClasses() {
    assertThrows(IllegalArgumentException.class,
        () -> new ScoringPayload(lenet(), tenCrop(), List.of("a", "b")));
  }
}

package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.models.LeNet5Test.options;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;

class ModelsTest {

  @Test
  void findsBuildersByNameIgnoringCase() {
    assertInstanceOf(LeNet5.class, Models.builder("LeNet5", options(1, 28, 10)));
    assertInstanceOf(CaffeLeNet.class, Models.builder(" lenet-caffe", options(1, 28, 10)));
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Models.builder("lenet6", options(1, 28, 10)));
    assertEquals("unknown model 'lenet6'; known: alexnet, alexnet-cifar, lenet-caffe, lenet5,"
        + " mobilenet-v1(alpha=1.0, unit=standard), mobilenet-v1-cifar(alpha=1.0, unit=standard),"
        + " resnet18, resnet20, resnet34, small-cnn(filters=10), tf-cifar10,"
        + " vgg11(batch-norm=false), vgg16(batch-norm=false)", e.getMessage());
  }

  @Test
  void everyModelBuildsAtItsNaturalInputAndItsConfigurationRoundTripsThroughJson() {
    for (String name : List.of("lenet5", "lenet-caffe", "tf-cifar10", "alexnet", "alexnet-cifar",
        "vgg11", "vgg16(batch-norm=true)", "mobilenet-v1", "mobilenet-v1-cifar(unit=rhs)",
        "resnet18", "resnet34", "resnet20", "small-cnn")) {
      ImageShape input = Models.naturalInput(name);
      ModelBuilder model = Models.create(name, ZooFixtures.options(input, 10, "relu"));
      if (model instanceof NetworkBuilder network) {
        var conf = network.conf();
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()), name);
      } else {
        var conf = ((GraphBuilder) model).conf();
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()), name);
      }
      assertTrue(model.summary(input).totals().parameters() > 0, name);
    }
    var graph = assertThrows(IllegalArgumentException.class, () -> Models.builder("resnet20",
        ZooFixtures.options(new ImageShape(3, 32, 32), 10, "relu")));
    assertTrue(graph.getMessage().startsWith("model 'resnet20' is a computation graph"));
  }

  @Test
  void parametersAreWrittenLikeActivationsAndChecked() {
    NetworkBuilder b = Models.builder("mobilenet-v1-cifar(alpha=0.5, unit=rhs)",
        ZooFixtures.options(new ImageShape(3, 32, 32), 100, "relu-h-swish"));
    var names = MobileNetV1Test.names(b.conf());
    assertTrue(names.contains("unit1-dw-act") && !names.contains("unit1-pw-act"));
    assertEquals(16L, ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer)
        b.conf().getConf(0).getLayer()).getNOut(), "32 maps x alpha 0.5");
    Models.validate("vgg16(batch-norm=true)");
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> Models.validate("vgg16(batchnorm=true)"));
    assertEquals("model vgg16: unknown parameter 'batchnorm=true'; it takes batch-norm",
        unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Models.validate("lenet5(alpha=1)"));
    var invalid = assertThrows(IllegalArgumentException.class, () -> Models.builder(
        "vgg11(batch-norm=yes)", ZooFixtures.options(new ImageShape(3, 32, 32), 10, "relu")));
    assertEquals("batch-norm must be true or false, got yes", invalid.getMessage());
  }
}

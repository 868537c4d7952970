package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparkcnn.models.LeNet5Test.options;

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
    assertEquals("unknown model 'lenet6'; known: lenet-caffe, lenet5, tf-cifar10", e.getMessage());
  }
}

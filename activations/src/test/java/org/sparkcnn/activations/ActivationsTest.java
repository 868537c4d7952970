package org.sparkcnn.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSwish;

class ActivationsTest {

  @Test
  void parsesBuiltInNamesIgnoringCaseDashesAndUnderscores() {
    assertInstanceOf(ActivationReLU.class, Activations.parse("relu"));
    assertInstanceOf(ActivationReLU.class, Activations.parse(" ReLU "));
    assertInstanceOf(ActivationLReLU.class, Activations.parse("leaky-relu"));
    assertInstanceOf(ActivationLReLU.class, Activations.parse("LEAKY_RELU"));
    assertInstanceOf(ActivationSwish.class, Activations.parse("swish"));
  }

  @Test
  void unknownNameIsAnErrorListingTheKnownNames() {
    var e = assertThrows(IllegalArgumentException.class, () -> Activations.parse("relu7"));
    assertTrue(e.getMessage().startsWith("unknown activation 'relu7'; known: "), e.getMessage());
    assertTrue(e.getMessage().contains("relu6") && e.getMessage().contains("tanh"),
        e.getMessage());
    assertEquals(Activations.knownNames().size(),
        e.getMessage().substring(e.getMessage().indexOf(": ") + 2).split(", ").length);
  }
}

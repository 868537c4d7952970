package org.sparkcnn.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    assertTrue(e.getMessage().contains("relu-h-swish") && e.getMessage().contains("elu(alpha)")
        && e.getMessage().endsWith(", and prelu (a layer)"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void parsesThePapersActivationsWithParameters() {
    assertEquals(new ActivationReLUSwish(), Activations.parse("relu-swish"));
    assertEquals(new ActivationReLUHardSwish(), Activations.parse("ReLU_H_Swish"));
    assertEquals(new ActivationHardSwish(), Activations.parse("hard-swish"));
    assertInstanceOf(ActivationSwish.class, Activations.parse("swish"));
    assertEquals(new ActivationSwishBeta(2), Activations.parse("swish(beta=2)"));
    assertEquals(new org.nd4j.linalg.activations.impl.ActivationELU(0.5),
        Activations.parse("elu(alpha=0.5)"));
    assertEquals(new org.nd4j.linalg.activations.impl.ActivationELU(1.0), Activations.parse("elu"));
    assertEquals(new ActivationLReLU(0.1), Activations.parse("leaky-relu(alpha=0.1)"));
    assertEquals(new ActivationRandomizedReLU(0.1, 0.3),
        Activations.parse("rrelu(lower=0.1, upper=0.3)"));
    assertEquals(new ActivationRandomizedReLU(0.1, 1.0 / 3),
        Activations.parse("rrelu(lower=0.1)"));
    for (String name : List.of("sigmoid", "tanh", "relu", "relu6", "softplus", "softsign",
        "hard-sigmoid", "gelu", "mish", "elu", "leakyrelu", "rrelu", "swish", "hard-swish",
        "relu-swish", "relu-h-swish")) {
      assertNotNull(Activations.parse(name), name);
    }
  }

  @org.junit.jupiter.api.Test
  void toStringOfTheCustomActivationsParsesBack() {
    for (var a : List.of(new ActivationReLUSwish(), new ActivationReLUHardSwish(),
        new ActivationHardSwish(), new ActivationSwishBeta(0.75))) {
      assertEquals(a, Activations.parse(a.toString()));
    }
  }

  @org.junit.jupiter.api.Test
  void badParametersAreNamed() {
    assertEquals("activation relu-swish has no parameter 'alpha'",
        assertThrows(IllegalArgumentException.class,
            () -> Activations.parse("relu-swish(alpha=1)")).getMessage());
    assertEquals("activation elu has no parameter 'beta'; it takes [alpha]",
        assertThrows(IllegalArgumentException.class,
            () -> Activations.parse("elu(beta=1)")).getMessage());
    assertEquals("activation 'elu(alpha=big)': parameter alpha must be a number, got 'big'",
        assertThrows(IllegalArgumentException.class,
            () -> Activations.parse("elu(alpha=big)")).getMessage());
    assertEquals("activation 'elu(0.5)': parameters are written key=value, got '0.5'",
        assertThrows(IllegalArgumentException.class,
            () -> Activations.parse("elu(0.5)")).getMessage());
    assertEquals("swish beta must be finite and >= 0, got -1.0",
        assertThrows(IllegalArgumentException.class,
            () -> Activations.parse("swish(beta=-1)")).getMessage());
  }

  @org.junit.jupiter.api.Test
  void preluIsALayerNotAnActivation() {
    assertTrue(Activations.isPrelu("PReLU"));
    assertFalse(Activations.isPrelu("relu"));
    var e = assertThrows(IllegalArgumentException.class, () -> Activations.parse("prelu"));
    assertTrue(e.getMessage().startsWith("prelu learns a slope per channel, so it is a layer"),
        e.getMessage());
  }
}

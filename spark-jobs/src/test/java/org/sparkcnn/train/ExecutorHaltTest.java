package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparkcnn.config.InvalidConfigException;

/** The executor-halting test hook is off by default and rejects a malformed property. */
class ExecutorHaltTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(ExecutorHalt.PROPERTY);
  }

  @Test
  void isOffWithoutTheProperty() {
    assertTrue(ExecutorHalt.fromSystemProperty().isEmpty());
  }

  @Test
  void readsExecutorIdAndMinibatch() {
    System.setProperty(ExecutorHalt.PROPERTY, "0:13");
    assertTrue(ExecutorHalt.fromSystemProperty().isPresent());
    System.setProperty(ExecutorHalt.PROPERTY, "driver:13:throw");
    assertTrue(ExecutorHalt.fromSystemProperty().isPresent());
  }

  @Test
  void rejectsAMalformedValue() {
    for (String bad : new String[] {"13", "0:", "0:zero", "0:0", "0:-1", "0:13:1",
        "0:13:throw:1"}) {
      System.setProperty(ExecutorHalt.PROPERTY, bad);
      InvalidConfigException e = assertThrows(InvalidConfigException.class,
          ExecutorHalt::fromSystemProperty, bad);
      assertTrue(e.getMessage().contains("<executor id>:<minibatch>"), e.getMessage());
    }
  }
}

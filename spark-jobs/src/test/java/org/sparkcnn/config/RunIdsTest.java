package org.sparkcnn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunIdsTest {
  @Test
  void safeKeepsLettersDigitsDotUnderscoreDashAndMapsEveryOtherRunToOneDash() {
    assertEquals("mobilenet-v1-cifar-alpha-1.0-unit-rhs",
        RunIds.safe("mobilenet-v1-cifar(alpha=1.0, unit=rhs)"));
    assertEquals("vgg16-batch-norm-false", RunIds.safe("vgg16(batch-norm=false)"));
    assertEquals("lenet5", RunIds.safe("lenet5"));
    assertEquals("fashion_mnist-v2", RunIds.safe("fashion_mnist v2"));
    assertEquals("caf-photos-2024", RunIds.safe("café photos #2024"));
    assertEquals("x-1", RunIds.safe("..x:1 []"));
  }

  @Test
  void givenIdsMayHoldWhatFileNamesHold() {
    for (String id : new String[] {"out dir", "a#1", "50%", "[x]", "f(1)", "a,b", "café", "日本",
        "%20 {a} *?", "nightly-20260105", "_x"}) {
      assertEquals(Optional.empty(), RunIds.refused(id), id);
    }
  }

  @Test
  void refusedNamesTheCharacterAndItsPosition() {
    String why = ": it cannot be part of a directory name on every Hadoop filesystem";
    assertEquals(Optional.of("must not hold ':' (position 11)" + why),
        RunIds.refused("nightly 12:30"));
    assertEquals(Optional.of("must not hold '/' (position 2)" + why), RunIds.refused("a/b"));
    assertEquals(Optional.of("must not hold '\\' (position 2)" + why), RunIds.refused("a\\b"));
    assertEquals(Optional.of("must not hold U+000A (position 3)" + why),
        RunIds.refused("日本\nx"));
    assertEquals(Optional.of("must not start with '.'"), RunIds.refused(".hidden"));
    assertEquals(Optional.of("must not start with '.'"), RunIds.refused(".."));
  }
}

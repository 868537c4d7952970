package org.sparkcnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.sparkcnn.SparkTest;

class GpuBindingTest extends SparkTest {
  @Test
  void mapsTheTasksFirstGpuAddressToACudaDevice() {
    assertEquals(OptionalInt.of(3), GpuBinding.deviceOrdinal(List.of("3"), null));
    assertEquals(OptionalInt.of(1), GpuBinding.deviceOrdinal(List.of(" 1", "2"), ""));
    assertEquals(OptionalInt.empty(), GpuBinding.deviceOrdinal(List.of(), null));
    assertEquals(OptionalInt.empty(), GpuBinding.deviceOrdinal(List.of(), "0,1"));
    // CUDA numbers only the visible devices: physical GPU 6 of "4,6" is CUDA device 1
    assertEquals(OptionalInt.of(1), GpuBinding.deviceOrdinal(List.of("6"), "4, 6"));
    assertEquals(OptionalInt.of(0), GpuBinding.deviceOrdinal(List.of("4"), "4,6"));
    var hidden = assertThrows(IllegalStateException.class,
        () -> GpuBinding.deviceOrdinal(List.of("5"), "4,6"));
    assertTrue(hidden.getMessage().contains("GPU 5, which is not among CUDA_VISIBLE_DEVICES=4,6"),
        hidden.getMessage());
    var uuid = assertThrows(IllegalStateException.class,
        () -> GpuBinding.deviceOrdinal(List.of("GPU-5b3c"), null));
    assertTrue(uuid.getMessage().contains("'GPU-5b3c', which is not a device index"),
        uuid.getMessage());
  }

  @Test
  void isANoOpOnTheCpuBackendInsideAndOutsideTasks() {
    assertFalse(GpuBinding.cudaRuns());
    assertEquals(OptionalInt.empty(), GpuBinding.bindTaskGpu());
    List<Boolean> bound = sc.parallelize(IntStream.range(0, 4).boxed().toList(), 4)
        .map(i -> GpuBinding.bindTaskGpu().isPresent()).collect();
    assertEquals(List.of(false, false, false, false), bound);
    // these tasks have no GPU resource either
    List<Integer> addresses = sc.parallelize(IntStream.range(0, 2).boxed().toList(), 2)
        .map(i -> JvmEnvironment.taskGpuAddresses().size()).collect();
    assertEquals(List.of(0, 0), addresses);
  }
}

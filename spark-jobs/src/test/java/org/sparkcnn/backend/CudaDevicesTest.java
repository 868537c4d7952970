package org.sparkcnn.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nvidia-smi's answers, as captured on GPU machines, and the refusal of unsupported GPUs. */
class CudaDevicesTest {
  /** {@code nvidia-smi --query-gpu=index,name,compute_cap --format=csv,noheader} on an H100. */
  static final String H100 = "0, NVIDIA H100 80GB HBM3, 9.0\n";
  static final String A100_PAIR = "0, NVIDIA A100-SXM4-40GB, 8.0\n1, NVIDIA A100-SXM4-40GB, 8.0\n";
  static final String V100 = "0, Tesla V100-SXM2-16GB, 7.0\n";
  @TempDir Path tmp;

  @Test
  void parsesOneDevicePerLine() {
    assertEquals(List.of(new GpuDevice(0, "NVIDIA A100-SXM4-40GB", "8.0"),
        new GpuDevice(1, "NVIDIA A100-SXM4-40GB", "8.0")), CudaDevices.parse(A100_PAIR));
    assertEquals(List.of(new GpuDevice(0, "NVIDIA H100 80GB HBM3", "9.0")),
        CudaDevices.parse(H100));
    assertEquals(List.of(), CudaDevices.parse(""));
    // a name holding a comma keeps it: the index is first and the capability last
    assertEquals(List.of(new GpuDevice(2, "GPU, rev B", "7.5")),
        CudaDevices.parse("2, GPU, rev B, 7.5\r\n"));
    var e = assertThrows(IllegalArgumentException.class, () -> CudaDevices.parse(
        "Field \"compute_cap\" is not a valid field to query.\n"));
    assertTrue(e.getMessage().contains("expected index, name, compute_cap"), e.getMessage());
  }

  @Test
  void comparesComputeCapabilitiesWithTheBuildsKernels() {
    for (String kernel : CudaDevices.KERNEL_ARCHITECTURES) {
      assertTrue(CudaDevices.supported(kernel), kernel);
    }
    // a later minor version of a major the build has runs its kernels (binary compatibility)
    assertTrue(CudaDevices.supported("8.9"), "L4 / RTX 4090");
    assertTrue(CudaDevices.supported("7.2"), "Xavier");
    // no kernels of that major, or only newer minors, and no PTX to compile
    assertFalse(CudaDevices.supported("9.0"), "H100");
    assertFalse(CudaDevices.supported("10.0"), "B200");
    assertFalse(CudaDevices.supported("12.0"));
    assertFalse(CudaDevices.supported("3.5"), "K40");
    assertFalse(CudaDevices.supported("[N/A]"));
  }

  @Test
  void refusesAnH100NamingHostDeviceAndCapability() {
    var e = assertThrows(BackendUnavailableException.class,
        () -> CudaDevices.requireSupported("gpu-node-7", CudaDevices.parse(H100)));
    assertTrue(e.getMessage().startsWith("host gpu-node-7: GPU 0 NVIDIA H100 80GB HBM3 (compute"
        + " capability 9.0) is a GPU nd4j-cuda-11.6 (DL4J 1.0.0-M2.1) has no kernels for"),
        e.getMessage());
    assertTrue(e.getMessage().contains("3.7, 5.0, 5.2, 6.0, 6.1, 7.0, 7.5, 8.0, 8.6"),
        e.getMessage());
    // a machine mixing both: only the unsupported one is named
    var mixed = assertThrows(BackendUnavailableException.class, () -> CudaDevices
        .requireSupported("n", CudaDevices.parse("0, NVIDIA A100-SXM4-40GB, 8.0\n" + "1,"
            + " NVIDIA H100 PCIe, 9.0\n")));
    assertTrue(mixed.getMessage().startsWith("host n: GPU 1 NVIDIA H100 PCIe (compute"
        + " capability 9.0) is a GPU"), mixed.getMessage());
    assertFalse(mixed.getMessage().contains("A100"), mixed.getMessage());
  }

  @Test
  void acceptsA100AndV100() {
    assertDoesNotThrow(() -> CudaDevices.requireSupported("n", CudaDevices.parse(A100_PAIR)));
    assertDoesNotThrow(() -> CudaDevices.requireSupported("n", CudaDevices.parse(V100)));
    assertDoesNotThrow(() -> CudaDevices.requireSupported("n", List.of()));
  }

  @Test
  void queryRunsTheCommandAndReportsAMissingOrFailingOne() throws Exception {
    Path fake = script("fake-nvidia-smi", "printf '" + H100.replace("\n", "\\n") + "'");
    CudaDevices.Query h100 = CudaDevices.query(List.of(fake.toString()));
    assertEquals(CudaDevices.Query.OK, h100.status());
    assertEquals(List.of(new GpuDevice(0, "NVIDIA H100 80GB HBM3", "9.0")), h100.devices());

    CudaDevices.Query missing = CudaDevices.query(List.of(tmp.resolve("no-such").toString()));
    assertEquals(CudaDevices.Query.NOT_FOUND, missing.status());
    assertEquals(List.of(), missing.devices());

    Path failing = script("failing-nvidia-smi", "echo 'NVIDIA-SMI has failed because it"
        + " couldn'\\''t communicate with the NVIDIA driver.'; exit 9");
    CudaDevices.Query failed = CudaDevices.query(List.of(failing.toString()));
    assertEquals("failed: exit code 9: NVIDIA-SMI has failed because it couldn't communicate"
        + " with the NVIDIA driver.", failed.status());
    assertEquals(List.of(), failed.devices());
  }

  @Test
  void beforeNd4jChecksOnlyWhereCudaIsWantedOrPreferred() throws Exception {
    List<String> h100 = List.of(script("h100-smi",
        "printf '" + H100.replace("\n", "\\n") + "'").toString());
    // nd4j-cuda is not on the test class path, so ND4J would not try CUDA by itself
    assertFalse(CudaDevices.cudaBackendPreferred());
    assertDoesNotThrow(() -> CudaDevices.checkBeforeNd4j("n", false, h100));
    var e = assertThrows(BackendUnavailableException.class,
        () -> CudaDevices.checkBeforeNd4j("n", true, h100));
    assertTrue(e.getMessage().contains("NVIDIA H100 80GB HBM3 (compute capability 9.0)"));
  }

  /** An executable shell script running {@code body}. */
  Path script(String name, String body) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}

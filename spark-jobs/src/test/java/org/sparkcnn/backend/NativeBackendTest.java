package org.sparkcnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sparkcnn.backend.NativeBackend.Build;

class NativeBackendTest {
  private static final Set<String> AVX512 = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f",
      "avx512cd", "avx512bw", "avx512dq", "avx512vl");
  private static final Set<String> AVX2 = Set.of("sse4_2", "avx", "avx2", "fma");
  private static final Set<String> OLD = Set.of("sse4_2", "avx");
  private static final EnumSet<Build> ONEDNN_BUNDLE =
      EnumSet.of(Build.ONEDNN, Build.ONEDNN_AVX2, Build.ONEDNN_AVX512);

  @Test
  void choosesTheBestBundledBuildTheCpuRuns() {
    assertEquals(Build.ONEDNN_AVX512, NativeBackend.choose(AVX512, ONEDNN_BUNDLE::contains));
    assertEquals(Build.ONEDNN_AVX2, NativeBackend.choose(AVX2, ONEDNN_BUNDLE::contains));
    assertEquals(Build.ONEDNN, NativeBackend.choose(OLD, ONEDNN_BUNDLE::contains));
    // An AVX-512 CPU lacking one of the build's extensions gets the AVX2 build.
    Set<String> noVl = new java.util.HashSet<>(AVX512);
    noVl.remove("avx512vl");
    assertEquals(Build.ONEDNN_AVX2, NativeBackend.choose(noVl, ONEDNN_BUNDLE::contains));
    // Unknown flags (no /proc/cpuinfo): the portable build.
    assertEquals(Build.ONEDNN, NativeBackend.choose(Set.of(), ONEDNN_BUNDLE::contains));
    assertEquals(Build.GENERIC, NativeBackend.choose(AVX512, EnumSet.of(Build.GENERIC)::contains));
    assertNull(NativeBackend.choose(OLD, EnumSet.of(Build.ONEDNN_AVX2)::contains));
  }

  @Test
  void namesPlatformsAsJavaCppDoesWithoutLoadingIt() {
    assertEquals("linux-x86_64", NativeBackend.platform("Linux", "amd64"));
    assertEquals("linux-arm64", NativeBackend.platform("Linux", "aarch64"));
    assertEquals("macosx-x86_64", NativeBackend.platform("Mac OS X", "x86_64"));
    assertEquals(org.bytedeco.javacpp.Loader.getPlatform(), NativeBackend.PLATFORM);
  }

  @Test
  void findsTheBuildsOnTheClassPath() {
    List<Build> bundled = NativeBackend.bundledBuilds();
    assertEquals(List.of(Build.ONEDNN_AVX512, Build.ONEDNN_AVX2, Build.ONEDNN), bundled);
    assertEquals("linux-x86_64-onednn-avx2", Build.ONEDNN_AVX2.platform());
  }

  @Test
  void keepsARequestedBuildAndRefusesOneNotBundled() {
    String before = System.getProperty(NativeBackend.EXTENSION_PROPERTY);
    try {
      System.setProperty(NativeBackend.EXTENSION_PROPERTY, "-avx2");
      IllegalStateException e = assertThrows(IllegalStateException.class, NativeBackend::select);
      assertTrue(e.getMessage().contains("-avx2")
          && e.getMessage().contains("linux-x86_64-onednn-avx512"), e.getMessage());
      System.setProperty(NativeBackend.EXTENSION_PROPERTY, "-onednn-avx2");
      NativeBackend.select();
      assertEquals("-onednn-avx2", System.getProperty(NativeBackend.EXTENSION_PROPERTY));
    } finally {
      if (before == null) {
        System.clearProperty(NativeBackend.EXTENSION_PROPERTY);
      } else {
        System.setProperty(NativeBackend.EXTENSION_PROPERTY, before);
      }
    }
  }

  @Test
  void aJvmToRunCudaWithTheCudnnBuildLoadsItsExtensionAndOnlyItAcceptsRequestedCudnn() {
    List<Build> bundled = List.of(Build.ONEDNN_AVX512, Build.ONEDNN_AVX2, Build.ONEDNN);
    assertEquals("-cudnn", NativeBackend.extension(null, AVX512, bundled, true, true));
    assertEquals("-onednn-avx512", NativeBackend.extension(null, AVX512, bundled, false, true),
        "the CPU backend (driver of the hybrid placement, or CUDA not preferred)");
    assertEquals("-onednn-avx2", NativeBackend.extension(null, AVX2, bundled, false, false));
    assertEquals("-cudnn", NativeBackend.extension("-cudnn", AVX2, bundled, false, true));
    assertEquals("-onednn", NativeBackend.extension("-onednn", AVX2, bundled, true, true));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> NativeBackend.extension("-cudnn", AVX2, bundled, false, false));
    assertTrue(e.getMessage().startsWith(NativeBackend.EXTENSION_PROPERTY + "=-cudnn names a"
        + " native build that is not on the class path"), e.getMessage());
    assertFalse(NativeBackend.cudaBuildBundled(NativeBackend.CUDNN_EXTENSION),
        "no CUDA build in the default build");
  }

  @Test
  void describesTheLoadedBuild() {
    assertEquals("CPU linux-x86_64-onednn oneDNN", NativeBackend.describe());
  }
}

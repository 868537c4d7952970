package org.sparkcnn.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses which nd4j-native build a JVM loads, before ND4J loads it, and reports the build it
 * actually runs.
 *
 * <p>The application jar bundles the {@code onednn} builds of nd4j-native 1.0.0-M2.1 (see
 * {@link Build}): JavaCPP loads the one named by the system property {@value #EXTENSION_PROPERTY}
 * and, when that build is missing, silently falls back to the build without an extension. This
 * class sets the property to the best bundled build the CPU supports, unless the user set it.
 */
public final class NativeBackend {
  private static final Logger log = LoggerFactory.getLogger(NativeBackend.class);
  /** JavaCPP's platform extension: "-onednn-avx2" loads {@code linux-x86_64-onednn-avx2}. */
  public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
  private static final String BINDINGS = "org/nd4j/linalg/cpu/nativecpu/bindings/";
  private static final String CUDA_BINDINGS = "org/nd4j/linalg/jcublas/bindings/";
  /**
   * JavaCPP platform extension of nd4j-cuda's cuDNN build (classifier {@code
   * linux-x86_64-cudnn}, Maven profiles {@code cuda,cudnn}).
   */
  public static final String CUDNN_EXTENSION = "-cudnn";
  /**
   * JavaCPP's platform name, computed as JavaCPP does: calling its {@code Loader} here would
   * initialise it, and it would then ignore an extension set afterwards.
   */
  static final String PLATFORM = platform(System.getProperty("os.name"),
      System.getProperty("os.arch"));

  /** nd4j-native builds, best first, with the CPU flags each was compiled for. */
  public enum Build {
    ONEDNN_AVX512("-onednn-avx512", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"),
    ONEDNN_AVX2("-onednn-avx2", "avx2", "fma"),
    /** oneDNN for any x86-64 CPU: oneDNN picks its own kernels for the CPU at run time. */
    ONEDNN("-onednn"),
    /** The default build: no oneDNN, so native conv2d runs libnd4j's own (slower) kernels. */
    GENERIC("");

    private final String extension;
    private final Set<String> cpuFlags;

    Build(String extension, String... cpuFlags) {
      this.extension = extension;
      this.cpuFlags = Set.of(cpuFlags);
    }

    public String extension() {
      return extension;
    }

    /** The classifier directory, e.g. {@code linux-x86_64-onednn}. */
    public String platform() {
      return PLATFORM + extension;
    }

    boolean runsOn(Set<String> flags) {
      return flags.containsAll(cpuFlags);
    }
  }

  private NativeBackend() {}

  static String platform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    os = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx"
        : os.startsWith("windows") ? "windows" : os.replaceAll("\\W", "");
    String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86-64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "arm64";
      default -> osArch.toLowerCase(Locale.ROOT);
    };
    return os + "-" + arch;
  }

  /**
   * The best build among {@code bundled} that a CPU with {@code cpuFlags} runs, or null if none.
   */
  static Build choose(Set<String> cpuFlags, Predicate<Build> bundled) {
    for (Build build : Build.values()) {
      if (build.runsOn(cpuFlags) && bundled.test(build)) {
        return build;
      }
    }
    return null;
  }

  /** Whether this JVM's class path holds the native libraries of {@code build}. */
  static boolean bundled(Build build) {
    String lib = BINDINGS + build.platform() + "/" + System.mapLibraryName("jnind4jcpu");
    return NativeBackend.class.getClassLoader().getResource(lib) != null;
  }

  /** The builds on the class path. */
  public static List<Build> bundledBuilds() {
    return Arrays.stream(Build.values()).filter(NativeBackend::bundled).toList();
  }

  /** The CPU's feature flags from /proc/cpuinfo; empty where there is no such file. */
  static Set<String> cpuFlags() {
    return cpuInfo("flags").map(flags -> Set.of(flags.split("\\s+"))).orElse(Set.of());
  }

  /**
   * The value of the first {@code key} line of /proc/cpuinfo (e.g. {@code model name},
   * {@code flags}); empty where there is none or no such file.
   */
  public static Optional<String> cpuInfo(String key) {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith(key))
          .findFirst()
          .map(line -> line.substring(line.indexOf(':') + 1).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Sets {@value #EXTENSION_PROPERTY} to the best bundled build for this CPU, unless it is set
   * already (then checks that build is bundled). Call before anything touches ND4J; later calls
   * change nothing.
   *
   * @throws IllegalStateException if the requested or no runnable build is on the class path
   */
  public static synchronized void select() {
    boolean cudnn = cudaBuildBundled(CUDNN_EXTENSION);
    String extension = extension(System.getProperty(EXTENSION_PROPERTY), cpuFlags(),
        bundledBuilds(), cudnn && CudaDevices.cudaBackendPreferred(), cudnn);
    if (!extension.equals(System.getProperty(EXTENSION_PROPERTY))) {
      System.setProperty(EXTENSION_PROPERTY, extension);
    }
  }

  /**
   * The platform extension a JVM is to load with.
   *
   * <p>A requested one must name a bundled nd4j-native build, or nd4j-cuda's cuDNN build when
   * that is on the class path. Otherwise: nd4j-cuda's cuDNN build ({@value #CUDNN_EXTENSION})
   * when this JVM is to run the CUDA backend and that build is on the class path (JavaCPP loads
   * it only under that extension; the plain CUDA build loads under any, falling back from the
   * CPU build's extension to none), else the best bundled nd4j-native build for the CPU.
   *
   * @param requested the user's {@value #EXTENSION_PROPERTY}, or null
   * @param cudaWithCudnn whether this JVM prefers the CUDA backend and has its cuDNN build
   * @param cudnnBundled whether nd4j-cuda's cuDNN build is on the class path
   * @throws IllegalStateException when the requested build is missing, or none runs on the CPU
   */
  static String extension(String requested, Set<String> cpuFlags, List<Build> bundled,
      boolean cudaWithCudnn, boolean cudnnBundled) {
    if (requested != null) {
      String r = requested.trim();
      if (r.equals(CUDNN_EXTENSION) ? !cudnnBundled
          : bundled.stream().noneMatch(b -> b.extension().equals(r))) {
        throw new IllegalStateException(EXTENSION_PROPERTY + "=" + requested + " names a"
            + " native build that is not on the class path; bundled: nd4j-native " + names(bundled)
            + (cudnnBundled ? ", nd4j-cuda " + PLATFORM + CUDNN_EXTENSION : ""));
      }
      return requested;
    }
    if (cudaWithCudnn) {
      return CUDNN_EXTENSION;
    }
    Build chosen = choose(cpuFlags, bundled::contains);
    if (chosen == null) {
      throw new IllegalStateException("no nd4j-native build on the class path runs on this CPU;"
          + " bundled: " + names(bundled));
    }
    return chosen.extension();
  }

  /** Whether nd4j-cuda's build for {@code extension} (e.g. "-cudnn") is on the class path. */
  static boolean cudaBuildBundled(String extension) {
    String lib = CUDA_BINDINGS + PLATFORM + extension + "/" + System.mapLibraryName("jnind4jcuda");
    return NativeBackend.class.getClassLoader().getResource(lib) != null;
  }

  private static String names(List<Build> builds) {
    return builds.isEmpty() ? "none"
        : builds.stream().map(Build::platform).collect(Collectors.joining(", "));
  }

  /**
   * The backend this JVM runs, loading ND4J if needed: the backend ("CPU", "CUDA"), the native
   * build's directory ({@code linux-x86_64-onednn-avx512}) and whether it has oneDNN, e.g.
   * {@code CPU linux-x86_64-onednn-avx512 oneDNN}.
   */
  public static String describe() {
    String backend = Nd4j.getExecutioner().getEnvironmentInformation()
        .getProperty("backend", Nd4j.getBackend().getClass().getSimpleName());
    List<String> parts = new ArrayList<>(List.of(backend.toUpperCase(Locale.ROOT)));
    Loader.getLoadedLibraries().entrySet().stream()
        .filter(e -> e.getKey().equals("nd4jcpu") || e.getKey().startsWith("nd4jcuda"))
        .map(e -> Path.of(e.getValue()).getParent().getFileName().toString())
        .findFirst()
        .ifPresent(parts::add);
    if (NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN")) {
      parts.add("oneDNN");
    }
    return String.join(" ", parts);
  }

  /**
   * {@link #select()}, loads ND4J and logs the build it runs (a warning when it is not the one
   * selected); returns {@link #describe()}.
   */
  public static String selectAndLog(String where) {
    select();
    String running = describe();
    String wanted = PLATFORM + System.getProperty(EXTENSION_PROPERTY, "");
    if (running.startsWith("CPU") && !running.contains(" " + wanted + " ")
        && !running.endsWith(" " + wanted)) {
      log.warn("{} selected nd4j-native {} but JavaCPP loaded another build: was ND4J loaded"
          + " before NativeBackend.select()?", where, wanted);
    }
    log.info("{} runs ND4J {} (CPU: {} cores{}; bundled builds: {})", where, running,
        Runtime.getRuntime().availableProcessors(), simdSummary(cpuFlags()),
        names(bundledBuilds()));
    return running;
  }

  private static String simdSummary(Set<String> flags) {
    String simd = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2"
        : flags.contains("avx") ? "AVX" : flags.isEmpty() ? "" : "SSE";
    return simd.isEmpty() ? "" : ", " + simd;
  }
}

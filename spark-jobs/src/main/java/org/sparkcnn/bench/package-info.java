/**
 * Benchmarks, run by hand or by {@code submit/benchmark.sh}: training throughput of any network
 * of the model zoo ({@link org.sparkcnn.bench.ThroughputBenchmark}; in Spark by DL4J's or the
 * resident training master, {@code SparkThroughput}, with the resident rounds' {@code
 * RoundFigures}) and its side-by-side table
 * with the PyTorch peers ({@link org.sparkcnn.bench.SideBySide}), augmentation throughput ({@link
 * org.sparkcnn.bench.AugmentationBenchmark}), per-layer times ({@link
 * org.sparkcnn.bench.LayerProfile}), with the machine's gemm rate ({@link
 * org.sparkcnn.bench.PeakFlops}) and batch normalisation's ways ({@link
 * org.sparkcnn.bench.BatchNormBenchmark}). Their command lines go through picocli ({@code Cli}:
 * generated {@code --help}, exit code 2 for a bad argument); result files they append to through
 * {@code ResultsFile}.
 */
package org.sparkcnn.bench;

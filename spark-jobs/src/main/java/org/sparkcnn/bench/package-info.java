/**
 * Benchmarks, run by hand or by {@code submit/benchmark.sh}: training throughput of any network
 * of the model zoo ({@link org.sparkcnn.bench.ThroughputBenchmark}) and its side-by-side table
 * with the PyTorch peers ({@link org.sparkcnn.bench.SideBySide}), augmentation throughput ({@link
 * org.sparkcnn.bench.AugmentationBenchmark}), per-layer times ({@link
 * org.sparkcnn.bench.LayerProfile}) and training time by backend placement ({@link
 * org.sparkcnn.bench.PlacementBenchmark}).
 */
package org.sparkcnn.bench;

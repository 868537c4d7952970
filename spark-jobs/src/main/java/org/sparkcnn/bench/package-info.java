/**
 * Benchmarks, run by hand or by {@code submit/benchmark.sh}: training throughput ({@link
 * org.sparkcnn.bench.ThroughputBenchmark}), augmentation throughput ({@link
 * org.sparkcnn.bench.AugmentationBenchmark}), per-layer times ({@link
 * org.sparkcnn.bench.LayerProfile}) and training time by backend placement ({@link
 * org.sparkcnn.bench.PlacementBenchmark}).
 */
package org.sparkcnn.bench;

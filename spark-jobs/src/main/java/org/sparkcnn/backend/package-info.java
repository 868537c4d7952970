/**
 * Which ND4J backend each JVM of a job runs: {@link org.sparkcnn.backend.NativeBackend} selects
 * the nd4j-native build for the CPU, {@link org.sparkcnn.backend.BackendProbe} reports every
 * JVM's backend ({@code environment.json}) and {@link org.sparkcnn.backend.Placement} checks it
 * against {@code cluster.placement}; {@link org.sparkcnn.backend.CudaDevices} refuses GPUs the
 * CUDA build cannot run on, and {@link org.sparkcnn.backend.GpuBinding} binds a task's GPU.
 */
package org.sparkcnn.backend;

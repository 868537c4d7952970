package org.sparkcnn.data;

import org.apache.spark.Partitioner;

/**
 * Sends position {@code i} of {@code size} to the partition that {@link
 * org.apache.spark.api.java.JavaSparkContext#parallelize} puts the {@code i}-th element of a list
 * of {@code size} in:
 * partition {@code p} holds positions {@code p * size / partitions} up to, not including,
 * {@code (p + 1) * size / partitions}.
 */
final class ContiguousPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final long size;
  private final int partitions;

  ContiguousPartitioner(long size, int partitions) {
    this.size = size;
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    long position = (Integer) key;
    return (int) (((position + 1) * partitions - 1) / size);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContiguousPartitioner other && other.size == size
        && other.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(size) * 31 + partitions;
  }
}

/**
 * Image augmentation as pure functions on {@link org.sparkcnn.augment.FloatImage}s with an explicit
 * seeded random source ({@link org.sparkcnn.augment.ImageOps}), the configurable steps built on
 * them ({@link org.sparkcnn.augment.Step}) and the pipeline a job declares in its configuration
 * ({@link org.sparkcnn.augment.Pipeline}). Nothing here needs Spark: the data package runs the
 * pipelines inside the partition functions that feed each epoch.
 */
package org.sparkcnn.augment;

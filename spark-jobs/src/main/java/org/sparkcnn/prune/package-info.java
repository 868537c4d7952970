/**
 * The pruning job: structured pruning of MobileNet V1's pointwise filters with retraining on
 * Spark after every step (the 2022 paper's compression, SEEDS.md section 4). {@link
 * org.sparkcnn.prune.PruneJob} is the command; {@link org.sparkcnn.prune.PruningSource} the
 * network it starts from and the checked steps; {@link org.sparkcnn.prune.Pruning} the run's
 * work; {@link org.sparkcnn.prune.PruningTable} {@code pruning.csv} and {@code pruning.md}. The
 * surgery itself is {@link org.sparkcnn.models.pruning.PointwisePruning}'s.
 */
package org.sparkcnn.prune;

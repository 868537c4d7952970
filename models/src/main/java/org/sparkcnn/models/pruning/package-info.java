/**
 * Structured pruning of MobileNet V1 (the 2022 paper's compression, SEEDS.md section 4): {@link
 * org.sparkcnn.models.pruning.FilterNorm} ranks a pointwise convolution's output filters, {@link
 * org.sparkcnn.models.pruning.PointwisePruning} removes chosen filters and everything that reads
 * them, giving an ordinary DL4J network with fewer parameters.
 */
package org.sparkcnn.models.pruning;

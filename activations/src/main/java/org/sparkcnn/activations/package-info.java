/**
 * Activation functions of the source documents (ReLU-Swish, ReLU-h-swish, hard-swish, swish with
 * a fixed beta) and a randomized leaky ReLU that keeps no state between forward pass and backprop,
 * as ND4J {@code IActivation} implementations, and a registry that parses activation names such
 * as {@code elu(alpha=0.5)}.
 */
package org.sparkcnn.activations;

package org.sparkcnn.models;

/**
 * A model architecture, either a stack of layers ({@link NetworkBuilder}) or a graph ({@link
 * GraphBuilder}): what the {@link Models} registry builds and {@link ModelSummary} describes.
 */
public sealed interface ModelBuilder permits NetworkBuilder, GraphBuilder {
  /** The per-layer summary of this architecture for {@code input} images. */
  ModelSummary summary(ImageShape input);
}

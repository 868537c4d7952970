package org.sparkcnn.ml;

import java.io.Serializable;
import java.util.List;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.models.ImageShape;

/**
 * What decoding and scoring need besides the network: the run's evaluation pipeline (with the
 * cached-image shape [channels, height, width] every image is brought to), class names and
 * decoding policies.
 */
record Serving(Augmenter augmenter, List<String> classNames, SizePolicy onSizeMismatch,
    ChannelPolicy onChannelMismatch, long maxImagePixels, boolean graph)
    implements Serializable {
  Serving {
    classNames = List.copyOf(classNames);
  }

  ImageShape imageShape() {
    return augmenter.inputShape();
  }
}

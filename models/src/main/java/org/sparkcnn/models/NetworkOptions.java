package org.sparkcnn.models;

import java.util.Objects;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.sparkcnn.activations.Activations;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * What every model builder takes.
 *
 * @param inputShape shape of one input image, [channels, height, width]
 * @param numClasses number of output classes
 * @param activation activation of the hidden layers, by its name in the {@link Activations}
 *     registry with any parameters ({@code relu}, {@code relu-h-swish}, {@code elu(alpha=0.5)});
 *     {@code prelu} makes the builders insert a PReLU layer (a learned slope per channel) after
 *     each hidden layer instead
 * @param weightInit weight initialisation scheme
 * @param l2 L2 penalty coefficient on weights (not biases); 0 for none
 * @param updater optimiser and learning rate (DL4J keeps it in the network configuration)
 * @param seed seed of the weight initialisation
 * @param convolutions layer class of the 2D convolutions ({@link ConvolutionEngine#NATIVE} unless
 *     comparing with DL4J's own)
 */
public record NetworkOptions(
    ImageShape inputShape,
    int numClasses,
    String activation,
    WeightInit weightInit,
    double l2,
    IUpdater updater,
    long seed,
    ConvolutionEngine convolutions) {

  public NetworkOptions {
    Objects.requireNonNull(inputShape, "inputShape");
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(weightInit, "weightInit");
    Objects.requireNonNull(updater, "updater");
    Objects.requireNonNull(convolutions, "convolutions");
    if (!Activations.isPrelu(activation)) {
      Activations.parse(activation); // fails naming an unknown activation or parameter
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("l2 must be a finite value >= 0, got " + l2);
    }
  }

  /** True when the hidden activation is PReLU, which the builders insert as layers. */
  public boolean prelu() {
    return Activations.isPrelu(activation);
  }

  /**
   * The activation function of the hidden layers: the named one, or the identity when PReLU
   * layers follow them.
   */
  public IActivation hiddenActivation() {
    return prelu() ? new ActivationIdentity() : Activations.parse(activation);
  }

  /** These options with another convolution engine. */
  public NetworkOptions withConvolutions(ConvolutionEngine engine) {
    return new NetworkOptions(inputShape, numClasses, activation, weightInit, l2, updater, seed,
        engine);
  }
}

package org.sparkcnn.config;

import static org.sparkcnn.config.InvalidConfigException.check;

import com.typesafe.config.Config;
import java.util.Locale;
import org.deeplearning4j.nn.weights.WeightInit;
import org.sparkcnn.activations.Activations;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.Models;

/** Section {@code model}. */
public record ModelConfig(String name, String activation, String weightInit, double l2,
    String convolution) {
  /** Reads {@code model.*}. */
  public static ModelConfig from(Config c) {
    return new ModelConfig(c.getString("model.name"), c.getString("model.activation"),
        c.getString("model.weight-init"), c.getDouble("model.l2"),
        c.getString("model.convolution"));
  }

  public ModelConfig {
    try {
      Models.validate(name);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("model.name: " + e.getMessage(), e);
    }
    try {
      if (!Activations.isPrelu(activation)) {
        Activations.parse(activation);
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("model.activation: " + e.getMessage(), e);
    }
    check(parseWeightInit(weightInit) != null, "model.weight-init",
        "must be a DL4J WeightInit name (relu, xavier, ...)", "'" + weightInit + "'");
    check(l2 >= 0 && Double.isFinite(l2), "model.l2", "must be a finite value >= 0", l2);
    try {
      ConvolutionEngine.parse(convolution);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("model.convolution: " + e.getMessage(), e);
    }
  }

  public ConvolutionEngine convolutionEngine() {
    return ConvolutionEngine.parse(convolution);
  }

  public WeightInit weightInitScheme() {
    return parseWeightInit(weightInit);
  }

  private static WeightInit parseWeightInit(String name) {
    try {
      return WeightInit.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}

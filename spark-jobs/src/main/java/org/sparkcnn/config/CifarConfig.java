package org.sparkcnn.config;

import static org.sparkcnn.config.InvalidConfigException.check;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Objects;

/** Section {@code data.cifar}: the CIFAR-10 / CIFAR-100 binary files, and the label to train on. */
public record CifarConfig(List<String> train, List<String> test, CifarLabel label) {
  public CifarConfig {
    train = List.copyOf(train);
    test = List.copyOf(test);
    check(!train.isEmpty(), "data.cifar.train", "must name at least one file", "[]");
    check(!test.isEmpty(), "data.cifar.test", "must name at least one file", "[]");
    Objects.requireNonNull(label, "data.cifar.label");
  }

  /** Reads {@code data.cifar.*}. */
  public static CifarConfig from(Config c) {
    return new CifarConfig(c.getStringList("data.cifar.train"), c.getStringList("data.cifar.test"),
        CifarLabel.parse(c.getString("data.cifar.label")));
  }
}

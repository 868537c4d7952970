package org.sparkcnn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides secrets in what the project writes (manifests, log lines): the value of every setting
 * whose name contains {@code secret}, {@code password}, {@code token}, {@code credential} or
 * {@code key} (any case; e.g. {@code spark.authenticate.secret}, {@code fs.s3a.access.key},
 * {@code spark.hadoop.fs.s3a.secret.key}, {@code spark.ssl.keyPassword}, {@code *.token}) is
 * replaced by {@link #REDACTED}, and so is the password of a URI written {@code
 * scheme://user:password@host/...} in any other value.
 *
 * <p>Broader than Spark's own {@code spark.redaction.regex} ({@code secret|password|token|
 * access[.]key}): a key store path or a key size is hidden too, which costs a reader little.
 *
 * <p>The job's own configuration ({@code reference.conf}) has no key with such a name, so
 * {@code config.conf} is saved as it is and stays loadable by {@code --resume}: secrets belong in
 * Spark's and Hadoop's configuration ({@code spark-defaults.conf}, {@code core-site.xml}, Hadoop
 * credential providers), never in a job file.
 */
public final class Redaction {
  /** What a secret value is replaced by. */
  public static final String REDACTED = "*********(redacted)";
  private static final Pattern SECRET_NAME =
      Pattern.compile("secret|password|token|credential|key", Pattern.CASE_INSENSITIVE);
  /** The password part of {@code scheme://user:password@}. */
  private static final Pattern URI_PASSWORD = Pattern.compile("(://[^/@:\\s]*):[^/@\\s]+@");

  private Redaction() {}

  /** Whether the setting {@code name} holds a secret. */
  public static boolean isSecret(String name) {
    return SECRET_NAME.matcher(name).find();
  }

  /** {@code value} as it may be written: redacted when {@code key} names a secret. */
  public static String redact(String key, String value) {
    if (isSecret(key)) {
      return REDACTED;
    }
    return value == null ? null : URI_PASSWORD.matcher(value).replaceAll("$1:" + REDACTED + "@");
  }

  /** A copy of {@code settings}, in the same order, with every secret redacted. */
  public static Map<String, String> redact(Map<String, String> settings) {
    Map<String, String> redacted = new LinkedHashMap<>();
    settings.forEach((key, value) -> redacted.put(key, redact(key, value)));
    return redacted;
  }

  /** A copy of {@code config} with every secret string or other value redacted. */
  public static Config redact(Config config) {
    Config redacted = config;
    for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
      String key = entry.getKey();
      ConfigValue value = entry.getValue();
      if (isSecret(key)) {
        redacted = redacted.withValue(key, ConfigValueFactory.fromAnyRef(REDACTED));
      } else if (value.valueType() == ConfigValueType.STRING) {
        String text = (String) value.unwrapped();
        String safe = redact(key, text);
        if (!safe.equals(text)) {
          redacted = redacted.withValue(key, ConfigValueFactory.fromAnyRef(safe));
        }
      }
    }
    return redacted;
  }
}

package org.sparkcnn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
  static final String R = Redaction.REDACTED;

  @Test
  void namesHoldingSecretPasswordTokenCredentialOrKeyAreSecretInAnyCase() {
    for (String name : List.of("spark.authenticate.secret", "fs.s3a.access.key",
        "spark.hadoop.fs.s3a.secret.key", "spark.ssl.keyPassword", "spark.ssl.keyStorePassword",
        "fs.azure.sas.token", "spark.hadoop.fs.gs.auth.service.account.json.keyfile",
        "hadoop.security.credential.provider.path", "MY_API_TOKEN", "x.Secret")) {
      assertTrue(Redaction.isSecret(name), name);
    }
    for (String name : List.of("spark.master", "spark.app.id", "spark.executor.memory",
        "run.keep", "run.output-root", "spark.authenticate", "spark.kryo.registrator")) {
      assertFalse(Redaction.isSecret(name), name);
    }
  }

  @Test
  void redactsSecretValuesAndPasswordsInUris() {
    assertEquals(R, Redaction.redact("spark.authenticate.secret", "s3cr3t"));
    assertEquals("spark://m:7077", Redaction.redact("spark.master", "spark://m:7077"));
    assertEquals("ftp://ann:" + R + "@host/data", Redaction.redact("data.train-images",
        "ftp://ann:pa55@host/data"));
    assertEquals("hdfs://nn:8020/a@b", Redaction.redact("run.output-root", "hdfs://nn:8020/a@b"));
    assertEquals(null, Redaction.redact("spark.master", null));
  }

  @Test
  void redactsAMapKeepingItsOrderAndNames() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.master", "local[2]");
    settings.put("spark.hadoop.fs.s3a.secret.key", "abc");
    settings.put("spark.app.name", "x");
    assertEquals(List.of("spark.master=local[2]", "spark.hadoop.fs.s3a.secret.key=" + R,
        "spark.app.name=x"), Redaction.redact(settings).entrySet().stream()
        .map(Object::toString).toList());
    assertEquals("abc", settings.get("spark.hadoop.fs.s3a.secret.key"), "the input unchanged");
  }

  @Test
  void redactsAConfigByPath() {
    Config config = ConfigFactory.parseString(
        "a { token = t1, n = 3, path = \"s3a://k:s@b/x\" }, b = [1, 2]");
    Config redacted = Redaction.redact(config);
    assertEquals(R, redacted.getString("a.token"));
    assertEquals(3, redacted.getInt("a.n"));
    assertEquals("s3a://k:" + R + "@b/x", redacted.getString("a.path"));
    assertEquals(List.of(1, 2), redacted.getIntList("b"));
  }

  /**
   * config.conf is saved unredacted so that --resume can load it: this holds because no key of
   * the job's configuration names a secret (ConfigLoader refuses every other key). A new key
   * that does would be saved in clear in every run directory: keep secrets in Spark's and
   * Hadoop's configuration instead.
   */
  @Test
  void noKeyOfTheJobConfigurationNamesASecret() {
    List<String> secret = ConfigLoader.reference().entrySet().stream().map(Map.Entry::getKey)
        .filter(Redaction::isSecret).toList();
    assertEquals(List.of(), secret);
    JobConfig defaults = JobConfig.from(new ConfigLoader().resolve());
    assertEquals(defaults.render(), defaults.renderRedacted());
  }
}

package org.sparkcnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.sparkcnn.config.Redaction;

class SparkConfReportTest {
  @Test
  void listsEverySettingSortedWithSecretsRedacted() {
    SparkConf conf = new SparkConf(false)
        .set("spark.master", "local[2]")
        .set("spark.app.id", "local-1")
        .set("spark.authenticate.secret", "hunter2")
        .set("spark.hadoop.fs.s3a.secret.key", "wJalr")
        .set("spark.executor.extraJavaOptions", "-Da=b\n-Dc=d");
    assertEquals(List.of(
        "# Spark configuration of the driver of application local-1; values of secret settings"
            + " redacted",
        "spark.app.id=local-1",
        "spark.authenticate.secret=" + Redaction.REDACTED,
        "spark.executor.extraJavaOptions=-Da=b\\n-Dc=d",
        "spark.hadoop.fs.s3a.secret.key=" + Redaction.REDACTED,
        "spark.master=local[2]"), SparkConfReport.render(conf).lines().toList());
  }
}

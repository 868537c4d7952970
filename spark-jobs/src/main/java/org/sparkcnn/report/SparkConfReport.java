package org.sparkcnn.report;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.sparkcnn.config.Redaction;
import scala.Tuple2;

/**
 * {@code spark-conf.properties}: the Spark configuration the driver ran with ({@code
 * SparkConf.getAll}, including {@code spark.hadoop.*}), one sorted {@code key=value} line each,
 * secrets redacted ({@link Redaction}): what a run really used, for debugging it.
 */
public final class SparkConfReport {
  /** Name of the file in the run directory; each driver of the run (a resume) rewrites it. */
  public static final String FILE = RunLayout.SPARK_CONF;

  private SparkConfReport() {}

  /** The file's content for {@code conf}. */
  public static String render(SparkConf conf) {
    Map<String, String> settings = new LinkedHashMap<>();
    Arrays.stream(conf.getAll()).sorted(Comparator.comparing((Tuple2<String, String> t) -> t._1))
        .forEach(t -> settings.put(t._1, t._2));
    StringBuilder text = new StringBuilder("# Spark configuration of the driver of application ")
        .append(conf.get("spark.app.id", "?")).append("; values of secret settings redacted\n");
    Redaction.redact(settings).forEach((key, value) -> text.append(key).append('=')
        .append(value.replace("\\", "\\\\").replace("\n", "\\n")).append('\n'));
    return text.toString();
  }
}

package org.sparkcnn.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series a scheduled run belongs to, read from its id {@code <name>-<stamp>}: the stamp is
 * {@code yyyyMMdd}, {@code yyyyMMdd-HHmm} or {@code yyyyMMdd-HHmmss} (UTC, as submit/batch.sh
 * writes it), e.g. {@code nightly-20260105}. Runs of one series compare by stamp; since the
 * fields have fixed widths, the stamps' string order is their time order.
 *
 * @param name the part before the stamp ({@code nightly})
 * @param stamp the date and optional time ({@code 20260105})
 */
public record RunSeries(String name, String stamp) {
  /** A run id with a stamp: greedy name, so "a-b-20260105" is series "a-b". */
  private static final Pattern ID = Pattern.compile("(.+)-(\\d{8}(?:-\\d{4}(?:\\d{2})?)?)");

  /** The series of {@code runId}, or empty when it has no stamp. */
  public static Optional<RunSeries> of(String runId) {
    Matcher m = ID.matcher(runId);
    return m.matches() ? Optional.of(new RunSeries(m.group(1), m.group(2))) : Optional.empty();
  }

  /** Whether {@code runId} is a run of this series. */
  public boolean contains(String runId) {
    return of(runId).map(other -> other.name.equals(name)).orElse(false);
  }

  /** Whether this run is newer than {@code other} of the same series. */
  public boolean isNewerThan(RunSeries other) {
    return stamp.compareTo(other.stamp) > 0;
  }
}

package org.sparkcnn;

import java.io.StringWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Captures every line logged while it is open, as the configured loggers let it through (the
 * project's at INFO, the rest at WARN: see log4j2-test.properties), with stack traces.
 */
public final class LogCapture implements AutoCloseable {
  private final StringWriter text = new StringWriter();
  private final WriterAppender appender;
  private final LoggerContext context;

  public LogCapture() {
    context = (LoggerContext) LogManager.getContext(false);
    appender = WriterAppender.newBuilder().setName("capture-" + System.nanoTime())
        .setTarget(text)
        .setLayout(PatternLayout.newBuilder().withPattern("%p %c{1}: %m%n%ex").build())
        .build();
    appender.start();
    context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
    context.updateLoggers();
  }

  /** What was logged so far. */
  public String text() {
    synchronized (text) {
      return text.toString();
    }
  }

  @Override
  public void close() {
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}

package io.regulator.runtime.process;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.OutputSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The files {@code <log-dir>/<component>.log}, one Logback appender per component, rotated by
 * size: {@code component.log}, {@code component.log.1} ... {@code component.log.<maxFiles-1>}.
 *
 * <p>Lines look like {@code 2026-11-23T22:40:01.123Z out | text} ({@code err} for stderr).
 * The appenders live in a private {@link LoggerContext}, so Regulator's own logging config (a
 * reset, a root appender, levels) can neither drop nor duplicate component output. One appender
 * per component is opened on first use and kept across restarts; a changed {@link OutputSpec}
 * (config reload) replaces it.
 */
final class OutputLogs implements AutoCloseable {

  static final String PATTERN = "%d{\"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'\", UTC} %logger{0} | %msg%n";

  /** One component's pair of loggers (named {@code <component>.out} / {@code .err}). */
  record ComponentLog(Logger out, Logger err) {}

  private record Open(OutputSpec spec, RollingFileAppender<ILoggingEvent> appender, ComponentLog log) {}

  private final Path logDir;
  private final LoggerContext context = new LoggerContext();
  private final Map<String, Open> open = new HashMap<>();
  private boolean closed;

  OutputLogs(Path logDir) {
    this.logDir = logDir.toAbsolutePath();
    context.setName("regulator-component-output");
    context.setMDCAdapter(new LogbackMDCAdapter()); // a bare context has none, and appending needs one
    context.start();
  }

  Path file(String component) {
    return logDir.resolve(ComponentNames.fileSafe(component) + ".log");
  }

  /** The loggers of {@code component}, opening its appender the first time. */
  synchronized ComponentLog open(String component, OutputSpec spec) throws LaunchFailure {
    if (closed) {
      throw new IllegalStateException("component output logs are closed (Regulator is shutting down)");
    }
    Open current = open.get(component);
    if (current != null && current.spec().equals(spec) && current.appender().isStarted()) {
      return current.log();
    }
    Path file = file(component);
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw failure(file, e.toString());
    }
    if (current != null) {
      detach(current);
    }
    RollingFileAppender<ILoggingEvent> appender = newAppender(component, file, spec);
    if (!appender.isStarted()) {
      appender.stop();
      open.remove(component);
      throw failure(file, "Logback could not open it");
    }
    Logger out = logger(component + ".out", appender);
    Logger err = logger(component + ".err", appender);
    ComponentLog log = new ComponentLog(out, err);
    open.put(component, new Open(spec, appender, log));
    return log;
  }

  /** Closes the log of a component that no longer exists (e.g. removed by a config reload). */
  synchronized void release(String component) {
    Open current = open.remove(component);
    if (current != null) {
      detach(current);
    }
  }

  synchronized int openCount() {
    return open.size();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    open.values().forEach(this::detach);
    open.clear();
    context.stop();
  }

  private void detach(Open o) {
    o.log().out().detachAppender(o.appender());
    o.log().err().detachAppender(o.appender());
    o.appender().stop();
  }

  private Logger logger(String name, RollingFileAppender<ILoggingEvent> appender) {
    Logger logger = context.getLogger(name);
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    logger.detachAndStopAllAppenders();
    logger.addAppender(appender);
    return logger;
  }

  private RollingFileAppender<ILoggingEvent> newAppender(String component, Path file, OutputSpec spec) {
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName(component);
    appender.setFile(file.toString());
    appender.setAppend(true);

    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(context);
    rolling.setParent(appender);
    rolling.setFileNamePattern(file + ".%i");
    rolling.setMinIndex(1);
    // maxFiles counts the active file; Logback needs at least one rolled file and at most 20.
    rolling.setMaxIndex(Math.max(1, spec.maxFiles() - 1));
    rolling.start();

    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(context);
    trigger.setMaxFileSize(new FileSize(spec.maxFileSize()));
    // By default the size is checked at most every 60 ms, so a burst overshoots the limit many
    // times over; a stat per line is cheap next to the write itself.
    trigger.setCheckIncrement(Duration.buildByMilliseconds(0));
    trigger.start();

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();

    appender.setEncoder(encoder);
    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    appender.start();
    return appender;
  }

  private static LaunchFailure failure(Path file, String why) {
    return new LaunchFailure(new Cause(CauseCategory.EXEC_FAILED,
        "cannot write the component log " + file + ": " + why,
        "check that log-dir exists and is writable by Regulator's user"));
  }
}

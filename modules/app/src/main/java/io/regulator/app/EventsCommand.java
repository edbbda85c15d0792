package io.regulator.app;

import io.regulator.core.event.HealthEvent;
import io.regulator.journal.read.EventFilter;
import io.regulator.journal.read.EventsView;
import io.regulator.journal.read.OutputFormat;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.stream.javadsl.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code regulator events} (alias {@code replay}): the health timeline from the journal, filtered,
 * in text, JSON lines or Markdown; {@code --follow} keeps printing new events as they are written.
 */
@Command(name = "events", aliases = "replay", mixinStandardHelpOptions = true,
    description = {"Print health events from the journal (works with the service stopped).",
        "Times: ISO (2024-05-01T10:00:00Z, 2024-05-01 10:00, 2024-05-01), ago (30m, 1h, 2d, 1w), now, today,"
            + " yesterday."})
final class EventsCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin QueryOptions query;




  @Option(names = "--kind", paramLabel = "KIND[,KIND]",
      description = "only these kinds: state, start, exit, probe, circuit, restart, group, critical, orphan,"
          + " lifecycle, audit, failure (or type names such as StateChanged)")
  String kind;

  @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "only the last N events")
  Integer limit;


  @Option(names = {"-f", "--follow"}, description = "keep printing new events as they are written (Ctrl-C ends)")
  boolean follow;

  @Override
  public Integer call() {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    try {
      QueryOptions.Window window = query.window(Instant.now());
      OutputFormat output = window.output();
      EventFilter filter = filter(window);
      try (JournalAccess journal = JournalAccess.open(query.config, err)) {
        if (follow) {
          return follow(journal, filter, output, out);
        }
        List<HealthEvent> events = journal.await(journal.reader.events(filter));
        if (events.isEmpty() && output == OutputFormat.TEXT) {
          out.println("no events" + (filter.equals(EventFilter.all()) ? " in the journal yet" : " match"));
        } else {
          out.print(EventsView.render(events, output));
        }
        out.flush();
        return 0;
      }
    } catch (JournalAccess.Failed e) {
      err.println("regulator: " + e.getMessage());
      return e.exitCode;
    }
  }

  private int follow(JournalAccess journal, EventFilter filter, OutputFormat output, PrintWriter out)
      throws JournalAccess.Failed {
    out.print(EventsView.header(output));
    out.flush();
    try {
      journal.await(journal.reader.follow(filter).runWith(Sink.foreach(e -> {
        out.println(EventsView.line(e, output));
        out.flush();
      }), journal.system));
      return 0;
    } catch (JournalAccess.Failed e) {
      if (CoordinatedShutdown.get(journal.system).getShutdownReason().isPresent()) {
        return 130; // Ctrl-C or SIGTERM: the JVM's shutdown stopped the stream, nothing went wrong
      }
      throw e;
    }
  }

  private EventFilter filter(QueryOptions.Window window) throws JournalAccess.Failed {
    EventFilter filter = EventFilter.all();
    if (window.from() != null) {
      filter = filter.since(window.from());
    }
    if (window.to() != null) {
      filter = filter.until(window.to());
    }
    if (query.component != null) {
      filter = filter.component(query.component);
    }
    try {
      filter = kind == null ? filter : filter.kinds(kind);
    } catch (IllegalArgumentException e) {
      throw new JournalAccess.Failed("--kind: " + e.getMessage(), 2);
    }
    try {
      return limit == null ? filter : filter.limit(limit);
    } catch (IllegalArgumentException e) {
      throw new JournalAccess.Failed("--limit: " + e.getMessage(), 2);
    }
  }

  static OutputFormat format(String typed) throws JournalAccess.Failed {
    try {
      return OutputFormat.parse(typed);
    } catch (IllegalArgumentException e) {
      throw new JournalAccess.Failed("--format: " + e.getMessage(), 2);
    }
  }
}

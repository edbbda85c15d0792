package io.regulator.app;

import io.regulator.journal.read.OutputFormat;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options every journal query shares ({@code events}, {@code incidents}, {@code report}): the
 * config, a time window, a component and an output format, read and checked in one place.
 */
final class QueryOptions {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "config file (default: conf/regulator.conf)")
  String config;

  @Option(names = "--since", paramLabel = "TIME", description = "from this time on (default: the start of the journal)")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "up to this time (default: now)")
  String until;

  @Option(names = "--component", paramLabel = "NAME", description = "only this component ('system' for Regulator itself)")
  String component;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text, json or markdown")
  String format;

  /** The parsed window and format. {@code from}/{@code to} are null when not given; {@code end} is {@code to} or now. */
  record Window(OutputFormat output, Instant from, Instant to, Instant end) {}

  /** What a query command does once the store is open and its options are read. */
  interface Query {
    int run(JournalAccess journal, Window window, PrintWriter out) throws JournalAccess.Failed;
  }

  /**
   * Reads the options, opens the journal, runs the query and closes the journal again; a problem
   * is one line on stderr and the exit code that goes with it.
   */
  int run(CommandSpec command, Query query) {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    try {
      Window window = window(Instant.now());
      try (JournalAccess journal = JournalAccess.open(config, err)) {
        int code = query.run(journal, window, out);
        out.flush();
        return code;
      }
    } catch (JournalAccess.Failed e) {
      err.println("regulator: " + e.getMessage());
      return e.exitCode;
    }
  }

  Window window(Instant now) throws JournalAccess.Failed {
    OutputFormat output = EventsCommand.format(format);
    Instant from = JournalAccess.time("--since", since, now);
    Instant to = JournalAccess.time("--until", until, now);
    JournalAccess.window(from, to);
    return new Window(output, from, to, to == null ? now : to);
  }
}

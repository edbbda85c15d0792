package io.regulator.app;

import io.regulator.core.event.HealthEvent;
import io.regulator.journal.read.ComponentReport;
import io.regulator.journal.read.EventFilter;
import io.regulator.journal.read.OutputFormat;
import io.regulator.journal.read.Report;
import io.regulator.journal.read.ReportView;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code regulator report}: per component over a window, availability, MTTR, MTBF, incidents,
 * failures, restarts and failures by cause (definitions in docs/journal-queries.md).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Print availability, MTTR, MTBF, restarts and failures by cause per component.",
        "Times as for `events` (ISO, 30m, 1h, 2d, today, yesterday)."})
final class ReportCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin QueryOptions query;





  @Override
  public Integer call() {
    return query.run(command, (journal, window, out) -> {
      Instant from = window.from();
      Instant end = window.end();
      String component = query.component;
      // the whole history up to the end: the state when the window opens comes from before it
      List<HealthEvent> events = journal.await(journal.reader.events(EventFilter.all().until(end)));
      Instant start = from != null ? from : events.isEmpty() ? end : events.get(0).time();
      Report report = Report.of(events, start.isAfter(end) ? end : start, end);
      if (component != null) {
        List<ComponentReport> one = report.component(component).map(List::of).orElse(List.of());
        if (one.isEmpty()) {
          throw new JournalAccess.Failed("no events of component '" + component + "' in the journal"
              + (journal.fleet.components().containsKey(component) ? " yet"
                  : "; components in the config: " + String.join(", ", journal.fleet.components().keySet())), 1);
        }
        report = new Report(report.since(), report.until(), one);
      }
      if (report.components().isEmpty() && window.output() == OutputFormat.TEXT) {
        out.println("no component events in the journal yet");
      } else {
        out.print(ReportView.render(report, window.output()));
      }
      return 0;
    });
  }
}

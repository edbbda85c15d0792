package io.regulator.app;

import io.regulator.core.event.HealthEvent;
import io.regulator.journal.read.EventFilter;
import io.regulator.journal.read.Incident;
import io.regulator.journal.read.Incidents;
import io.regulator.journal.read.IncidentsView;
import io.regulator.journal.read.OutputFormat;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code regulator incidents}: each incident from the journal (first failure to recovery), with
 * its root cause (the deepest failed dependency, from the config's dependency graph), the
 * components it took down and how long it lasted.
 */
@Command(name = "incidents", mixinStandardHelpOptions = true,
    description = {"Print incidents from the journal: root cause, affected components, duration.",
        "Times as for `events` (ISO, 30m, 1h, 2d, today, yesterday)."})
final class IncidentsCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin QueryOptions query;





  @Override
  public Integer call() {
    return query.run(command, (journal, window, out) -> {
      Instant from = window.from();
      Instant end = window.end();
      String component = query.component;
      // the whole history up to the end: an incident may have begun before --since
      List<HealthEvent> events = journal.await(journal.reader.events(EventFilter.all().until(end)));
      List<Incident> incidents = Incidents.within(Incidents.of(events, journal.fleet.graph()),
          from == null ? Instant.MIN : from, end);
      if (component != null) {
        incidents = Incidents.affecting(incidents, component);
      }
      if (incidents.isEmpty() && window.output() == OutputFormat.TEXT) {
        out.println("no incidents" + (component == null ? "" : " affecting " + component)
            + (from == null ? "" : " since " + from));
      } else {
        out.print(IncidentsView.render(incidents, window.output(), end));
      }
      return 0;
    });
  }
}

package io.regulator.journal.read;

import io.regulator.core.event.EventText;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.StoredEvent;
import java.util.List;

/**
 * The event timeline in each {@link OutputFormat}: text is the time and {@link EventText#describe},
 * json is the journal's own {@link StoredEvent} shape (one object per line), markdown a table.
 */
public final class EventsView {

  private EventsView() {}

  /** Every event, each on its own line (with the table head in markdown). */
  public static String render(List<HealthEvent> events, OutputFormat format) {
    StringBuilder out = new StringBuilder(header(format));
    events.forEach(e -> out.append(line(e, format)).append('\n'));
    return out.toString();
  }

  /** What comes before the first line: the table head in markdown, else nothing. */
  public static String header(OutputFormat format) {
    return format == OutputFormat.MARKDOWN
        ? OutputFormat.headerRows(List.of("time", "component", "kind", "what happened")) + "\n" : "";
  }

  /** One event on one line (no line break), for printing as events arrive. */
  public static String line(HealthEvent event, OutputFormat format) {
    return switch (format) {
      case TEXT -> OutputFormat.time(event.time()) + "  " + EventText.describe(event);
      case JSON -> OutputFormat.json(StoredEvent.of(event));
      case MARKDOWN -> OutputFormat.row(List.of(OutputFormat.time(event.time()), event.component(),
          EventFilter.shortKind(event), EventText.describe(event)));
    };
  }
}

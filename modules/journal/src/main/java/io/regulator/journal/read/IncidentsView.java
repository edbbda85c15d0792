package io.regulator.journal.read;

import io.regulator.core.event.Cause;
import io.regulator.core.event.EventText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Incidents in each {@link OutputFormat}. Text gives each incident a head line (number, start,
 * length, root cause), the affected components and the failures in order; json one object per
 * incident; markdown one table row per incident.
 */
public final class IncidentsView {

  private IncidentsView() {}

  /**
   * @param now how long open incidents have lasted so far is measured to this
   */
  public static String render(List<Incident> incidents, OutputFormat format, Instant now) {
    StringBuilder out = new StringBuilder();
    if (format == OutputFormat.MARKDOWN) {
      out.append(OutputFormat.headerRows(List.of("#", "start", "end", "duration", "root", "root cause", "affected",
          "failures"))).append('\n');
    }
    for (int i = 0; i < incidents.size(); i++) {
      Incident incident = incidents.get(i);
      switch (format) {
        case TEXT -> text(out, i + 1, incident, now);
        case JSON -> out.append(OutputFormat.json(json(incident, now))).append('\n');
        case MARKDOWN -> out.append(OutputFormat.row(List.of(String.valueOf(i + 1),
            OutputFormat.time(incident.start()), incident.end().map(OutputFormat::time).orElse("open"),
            length(incident, now), incident.root(), cause(incident.rootCause()), String.join(", ", incident.affected()),
            String.valueOf(incident.failures().size())))).append('\n');
      }
    }
    return out.toString();
  }

  /** {@code 4.2s}, or {@code open for 5m} while it lasts. */
  static String length(Incident incident, Instant now) {
    String length = EventText.human(incident.durationAt(now));
    return incident.open() ? "open for " + length : length;
  }

  private static void text(StringBuilder out, int number, Incident incident, Instant now) {
    out.append('#').append(number).append("  ").append(OutputFormat.time(incident.start())).append(" -> ")
        .append(incident.end().map(OutputFormat::time).orElse("(still open)")).append("  ")
        .append(length(incident, now))
        .append(incident.open() ? "" : incident.recovered() ? ", recovered" : ", stopped before it recovered")
        .append('\n');
    out.append("    root cause: ").append(incident.root()).append(": ").append(cause(incident.rootCause())).append('\n');
    out.append("    affected:   ").append(String.join(", ", incident.affected())).append('\n');
    int width = incident.affected().stream().mapToInt(String::length).max().orElse(0);
    for (Failure f : incident.failures()) {
      out.append("    ").append(OutputFormat.time(f.time())).append("  ")
          .append(String.format("%-" + width + "s", f.component())).append("  ").append(cause(f.cause())).append('\n');
    }
  }

  /** {@code killed by SIGKILL [SIGNAL]} (with the suggestion when there is one). */
  static String cause(Cause cause) {
    return cause + " [" + cause.category() + "]";
  }

  public static Map<String, Object> json(Incident incident, Instant now) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("start", incident.start());
    json.put("end", incident.end().orElse(null));
    json.put("open", incident.open());
    json.put("durationMillis", incident.durationAt(now).toMillis());
    json.put("recovered", incident.recovered());
    json.put("root", incident.root());
    json.put("rootCause", causeJson(incident.rootCause()));
    json.put("affected", incident.affected());
    List<Map<String, Object>> failures = new ArrayList<>();
    for (Failure f : incident.failures()) {
      Map<String, Object> failure = new LinkedHashMap<>();
      failure.put("time", f.time());
      failure.put("component", f.component());
      failure.putAll(causeJson(f.cause()));
      failures.add(failure);
    }
    json.put("failures", failures);
    return json;
  }

  static Map<String, Object> causeJson(Cause cause) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("category", cause.category().name());
    json.put("detail", cause.detail());
    if (!cause.suggestion().isEmpty()) {
      json.put("suggestion", cause.suggestion());
    }
    return json;
  }
}

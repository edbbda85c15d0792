package io.regulator.journal.read;

import io.regulator.core.event.EventText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A {@link Report} in each {@link OutputFormat}: text is an aligned table under a line naming the
 * window, json one object per component, markdown a table.
 */
public final class ReportView {

  private static final List<String> HEADERS = List.of("component", "availability", "MTTR", "MTBF", "incidents",
      "failures", "restarts", "failures by cause");

  private ReportView() {}

  public static String render(Report report, OutputFormat format) {
    return switch (format) {
      case TEXT -> text(report);
      case JSON -> report.components().stream().map(c -> OutputFormat.json(json(report, c)) + "\n")
          .collect(Collectors.joining());
      case MARKDOWN -> OutputFormat.headerRows(HEADERS) + "\n"
          + report.components().stream().map(c -> OutputFormat.row(cells(c)) + "\n").collect(Collectors.joining());
    };
  }

  private static String text(Report report) {
    StringBuilder out = new StringBuilder("report " + OutputFormat.time(report.since()) + " -> "
        + OutputFormat.time(report.until()) + " (" + EventText.human(Duration.between(report.since(), report.until()))
        + ")\n");
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADERS);
    report.components().forEach(c -> rows.add(cells(c)));
    int[] widths = new int[HEADERS.size()];
    rows.forEach(r -> {
      for (int i = 0; i < r.size(); i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    });
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        line.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + widths[i] + "s  ", r.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static List<String> cells(ComponentReport c) {
    String incidents = c.incidents() + (c.openIncidents() > 0 ? " (" + c.openIncidents() + " open)" : "");
    String causes = c.failuresByCause().isEmpty() ? "-" : c.failuresByCause().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    return List.of(c.component(),
        c.availability().isPresent() ? OutputFormat.percent(c.availability().getAsDouble()) : "n/a",
        human(c.mttr()), human(c.mtbf()), incidents, String.valueOf(c.failures()), String.valueOf(c.restarts()),
        causes);
  }

  private static String human(Optional<Duration> d) {
    return d.map(EventText::human).orElse("-");
  }

  public static Map<String, Object> json(Report report, ComponentReport c) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("component", c.component());
    json.put("since", report.since());
    json.put("until", report.until());
    json.put("availabilityPercent", c.availability().isPresent() ? c.availability().getAsDouble() : null);
    json.put("wantedUpMillis", c.wantedUp().toMillis());
    json.put("readyMillis", c.ready().toMillis());
    json.put("mttrMillis", c.mttr().map(Duration::toMillis).orElse(null));
    json.put("mtbfMillis", c.mtbf().map(Duration::toMillis).orElse(null));
    json.put("incidents", c.incidents());
    json.put("openIncidents", c.openIncidents());
    json.put("failures", c.failures());
    json.put("restarts", c.restarts());
    Map<String, Integer> byCause = new LinkedHashMap<>();
    c.failuresByCause().forEach((k, v) -> byCause.put(k.name(), v));
    json.put("failuresByCause", byCause);
    return json;
  }
}

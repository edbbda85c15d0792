package io.regulator.journal.read;

import static io.regulator.journal.read.Script.at;
import static io.regulator.journal.read.Script.graph;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.StoredEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewsTest {

  private final List<HealthEvent> cascade = new Script().up(0, 1, "db").up(1, 2, "app")
      .killed(100, "db")
      .knockedDown(100.01, "app", "db")
      .restart(100.2, 101, "db")
      .restart(101.01, 102.5, "app")
      .events();

  @Test
  void eventsAsTextAreATimeAndTheReadableLine() {
    HealthEvent backoff = new HealthEvent.StateChanged(at(100), "local", "db", ComponentState.READY,
        ComponentState.BACKOFF, Cause.of(CauseCategory.SIGNAL, "killed by SIGKILL"));

    assertThat(EventsView.line(backoff, OutputFormat.TEXT))
        .isEqualTo("2024-05-01T10:01:40.000Z  db READY -> BACKOFF: killed by SIGKILL");
  }

  @Test
  void eventsAsJsonAreTheJournalsOwnShapeOnePerLine() throws Exception {
    String json = EventsView.render(cascade, OutputFormat.JSON);

    String[] lines = json.split("\n");
    assertThat(lines).hasSize(cascade.size());
    JsonNode first = OutputFormat.MAPPER.readTree(lines[0]);
    assertThat(first.path("type").asText()).isEqualTo("StateChanged");
    assertThat(first.path("time").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(first.path("to").asText()).isEqualTo("STARTING");
    // and it reads back as the same event
    for (int i = 0; i < lines.length; i++) {
      assertThat(OutputFormat.MAPPER.readValue(lines[i], StoredEvent.class).toHealthEvent()).isEqualTo(cascade.get(i));
    }
  }

  @Test
  void eventsAsMarkdownAreATableWithPipesEscaped() {
    HealthEvent exit = new HealthEvent.StateChanged(at(0), "local", "db", ComponentState.READY,
        ComponentState.UNHEALTHY, Cause.of(CauseCategory.PROBE_BODY, "body lacks 'a|b'"));

    assertThat(EventsView.render(List.of(exit), OutputFormat.MARKDOWN)).isEqualTo("""
        | time | component | kind | what happened |
        | --- | --- | --- | --- |
        | 2024-05-01T10:00:00.000Z | db | state | db READY -> UNHEALTHY: body lacks 'a\\|b' |
        """);
  }

  @Test
  void incidentsAsTextNameTheRootCauseTheAffectedAndTheTimeline() {
    List<Incident> incidents = Incidents.of(cascade, graph("app", "db"));

    assertThat(IncidentsView.render(incidents, OutputFormat.TEXT, at(1000))).isEqualTo("""
        #1  2024-05-01T10:01:40.000Z -> 2024-05-01T10:01:42.500Z  2.5s, recovered
            root cause: db: killed by SIGKILL [SIGNAL]
            affected:   db, app
            2024-05-01T10:01:40.000Z  db   killed by SIGKILL [SIGNAL]
            2024-05-01T10:01:40.010Z  app  required dependency 'db' is BACKOFF (it starts again once 'db' is READY) [DEPENDENCY_LOST]
        """);
  }

  @Test
  void incidentsAsJsonAndMarkdown() throws Exception {
    List<HealthEvent> open = new Script().up(0, 1, "web").crash(100, "web", 3).events();
    List<Incident> incidents = Incidents.of(open, graph("web", "x"));

    JsonNode json = OutputFormat.MAPPER.readTree(IncidentsView.render(incidents, OutputFormat.JSON, at(160)));
    assertThat(json.path("open").asBoolean()).isTrue();
    assertThat(json.path("end").isNull()).isTrue();
    assertThat(json.path("durationMillis").asLong()).isEqualTo(60_000);
    assertThat(json.path("root").asText()).isEqualTo("web");
    assertThat(json.path("rootCause").path("category").asText()).isEqualTo("EXIT_CODE");
    assertThat(json.path("failures").get(0).path("detail").asText()).isEqualTo("exited with code 3");

    assertThat(IncidentsView.render(incidents, OutputFormat.MARKDOWN, at(160))).isEqualTo("""
        | # | start | end | duration | root | root cause | affected | failures |
        | --- | --- | --- | --- | --- | --- | --- | --- |
        | 1 | 2024-05-01T10:01:40.000Z | open | open for 1m | web | exited with code 3 [EXIT_CODE] | web | 1 |
        """);
  }

  @Test
  void aReportAsTextIsAnAlignedTable() {
    // db: READY 1-100 and 101-200 of 200 s wanted; app: READY 2-100.01 and 102.5-200 of 199 s
    Report report = Report.of(cascade, at(0), at(200));

    assertThat(ReportView.render(report, OutputFormat.TEXT)).isEqualTo("""
        report 2024-05-01T10:00:00.000Z -> 2024-05-01T10:03:20.000Z (3m20s)
        component  availability  MTTR  MTBF   incidents  failures  restarts  failures by cause
        app        98.25%        2.5s  3m15s  1          1         0         DEPENDENCY_LOST 1
        db         99.00%        1s    3m18s  1          1         1         SIGNAL 1
        """);
  }

  @Test
  void aReportAsJsonAndMarkdown() throws Exception {
    Report report = Report.of(cascade, at(0), at(200));

    String[] lines = ReportView.render(report, OutputFormat.JSON).split("\n");
    assertThat(lines).hasSize(2);
    JsonNode db = OutputFormat.MAPPER.readTree(lines[1]);
    assertThat(db.path("component").asText()).isEqualTo("db");
    assertThat(db.path("mttrMillis").asLong()).isEqualTo(1000);
    assertThat(db.path("readyMillis").asLong()).isEqualTo(198_000);
    assertThat(db.path("wantedUpMillis").asLong()).isEqualTo(200_000);
    assertThat(db.path("failuresByCause").path("SIGNAL").asInt()).isEqualTo(1);
    assertThat(db.path("since").asText()).isEqualTo("2024-05-01T10:00:00Z");

    assertThat(ReportView.render(report, OutputFormat.MARKDOWN)).startsWith("""
        | component | availability | MTTR | MTBF | incidents | failures | restarts | failures by cause |
        | --- | --- | --- | --- | --- | --- | --- | --- |
        | app | 98.25% | 2.5s | 3m15s | 1 | 1 | 0 | DEPENDENCY_LOST 1 |
        """);
  }

  @Test
  void formatsAreReadInAnyCase() {
    assertThat(OutputFormat.parse("JSON")).isEqualTo(OutputFormat.JSON);
    assertThat(OutputFormat.parse("md")).isEqualTo(OutputFormat.MARKDOWN);
    assertThatThrownBy(() -> OutputFormat.parse("yaml")).hasMessage("unknown format 'yaml': use text, json or markdown");
    assertThat(OutputFormat.percent(99.9999)).isEqualTo("99.99%");
    assertThat(OutputFormat.percent(100.0)).isEqualTo("100.00%");
  }
}

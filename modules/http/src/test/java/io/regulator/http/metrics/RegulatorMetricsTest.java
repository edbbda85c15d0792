package io.regulator.http.metrics;

import static io.regulator.http.metrics.FiredAlertsTest.alert;
import static io.regulator.http.metrics.FiredAlertsTest.to;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.regulator.alerting.Severity;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.bus.EventBus;
import io.regulator.runtime.component.ComponentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /metrics} as Prometheus reads it: a real actor system and event bus, real health events
 * and alert notifications on it, statuses with the pid of a real child process whose memory is
 * sampled from /proc when someone reads.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegulatorMetricsTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final Duration MAX_SAMPLE_AGE = Duration.ofMillis(100);

  private final AtomicReference<List<ComponentStatus>> statuses = new AtomicReference<>(List.of());
  private BusinessMetrics business;
  private EventBus bus;
  private Process child;
  private RegulatorMetrics metrics;

  @BeforeEach
  void start() throws Exception {
    child = new ProcessBuilder("sleep", "30").start();
    statuses.set(List.of(
        status("web", ComponentState.READY, child.pid(), 0),
        status("worker", ComponentState.BACKOFF, null, 0)));
    business = new BusinessMetrics();
    bus = new EventBus(testKit.system());
    metrics = RegulatorMetrics.start(testKit.system(), bus,
        () -> CompletableFuture.completedFuture(statuses.get()), business, MAX_SAMPLE_AGE);
  }

  @AfterEach
  void stop() throws Exception {
    metrics.close();
    child.destroy();
    child.waitFor();
  }

  @Test
  void upAndStateFollowTheStatuses() {
    Exposition out = scrape();
    assertThat(out.value("regulator_component_up", "component", "web")).isEqualTo(1.0);
    assertThat(out.value("regulator_component_up", "component", "worker")).isEqualTo(0.0);
    assertStates(out, "web", ComponentState.READY);
    assertStates(out, "worker", ComponentState.BACKOFF);

    statuses.set(List.of(status("web", ComponentState.UNHEALTHY, child.pid(), 0),
        status("worker", ComponentState.READY, null, 0)));
    out = scrape();
    assertThat(out.value("regulator_component_up", "component", "web")).isEqualTo(0.0);
    assertThat(out.value("regulator_component_up", "component", "worker")).isEqualTo(1.0);
    assertStates(out, "web", ComponentState.UNHEALTHY);
    assertStates(out, "worker", ComponentState.READY);
  }

  @Test
  void restartsCountEveryRestartEventOnceAndNeverGoDown() {
    bus.publish(new HealthEvent.RestartScheduled(Instant.now(), "local", "worker", 1, 100));
    bus.publish(new HealthEvent.RestartScheduled(Instant.now(), "local", "worker", 2, 200));
    bus.publish(new HealthEvent.CircuitChanged(Instant.now(), "local", "worker", CircuitState.OPEN,
        CircuitState.HALF_OPEN, 1000, Cause.progress("cooldown passed; one trial start")));
    // not restarts: the circuit closing, a process starting
    bus.publish(new HealthEvent.CircuitChanged(Instant.now(), "local", "worker", CircuitState.HALF_OPEN,
        CircuitState.CLOSED, 1000, Cause.progress("stayed up")));
    bus.publish(new HealthEvent.ProcessStarted(Instant.now(), "local", "worker", 4242, System.nanoTime(), "worker"));

    Exposition out = scrapeUntil(o -> o.value("regulator_journal_events_total") == 5.0);
    assertThat(out.value("regulator_component_restarts_total", "component", "worker")).isEqualTo(3.0);
    assertThat(out.value("regulator_component_restarts_total", "component", "web")).isEqualTo(0.0);

    // the supervisor's own count catches up: the same three restarts, not three more
    statuses.set(List.of(status("web", ComponentState.READY, child.pid(), 0),
        status("worker", ComponentState.READY, null, 3)));
    assertThat(scrape().value("regulator_component_restarts_total", "component", "worker")).isEqualTo(3.0);

    // a reload replaced the worker's supervisor: its count starts at 0 again, the counter does not
    statuses.set(List.of(status("web", ComponentState.READY, child.pid(), 0),
        status("worker", ComponentState.READY, null, 0)));
    assertThat(scrape().value("regulator_component_restarts_total", "component", "worker")).isEqualTo(3.0);
    statuses.set(List.of(status("web", ComponentState.READY, child.pid(), 0),
        status("worker", ComponentState.READY, null, 1)));
    assertThat(scrape().value("regulator_component_restarts_total", "component", "worker")).isEqualTo(4.0);
  }

  @Test
  void probeChecksBecomeADurationSummary() {
    metrics.probeChecked("web", "readiness", "http", 2_000_000, true);
    metrics.probeChecked("web", "readiness", "http", 4_000_000, false);
    metrics.probeChecked("web", "liveness", "exec", 1_000_000, true);

    Exposition out = scrape();
    assertThat(out.types()).containsEntry("regulator_component_probe_duration_seconds", "summary");
    assertThat(out.value("regulator_component_probe_duration_seconds_count",
        "component", "web", "role", "readiness", "kind", "http")).isEqualTo(2.0);
    assertThat(out.value("regulator_component_probe_duration_seconds_sum",
        "component", "web", "role", "readiness", "kind", "http")).isCloseTo(0.006, within(1e-9));
    assertThat(out.value("regulator_component_probe_duration_seconds_count",
        "component", "web", "role", "liveness", "kind", "exec")).isEqualTo(1.0);
  }

  @Test
  void businessMetricsAreGaugesOfTheLastPushedValues() {
    business.record("web", Instant.now(), Map.of("processed", 120.0, "failed", 2.0));
    Exposition out = scrape();
    assertThat(out.named("regulator_component_business_metric")).hasSize(2);
    assertThat(out.value("regulator_component_business_metric", "component", "web", "metric", "processed"))
        .isEqualTo(120.0);
    assertThat(out.value("regulator_component_business_metric", "component", "web", "metric", "failed"))
        .isEqualTo(2.0);

    business.record("web", Instant.now(), Map.of("processed", 130.0, "queue_depth", 7.0));
    out = scrape();
    assertThat(out.named("regulator_component_business_metric")).hasSize(3);
    assertThat(out.value("regulator_component_business_metric", "component", "web", "metric", "processed"))
        .isEqualTo(130.0);
    assertThat(out.value("regulator_component_business_metric", "component", "web", "metric", "queue_depth"))
        .isEqualTo(7.0);

    business.forget("web");
    assertThat(scrape().named("regulator_component_business_metric")).isEmpty();
  }

  @Test
  void alertsCountOncePerAlertThatFired() {
    Instant since = Instant.now();
    publish(to("slack", alert("web", "crashed", Severity.ERROR, since, false, 0)));
    publish(to("oncall", alert("web", "crashed", Severity.ERROR, since, false, 0)));
    publish(to("slack", alert("web", "crashed", Severity.CRITICAL, since, false, 1))); // escalated
    publish(to("slack", alert("web", "crashed", Severity.CRITICAL, since, true, 1))); // resolved
    publish(to("slack", alert("worker", "circuit-open", Severity.CRITICAL, since, false, 0)));

    Exposition out = scrapeUntil(o -> o.value("regulator_alerts_total", "severity", "CRITICAL") == 1.0);
    assertThat(out.types()).containsEntry("regulator_alerts_total", "counter");
    assertThat(out.value("regulator_alerts_total", "severity", "ERROR")).isEqualTo(1.0);
    assertThat(out.value("regulator_alerts_total", "severity", "WARNING")).isEqualTo(0.0);
    assertThat(out.value("regulator_alerts_total", "severity", "INFO")).isEqualTo(0.0);
  }

  @Test
  void everyHealthEventOnTheBusCountsAsAJournalEvent() {
    assertThat(scrape().value("regulator_journal_events_total")).isEqualTo(0.0);
    bus.publish(new HealthEvent.StateChanged(Instant.now(), "local", "web", ComponentState.READY,
        ComponentState.UNHEALTHY, Cause.of(CauseCategory.PROBE_TIMEOUT, "liveness timed out")));
    bus.publish(new HealthEvent.ProcessExited(Instant.now(), "local", "web", 4242, ExitStatus.code(1),
        Cause.of(CauseCategory.EXIT_CODE, "exited with code 1"), 1200, System.nanoTime()));
    bus.publish(new HealthEvent.RegulatorLifecycle(Instant.now(), "local", HealthEvent.SYSTEM, "started",
        Optional.empty()));

    Exposition out = scrapeUntil(o -> o.value("regulator_journal_events_total") >= 3.0);
    assertThat(out.value("regulator_journal_events_total")).isEqualTo(3.0);
    assertThat(out.types()).containsEntry("regulator_journal_events_total", "counter");
  }

  @Test
  void httpRequestsCountByMethodAndStatus() {
    metrics.countRequest("GET", 200);
    metrics.countRequest("GET", 200);
    metrics.countRequest("POST", 404);

    Exposition out = scrape();
    assertThat(out.value("regulator_http_requests_total", "method", "GET", "status", "200")).isEqualTo(2.0);
    assertThat(out.value("regulator_http_requests_total", "method", "POST", "status", "404")).isEqualTo(1.0);
    assertThat(out.named("regulator_http_requests_total")).hasSize(2);
  }

  @Test
  void theRunningProcessIsSampledAndAStoppedOneForgotten() throws Exception {
    // right after the spawn the process may not have its own memory yet
    await().atMost(PATIENCE).until(() -> metrics.resources("web").filter(s -> s.residentMemoryBytes() > 0).isPresent());
    assertThat(metrics.resources("web").orElseThrow().threads()).isEqualTo(1);
    assertThat(metrics.resources("web").orElseThrow().residentMemoryBytes()).isPositive();
    assertThat(metrics.resources("worker")).isEmpty();

    Exposition out = scrape();
    assertThat(out.value("regulator_component_resident_memory_bytes", "component", "web")).isPositive();
    assertThat(out.value("regulator_component_cpu_seconds_total", "component", "web")).isNotNull()
        .isGreaterThanOrEqualTo(0.0);
    assertThat(out.types()).containsEntry("regulator_component_cpu_seconds_total", "counter")
        .containsEntry("regulator_component_resident_memory_bytes", "gauge");
    assertThat(out.value("regulator_component_resident_memory_bytes", "component", "worker")).isNull();

    child.destroy();
    child.waitFor();
    statuses.set(List.of(status("web", ComponentState.BACKOFF, null, 1),
        status("worker", ComponentState.BACKOFF, null, 0)));
    out = scrape();
    assertThat(out.value("regulator_component_resident_memory_bytes", "component", "web")).isNull();
    assertThat(out.value("regulator_component_cpu_seconds_total", "component", "web")).isNull();
    assertThat(metrics.resources("web")).isEmpty();
  }

  @Test
  void nobodyReadingMeansNoSamplingAndAScrapeAfterwardsIsFresh() throws Exception {
    Thread.sleep(MAX_SAMPLE_AGE.multipliedBy(10).toMillis()); // quiet: nobody scrapes or asks
    assertThat(metrics.rounds()).isZero();

    Instant before = Instant.now();
    Exposition out = scrape();
    assertThat(metrics.rounds()).isEqualTo(1);
    assertThat(out.value("regulator_component_resident_memory_bytes", "component", "web")).isPositive();
    assertThat(metrics.resources("web").orElseThrow().at()).isAfterOrEqualTo(before);

    Thread.sleep(MAX_SAMPLE_AGE.multipliedBy(10).toMillis());
    assertThat(metrics.rounds()).as("no schedule keeps sampling after a read").isEqualTo(1);
  }

  @Test
  void readsWhileARoundRunsJoinItAndFreshSamplesServeTheNextOnes() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    try (RegulatorMetrics slow = RegulatorMetrics.start(testKit.system(), bus,
        () -> gate.thenApply(open -> statuses.get()), business, Duration.ofHours(1))) {
      // the round waits for the statuses: the API's read does not, the scrape does
      assertThat(slow.resources("web")).isEmpty();
      CompletableFuture<String> scraped = slow.scrape().toCompletableFuture();
      assertThat(slow.resources("web")).isEmpty();
      assertThat(slow.rounds()).isEqualTo(1);
      assertThat(scraped).isNotDone();

      gate.complete(null);
      Exposition out = Exposition.parse(scraped.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
      assertThat(out.value("regulator_component_resident_memory_bytes", "component", "web")).isNotNull();
      assertThat(slow.resources("web")).isPresent();

      // younger than the max age: served as they are
      assertThat(Exposition.parse(slow.scrape().toCompletableFuture().join())
          .value("regulator_component_cpu_seconds_total", "component", "web")).isNotNull();
      assertThat(slow.rounds()).isEqualTo(1);
    }
  }

  @Test
  void jvmAndProcessMetricsAreThere() {
    Exposition out = scrape();
    assertThat(out.named("jvm_memory_used_bytes")).isNotEmpty().allMatch(s -> s.value() >= 0);
    assertThat(out.value("jvm_threads_live_threads")).isPositive();
    assertThat(out.value("jvm_classes_loaded_classes")).isPositive();
    assertThat(out.value("process_uptime_seconds")).isPositive();
    assertThat(out.value("process_files_open_files")).isPositive();
    assertThat(out.value("system_cpu_count")).isPositive();
  }

  @Test
  void aComponentGoneFromTheStatusesDisappears() {
    metrics.probeChecked("worker", "readiness", "tcp", 1_000_000, true);
    business.record("worker", Instant.now(), Map.of("processed", 5.0));
    bus.publish(new HealthEvent.RestartScheduled(Instant.now(), "local", "worker", 1, 100));
    Exposition out = scrapeUntil(o -> o.value("regulator_component_restarts_total", "component", "worker") == 1.0);
    assertThat(out.withLabel("component", "worker")).isNotEmpty();

    // a reload removed the worker
    statuses.set(List.of(status("web", ComponentState.READY, child.pid(), 0)));
    out = scrape();
    assertThat(out.withLabel("component", "worker")).isEmpty();
    assertThat(out.value("regulator_component_up", "component", "web")).isEqualTo(1.0);

    // and a later one added it back: it starts again from what its status says
    statuses.set(List.of(status("web", ComponentState.READY, child.pid(), 0),
        status("worker", ComponentState.STARTING, null, 0)));
    out = scrape();
    assertThat(out.value("regulator_component_up", "component", "worker")).isEqualTo(0.0);
    assertThat(out.value("regulator_component_restarts_total", "component", "worker")).isEqualTo(0.0);
    assertThat(out.value("regulator_component_probe_duration_seconds_count",
        "component", "worker", "role", "readiness", "kind", "tcp")).isNull();
  }

  @Test
  void theTextIsPrometheusTextFormatWithTheContractsTypes() {
    assertThat(RegulatorMetrics.CONTENT_TYPE).isEqualTo(PrometheusTextFormatWriter.CONTENT_TYPE);
    Exposition out = scrape();
    assertThat(out.types())
        .containsEntry("regulator_component_up", "gauge")
        .containsEntry("regulator_component_state", "gauge")
        .containsEntry("regulator_component_restarts_total", "counter");
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private static ComponentStatus status(String name, ComponentState state, Long pid, int restarts) {
    return new ComponentStatus(name, state, true, pid, restarts, CircuitState.CLOSED, state == ComponentState.READY,
        Instant.now(), null, null, List.of(), List.of(), List.of());
  }

  private void publish(Object event) {
    testKit.system().eventStream().tell(new EventStream.Publish<>(event));
  }

  private Exposition scrape() {
    return Exposition.parse(metrics.scrape().toCompletableFuture().join());
  }

  /** Scrapes until the events published before have been counted. */
  private Exposition scrapeUntil(Predicate<Exposition> counted) {
    AtomicReference<Exposition> last = new AtomicReference<>();
    await().atMost(PATIENCE).until(() -> {
      Exposition out = scrape();
      last.set(out);
      try {
        return counted.test(out);
      } catch (NullPointerException notThereYet) {
        return false;
      }
    });
    return last.get();
  }

  private static void assertStates(Exposition out, String component, ComponentState current) {
    List<ComponentState> shown = new ArrayList<>();
    for (Exposition.Series s : out.named("regulator_component_state")) {
      if (s.labels().get("component").equals(component)) {
        shown.add(ComponentState.valueOf(s.labels().get("state")));
        assertThat(s.value()).as("%s %s", component, s.labels().get("state"))
            .isEqualTo(s.labels().get("state").equals(current.name()) ? 1.0 : 0.0);
      }
    }
    assertThat(shown).containsExactlyInAnyOrder(ComponentState.values());
  }
}

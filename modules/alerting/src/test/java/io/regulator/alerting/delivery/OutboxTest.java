package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.alerting.Notification;
import io.regulator.core.event.HealthEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/**
 * One receiver's outbox against a real HTTP endpoint that fails in scripted ways, on a real H2
 * journal. Times are asserted loosely, from the arrival times the endpoint recorded.
 */
class OutboxTest extends JournaledSystems {

  static final Duration WAIT = Duration.ofSeconds(15);

  /** A webhook receiver "hook" on the recording endpoint; fast retries, no rate limit, no breaker unless asked. */
  DeliverySettings settings(String path, String receiverHocon, String deliveryHocon) {
    return Fixtures.settings("""
        receivers.hook { type = webhook, url = "%s", timeout = 2s, min-interval = 0s, %s }
        delivery { backoff { min = 100ms, max = 400ms }, circuit-breaker.max-failures = 100, %s }
        """.formatted(hook.url(path), receiverHocon, deliveryHocon));
  }

  DeliverySettings settings() {
    return settings("/hook", "", "");
  }

  ActorRef<Outbox.Command> outbox(ActorTestKit kit, DeliverySettings s) {
    WebhookTransport transport = new WebhookTransport(WebhookTransport.defaultClient(), Clock.systemUTC());
    return kit.spawn(Outbox.create(s.receivers().get("hook"), s, transport, published::add, Clock.systemUTC()),
        "outbox-hook");
  }

  static void enqueue(ActorTestKit kit, ActorRef<Outbox.Command> outbox, Notification... notifications) {
    TestProbe<Done> probe = kit.createTestProbe();
    for (Notification n : notifications) {
      outbox.tell(new Outbox.Enqueue(n, probe.ref()));
      probe.expectMessage(WAIT, Done.getInstance());
    }
  }

  static Outbox.Status status(ActorTestKit kit, ActorRef<Outbox.Command> outbox) {
    TestProbe<Outbox.Status> probe = kit.createTestProbe();
    outbox.tell(new Outbox.GetStatus(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  static Notification n(String id) {
    return Fixtures.notification(id, "hook");
  }

  static long millisBetween(RecordingWebhook.Request a, RecordingWebhook.Request b) {
    return (b.nanos() - a.nanos()) / 1_000_000;
  }

  @Test
  void deliversInOrderThroughServerErrors() throws Exception {
    hook.then(500, 3);
    ActorTestKit kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, settings());

    enqueue(kit, outbox, n("n1"), n("n2"), n("n3"));

    await().atMost(WAIT).until(() -> hook.acceptedIds().size() == 3);
    assertThat(hook.acceptedIds()).containsExactly("n1", "n2", "n3");
    // n2 was not tried before n1 got through: one at a time, in order
    assertThat(hook.requestedIds()).containsExactly("n1", "n1", "n1", "n1", "n2", "n3");
    List<RecordingWebhook.Request> r = hook.requests();
    // exponential backoff from 100 ms: about 100, 200, 400 ms between the attempts
    assertThat(millisBetween(r.get(0), r.get(1))).isBetween(90L, 1_000L);
    assertThat(millisBetween(r.get(2), r.get(3))).isGreaterThanOrEqualTo(350L);
    assertThat(r.get(4).contentType()).startsWith("application/json");

    Outbox.Status status = status(kit, outbox);
    assertThat(status.pending()).isEmpty();
    assertThat(status.delivered()).isEqualTo(3);
    assertThat(journal(kit, "hook")).extracting(e -> e.getClass().getSimpleName() + " " + id(e))
        .containsExactly("Queued n1", "Queued n2", "Queued n3", "Delivered n1", "Delivered n2", "Delivered n3");
    assertThat(logLines()).anyMatch(l -> l.startsWith("WARN") && l.contains("attempt 1 of message n1 failed")
        && l.contains("HTTP 500"));
  }

  @Test
  void honoursRetryAfterOn429() throws Exception {
    hook.then(new RecordingWebhook.Answer(429, Map.of("Retry-After", "2"), "rate_limited"));
    ActorTestKit kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, settings());

    enqueue(kit, outbox, n("n1"), n("n2"));

    await().atMost(WAIT).until(() -> hook.acceptedIds().size() == 2);
    List<RecordingWebhook.Request> r = hook.requests();
    assertThat(hook.requestedIds()).containsExactly("n1", "n1", "n2");
    assertThat(r.get(0).status()).isEqualTo(429);
    // the backoff alone would have been 100 ms
    assertThat(millisBetween(r.get(0), r.get(1))).isBetween(1_900L, 4_000L);
  }

  @Test
  void sendsAtMostOneMessagePerMinInterval() throws Exception {
    hook.then(500, 1);
    ActorTestKit kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, settings("/hook", "min-interval = 1s", ""));

    enqueue(kit, outbox, n("n1"), n("n2"), n("n3"));

    await().atMost(WAIT).until(() -> hook.acceptedIds().size() == 3);
    List<RecordingWebhook.Request> r = hook.requests();
    assertThat(hook.requestedIds()).containsExactly("n1", "n1", "n2", "n3");
    for (int i = 1; i < r.size(); i++) {
      // retries too: the backoff (100 ms) is shorter than the interval
      assertThat(millisBetween(r.get(i - 1), r.get(i))).as("gap before request %d", i).isBetween(900L, 2_500L);
    }
  }

  @Test
  void badRequestFailsThatMessageOnly() throws Exception {
    hook.then(new RecordingWebhook.Answer(400, Map.of(), "invalid_payload"));
    ActorTestKit kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, settings());

    enqueue(kit, outbox, n("n1"), n("n2"));

    await().atMost(WAIT).until(() -> hook.acceptedIds().equals(List.of("n2")));
    sleep(Duration.ofMillis(500));
    assertThat(hook.requestedIds()).containsExactly("n1", "n2"); // n1 never again
    Outbox.Status status = status(kit, outbox);
    assertThat(status.failed()).isEqualTo(1);
    assertThat(status.delivered()).isEqualTo(1);
    List<Object> events = journal(kit, "hook");
    assertThat(events).filteredOn(Outbox.Failed.class::isInstance).singleElement()
        .isInstanceOfSatisfying(Outbox.Failed.class, f -> {
          assertThat(f.id()).isEqualTo("n1");
          assertThat(f.reason()).contains("HTTP 400").contains("invalid_payload");
        });
    assertThat(logLines()).anyMatch(l -> l.startsWith("ERROR") && l.contains("message n1 not delivered")
        && l.contains("invalid_payload"));
    assertThat(published).isEmpty();
  }

  @Test
  void notFoundDisablesTheReceiverRaisesCriticalAndKeepsTheQueue() throws Exception {
    String secretPath = "/services/T0/B0/SECRET404";
    hook.otherwise(404, "no_service");
    DeliverySettings settings = settings(secretPath, "", "");
    ActorTestKit kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, settings);

    enqueue(kit, outbox, n("n1"), n("n2"));

    await().atMost(WAIT).until(() -> published.size() == 1);
    assertThat(published.get(0)).isInstanceOfSatisfying(HealthEvent.SystemCritical.class, c -> {
      assertThat(c.component()).isEqualTo(HealthEvent.SYSTEM);
      assertThat(c.node()).isEqualTo(settings.node());
      assertThat(c.reason()).contains("alert receiver 'hook'").contains("disabled").contains("HTTP 404")
          .contains("no_service").contains("2 message(s) kept queued")
          .contains("regulator.alerts.receivers.hook.url")
          .contains(hook.url("/***#")).doesNotContain("SECRET404");
    });
    sleep(Duration.ofSeconds(1));
    assertThat(hook.requestedIds()).containsExactly("n1");
    Outbox.Status status = status(kit, outbox);
    assertThat(status.disabled()).isPresent();
    assertThat(status.pending()).containsExactly("n1", "n2");

    // disabled is journaled: a restart does not bring it back, and says so again
    stop(kit);
    kit = startSystem();
    outbox = outbox(kit, settings);
    await().atMost(WAIT).until(() -> published.size() == 2);
    assertThat(((HealthEvent.SystemCritical) published.get(1)).reason()).contains("still disabled")
        .doesNotContain("SECRET404");
    sleep(Duration.ofSeconds(1));
    assertThat(hook.requestedIds()).containsExactly("n1");

    // fixed and enabled by hand: the kept messages go, in order
    hook.otherwise(200, "ok");
    TestProbe<Done> probe = kit.createTestProbe();
    outbox.tell(new Outbox.Enable(probe.ref()));
    probe.expectMessage(WAIT, Done.getInstance());
    await().atMost(WAIT).until(() -> hook.acceptedIds().size() == 2);
    assertThat(hook.acceptedIds()).containsExactly("n1", "n2");
    assertThat(status(kit, outbox).disabled()).isEmpty();

    assertThat(logLines()).isNotEmpty().noneMatch(l -> l.contains("SECRET404"));
    assertThat(journal(kit, "hook").toString()).doesNotContain("SECRET404");
  }

  @Test
  void aDisabledReceiverIsEnabledWhenItsUrlChanges() throws Exception {
    hook.then(new RecordingWebhook.Answer(410, Map.of(), "channel_is_archived"));
    ActorTestKit kit = startSystem();
    enqueue(kit, outbox(kit, settings("/old", "", "")), n("n1"));
    await().atMost(WAIT).until(() -> published.size() == 1);
    stop(kit);

    kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, settings("/new", "", ""));

    await().atMost(WAIT).until(() -> hook.acceptedIds().size() == 1);
    assertThat(hook.requests()).extracting(RecordingWebhook.Request::path).containsExactly("/old", "/new");
    assertThat(status(kit, outbox).disabled()).isEmpty();
    assertThat(published).hasSize(1); // no "still disabled" for a receiver that points elsewhere now
  }

  @Test
  void circuitBreakerOpensAfterRepeatedFailures() throws Exception {
    hook.otherwise(500, "down");
    ActorTestKit kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, settings("/hook", "",
        "backoff { min = 50ms, max = 100ms }, circuit-breaker { max-failures = 3, reset-timeout = 1500ms, "
            + "max-reset-timeout = 1500ms }"));

    enqueue(kit, outbox, n("n1"));

    await().atMost(WAIT).until(() -> hook.requests().size() == 3);
    await().atMost(WAIT).until(() -> status(kit, outbox).circuitBreaker().equals("OPEN"));
    sleep(Duration.ofMillis(900));
    assertThat(hook.requests()).hasSize(3); // the backoff (≤ 100 ms) passed long ago: the breaker holds it

    hook.otherwise(200, "ok");
    await().atMost(WAIT).until(() -> hook.acceptedIds().size() == 1);
    List<RecordingWebhook.Request> r = hook.requests();
    assertThat(r).hasSize(4);
    assertThat(millisBetween(r.get(2), r.get(3))).isBetween(1_400L, 4_000L);
    await().atMost(WAIT).until(() -> status(kit, outbox).circuitBreaker().equals("CLOSED"));
    assertThat(logLines()).anyMatch(l -> l.contains("circuit breaker open after 3 failed attempts"));
  }

  @Test
  void repeatsAreSentOnceAlsoAfterARestart() throws Exception {
    ActorTestKit kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, settings());
    enqueue(kit, outbox, n("n1"), n("n1"), n("n2"));
    await().atMost(WAIT).until(() -> hook.acceptedIds().size() == 2);
    stop(kit);

    kit = startSystem();
    outbox = outbox(kit, settings());
    enqueue(kit, outbox, n("n1"), n("n2"), n("n3"));
    await().atMost(WAIT).until(() -> hook.acceptedIds().size() == 3);
    sleep(Duration.ofMillis(500));
    assertThat(hook.requestedIds()).containsExactly("n1", "n2", "n3");
  }

  @Test
  void aMessageTooOldFailsInsteadOfGoingLate() throws Exception {
    ActorTestKit kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, settings("/hook", "", "expire-after = 1h"));

    enqueue(kit, outbox, Fixtures.notification("old", "hook", Instant.now().minus(Duration.ofHours(2))), n("new"));

    await().atMost(WAIT).until(() -> hook.acceptedIds().size() == 1);
    assertThat(hook.requestedIds()).containsExactly("new");
    assertThat(journal(kit, "hook")).filteredOn(Outbox.Failed.class::isInstance).singleElement()
        .isInstanceOfSatisfying(Outbox.Failed.class, f -> assertThat(f.reason()).startsWith("expired"));
  }

  @Test
  void noAnswerWithinTheTimeoutIsRetried() throws Exception {
    // nothing listens on the port: the connection is refused, a retryable failure
    DeliverySettings s = Fixtures.settings("""
        receivers.hook { type = webhook, url = "http://127.0.0.1:%d/hook", timeout = 1s, min-interval = 0s }
        delivery { backoff { min = 100ms, max = 200ms } }
        """.formatted(closedPort()));
    ActorTestKit kit = startSystem();
    ActorRef<Outbox.Command> outbox = outbox(kit, s);
    enqueue(kit, outbox, n("n1"));

    await().atMost(WAIT).until(() -> status(kit, outbox).failedAttempts() >= 2);
    Outbox.Status status = status(kit, outbox);
    assertThat(status.pending()).containsExactly("n1");
    assertThat(status.lastError()).get().asString().contains("connect");
  }

  private static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String id(Object event) {
    if (event instanceof Outbox.Queued q) {
      return q.notification().id();
    }
    if (event instanceof Outbox.Delivered d) {
      return d.id();
    }
    if (event instanceof Outbox.Failed f) {
      return f.id();
    }
    return "";
  }
}

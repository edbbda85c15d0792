package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.regulator.alerting.Notification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/**
 * The promise of the outbox, end to end through the {@link Dispatcher}: Slack answers 500 and 429
 * for a while, Regulator (the actor system) is stopped with alerts pending and started again on the
 * same journal, and afterwards every alert has arrived, in order, none twice.
 */
class RestartTest extends JournaledSystems {

  static final Duration WAIT = Duration.ofSeconds(30);

  DeliverySettings settings() {
    return Fixtures.settings("""
        receivers.ops { type = slack, webhook-url = "%s", min-interval = 200ms, timeout = 2s }
        # a snapshot every 3 events: the second start recovers from a snapshot and the events after it
        delivery { backoff { min = 200ms, max = 1s }, snapshot-every = 3 }
        """.formatted(hook.url("/services/T0/B0/XXXX")));
  }

  ActorRef<Notification> dispatcher(ActorTestKit kit) {
    return kit.spawn(Dispatcher.create(settings(), published::add), "alert-delivery");
  }

  static Notification n(int i) {
    return Fixtures.notification("n" + i, "ops");
  }

  @Test
  void everyAlertArrivesInOrderExactlyOnceAcrossARestartWhileSlackFails() throws Exception {
    // Slack takes the first message, then is down: 500s and a 429, then 500 until further notice
    hook.then(200, 1).then(500, 2)
        .then(new RecordingWebhook.Answer(429, Map.of("Retry-After", "1"), "rate_limited"))
        .otherwise(500, "internal_error");
    ActorTestKit first = startSystem();
    ActorRef<Notification> dispatcher = dispatcher(first);
    IntStream.rangeClosed(1, 5).forEach(i -> dispatcher.tell(n(i)));

    await().atMost(WAIT).until(() -> hook.requests().size() >= 6);
    assertThat(hook.acceptedIds()).containsExactly("n1");
    stop(first); // with n2..n5 queued and n2 in the middle of its retries
    int beforeRestart = hook.requests().size();
    sleep(Duration.ofMillis(500));
    assertThat(hook.requests()).hasSize(beforeRestart); // nothing goes out while Regulator is down

    // Slack still throttles and fails a little after the restart, then recovers
    hook.then(new RecordingWebhook.Answer(429, Map.of("Retry-After", "1"), "rate_limited")).then(500, 1)
        .otherwise(200, "ok");
    ActorTestKit second = startSystem();
    ActorRef<Notification> again = dispatcher(second);
    again.tell(n(1)); // delivered before the restart
    again.tell(n(3)); // pending from before the restart
    again.tell(n(6)); // new

    List<String> all = List.of("n1", "n2", "n3", "n4", "n5", "n6");
    await().atMost(WAIT).until(() -> hook.acceptedIds().size() >= all.size());
    sleep(Duration.ofSeconds(1));
    assertThat(hook.acceptedIds()).containsExactlyElementsOf(all);

    // never a later message before an earlier one was through: attempts go in order too
    List<Integer> attempted = hook.requestedIds().stream().map(id -> Integer.parseInt(id.substring(1))).toList();
    assertThat(attempted).isSorted();
    assertThat(hook.requests().subList(beforeRestart, hook.requests().size()))
        .extracting(RecordingWebhook.Request::status).startsWith(429, 500);

    // what Slack got is Block Kit within its limits
    ObjectMapper json = new ObjectMapper();
    for (RecordingWebhook.Request r : hook.requests()) {
      assertThat(r.path()).isEqualTo("/services/T0/B0/XXXX");
      SlackMessageTest.assertWithinLimits(json.readTree(r.body()));
    }

    assertThat(journal(second, "ops")).filteredOn(Outbox.Delivered.class::isInstance)
        .extracting(e -> ((Outbox.Delivered) e).id()).containsExactlyElementsOf(all);
    assertThat(published).isEmpty();
    assertThat(logLines()).noneMatch(l -> l.contains("XXXX"));
  }

  @Test
  void theLogReceiverAndUnknownReceivers() throws Exception {
    ActorTestKit kit = startSystem();
    ActorRef<Notification> dispatcher = kit.spawn(Dispatcher.create(
        Fixtures.settings("receivers.console { type = log }"), published::add), "alert-delivery");

    dispatcher.tell(Fixtures.notification("c1", "console"));
    dispatcher.tell(Fixtures.notification("x1", "nope"));

    await().atMost(WAIT).until(() -> logLines().stream().anyMatch(l ->
        l.startsWith("ERROR " + LogReceiver.LOGGER + " alert to 'console': ERROR runner/crashed: runner crashed (c1)")
            && l.contains("exited with code 3") && l.contains("[notification c1]")));
    assertThat(logLines()).anyMatch(l -> l.startsWith("ERROR") && l.contains("receiver 'nope', which is not configured")
        && l.contains("[console, log]"));
    await().atMost(WAIT).until(() -> journal(kit, "console").stream().anyMatch(Outbox.Delivered.class::isInstance));
  }
}

package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.regulator.alerting.Alert;
import io.regulator.alerting.Notification;
import io.regulator.alerting.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What the outbox journals goes through Pekko's Jackson serializer and comes back equal. */
class SerializationTest {

  static final ActorTestKit KIT = ActorTestKit.create("serialization", ConfigFactory.load());
  static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void eventsAndSnapshotsRoundTripAsJson() {
    SerializationTestKit kit = new SerializationTestKit(KIT.system());
    Notification full = Fixtures.notification("n-1", "ops", T);
    Notification bare = new Notification("n-2", "ops", T, List.of(new Alert("a/b", "a", "b", Severity.INFO, "t",
        null, null, List.of(), true, 2)), Optional.of("summary"), Optional.empty());
    List<Object> values = List.of(
        new Outbox.Queued(full),
        new Outbox.Queued(bare),
        new Outbox.Delivered("n-1", T, 3),
        new Outbox.Failed("n-1", "Slack answered HTTP 400", T),
        new Outbox.ReceiverDisabled("gone", "abcd1234", T),
        new Outbox.ReceiverEnabled("fixed", T),
        new OutboxState(List.of(full, bare), List.of("x", "y"), 4, 1,
            Optional.of(new Outbox.ReceiverDisabled("gone", "abcd1234", T))));
    for (Object value : values) {
      assertThat(SerializationExtension.get(KIT.system().classicSystem()).findSerializerFor(value).getClass()
          .getSimpleName()).as("serializer of %s", value.getClass()).isEqualTo("JacksonJsonSerializer");
      kit.verifySerialization(value, true);
    }
  }
}

package io.regulator.journal.write;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.BackoffSpec;
import io.regulator.journal.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The entity alone, on Pekko's in-memory journal (the JDBC stores are covered by {@code JournalContract}). */
@ExtendWith(LogCapturingExtension.class)
class ComponentHistoryTest {

  private static final ActorTestKit TEST_KIT =
      ActorTestKit.create("component-history", EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  private final EventSourcedBehaviorTestKit<ComponentHistory.Command, StoredEvent, HistoryState> kit =
      EventSourcedBehaviorTestKit.create(TEST_KIT.system(), ComponentHistory.create("component|web", 3,
          new BackoffSpec(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2, Duration.ZERO)),
      // events and snapshots must survive serialization; commands stay in this JVM
      EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false));

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  @BeforeEach
  void clear() {
    kit.clear();
  }

  private static StoredEvent restart(int attempt) {
    return StoredEvent.of(new HealthEvent.RestartScheduled(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(attempt),
        "n1", "web", attempt, 100));
  }

  @Test
  void recordPersistsTheEventsAndRepliesOnceStored() {
    var result = kit.<Done>runCommand(replyTo -> new ComponentHistory.Record(List.of(restart(1), restart(2)), replyTo));

    assertThat(result.events()).containsExactly(restart(1), restart(2));
    assertThat(result.reply()).isEqualTo(Done.getInstance());
    assertThat(result.state().restarts()).isEqualTo(2);
    assertThat(result.state().lastEvent()).isEqualTo(restart(2));
  }

  @Test
  void aRetriedBatchStoresOnlyWhatIsNew() {
    kit.<Done>runCommand(replyTo -> new ComponentHistory.Record(List.of(restart(1), restart(2)), replyTo));

    // the writer did not get the confirmation and sends the batch again, with a newer event
    var retried = kit.<Done>runCommand(replyTo ->
        new ComponentHistory.Record(List.of(restart(1), restart(2), restart(3)), replyTo));
    assertThat(retried.events()).containsExactly(restart(3));

    var again = kit.<Done>runCommand(replyTo -> new ComponentHistory.Record(List.of(restart(3)), replyTo));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply()).isEqualTo(Done.getInstance());
    assertThat(again.state().restarts()).isEqualTo(3);
  }

  @Test
  void historySurvivesARestartOfTheEntity() {
    Cause crash = Cause.of(CauseCategory.EXIT_CODE, "exited with code 3");
    StoredEvent exited = StoredEvent.of(new HealthEvent.ProcessExited(Instant.parse("2025-01-01T00:01:00Z"), "n1",
        "web", 7, ExitStatus.code(3), crash, 60_000, 1));
    kit.<Done>runCommand(replyTo -> new ComponentHistory.Record(List.of(restart(1), exited, restart(2),
        restart(3), restart(4)), replyTo));
    HistoryState before = kit.<HistoryState>runCommand(ComponentHistory.GetHistory::new).reply();

    HistoryState after = kit.restart().state(); // from the snapshot at 3 plus events 4 and 5

    assertThat(after).isEqualTo(before);
    assertThat(after.failures()).isEqualTo(1);
    assertThat(after.lastExit().code()).isEqualTo(3);
    assertThat(after.restarts()).isEqualTo(4);
  }
}

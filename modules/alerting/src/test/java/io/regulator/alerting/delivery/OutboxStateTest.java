package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.alerting.Notification;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The outbox's state: order, repeats, the dedup window. */
class OutboxStateTest {

  static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

  static Notification n(String id) {
    return Fixtures.notification(id, "ops", T);
  }

  @Test
  void keepsQueuedMessagesInOrderAndDropsFinishedOnes() {
    OutboxState s = OutboxState.empty()
        .apply(new Outbox.Queued(n("a")), 10)
        .apply(new Outbox.Queued(n("b")), 10)
        .apply(new Outbox.Queued(n("c")), 10)
        .apply(new Outbox.Delivered("a", T, 1), 10)
        .apply(new Outbox.Failed("c", "400", T), 10);
    assertThat(s.pending()).extracting(Notification::id).containsExactly("b");
    assertThat(s.head()).map(Notification::id).contains("b");
    assertThat(s.delivered()).isEqualTo(1);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.finished()).containsExactly("a", "c");
  }

  @Test
  void aRepeatIsIgnoredWhilePendingAndWithinTheWindow() {
    OutboxState s = OutboxState.empty()
        .apply(new Outbox.Queued(n("a")), 2)
        .apply(new Outbox.Queued(n("a")), 2);
    assertThat(s.pending()).hasSize(1);
    s = s.apply(new Outbox.Delivered("a", T, 1), 2).apply(new Outbox.Queued(n("a")), 2);
    assertThat(s.pending()).isEmpty();
    assertThat(s.knows("a")).isTrue();
    // a finished message twice delivered counts once
    assertThat(s.apply(new Outbox.Delivered("a", T, 1), 2).delivered()).isEqualTo(1);
  }

  @Test
  void theWindowForgetsTheOldest() {
    OutboxState s = OutboxState.empty();
    for (String id : new String[] {"a", "b", "c"}) {
      s = s.apply(new Outbox.Queued(n(id)), 2).apply(new Outbox.Delivered(id, T, 1), 2);
    }
    assertThat(s.finished()).containsExactly("b", "c");
    assertThat(s.knows("a")).isFalse();
  }

  @Test
  void disabledUntilEnabled() {
    OutboxState s = OutboxState.empty().apply(new Outbox.ReceiverDisabled("404", "abcd", T), 10);
    assertThat(s.disabled()).map(Outbox.ReceiverDisabled::fingerprint).contains("abcd");
    assertThat(s.apply(new Outbox.ReceiverEnabled("fixed", T), 10).disabled()).isEmpty();
  }
}

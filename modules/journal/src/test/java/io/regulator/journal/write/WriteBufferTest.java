package io.regulator.journal.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.HealthEvent;
import io.regulator.journal.StoredEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteBufferTest {

  private static StoredEvent event(String component, int n) {
    return StoredEvent.of(new HealthEvent.RestartScheduled(Instant.EPOCH, "n1", component, n, 0));
  }

  private static List<Integer> attempts(List<StoredEvent> batch) {
    return batch.stream().map(StoredEvent::attempt).toList();
  }

  @Test
  void oneWriteInFlightPerComponentInArrivalOrder() {
    WriteBuffer b = new WriteBuffer(100);
    for (int i = 1; i <= 5; i++) {
      b.add("component|a", event("a", i));
    }
    assertThat(attempts(b.take("component|a", 3))).containsExactly(1, 2, 3);
    assertThat(b.take("component|a", 3)).isEmpty(); // in flight
    assertThat(b.confirm("component|a")).isEqualTo(3);
    assertThat(attempts(b.take("component|a", 3))).containsExactly(4, 5);
    b.release("component|a"); // failed: sent again, in order, with what arrived meanwhile
    b.add("component|a", event("a", 6));
    assertThat(attempts(b.take("component|a", 10))).containsExactly(4, 5, 6);
    assertThat(b.confirm("component|a")).isEqualTo(3);
    assertThat(b.size()).isZero();
    assertThat(b.persistenceIds()).isEmpty();
  }

  @Test
  void whenFullTheOldestEventNotInFlightIsDropped() {
    WriteBuffer b = new WriteBuffer(4);
    b.add("component|a", event("a", 1));
    b.add("component|b", event("b", 2));
    assertThat(b.take("component|a", 10)).hasSize(1); // a1 in flight
    b.add("component|a", event("a", 3));
    b.add("component|b", event("b", 4));

    assertThat(b.add("component|a", event("a", 5))).isEqualTo(1); // b2 is the oldest that can go
    assertThat(b.add("component|b", event("b", 6))).isEqualTo(1); // then a3
    assertThat(b.dropped()).isEqualTo(2);
    assertThat(b.size()).isEqualTo(4);

    b.release("component|a");
    assertThat(attempts(b.take("component|a", 10))).containsExactly(1, 5);
    assertThat(attempts(b.take("component|b", 10))).containsExactly(4, 6);
  }

  @Test
  void whenEverythingIsInFlightTheNewcomerIsDropped() {
    WriteBuffer b = new WriteBuffer(2);
    b.add("component|a", event("a", 1));
    b.add("component|a", event("a", 2));
    b.take("component|a", 10);

    assertThat(b.add("component|a", event("a", 3))).isEqualTo(1);
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.confirm("component|a")).isEqualTo(2);
    assertThat(b.hasWaiting("component|a")).isFalse();
  }
}

package io.regulator.journal.read;

import static io.regulator.journal.read.Script.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.HealthEvent;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimeOrderTest {

  private static HealthEvent event(String component, double t, String what) {
    return new HealthEvent.RegulatorLifecycle(at(t), "local", component, what, Optional.empty());
  }

  @Test
  void batchesOfComponentsAreInterleavedByTime() {
    // as the writer stores them: all of a's batch, then b's
    List<HealthEvent> journal = List.of(event("a", 1, "a1"), event("a", 3, "a3"), event("b", 2, "b2"),
        event("b", 4, "b4"));

    assertThat(TimeOrder.of(journal)).extracting(e -> ((HealthEvent.RegulatorLifecycle) e).what())
        .containsExactly("a1", "b2", "a3", "b4");
  }

  @Test
  void oneComponentsOwnOrderIsKeptEvenWhenItsClockSteppedBack() {
    List<HealthEvent> journal = List.of(event("a", 5, "crash"), event("a", 4, "restart"), event("b", 4.5, "b"));

    assertThat(TimeOrder.of(journal)).extracting(e -> ((HealthEvent.RegulatorLifecycle) e).what())
        .containsExactly("b", "crash", "restart");
  }

  @Test
  void equalTimesKeepJournalOrder() {
    List<HealthEvent> journal = List.of(event("b", 1, "first"), event("a", 1, "second"), event("b", 1, "third"));

    assertThat(TimeOrder.of(journal)).extracting(e -> ((HealthEvent.RegulatorLifecycle) e).what())
        .containsExactly("first", "second", "third");
  }
}

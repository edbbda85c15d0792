package io.regulator.journal.read;

import static io.regulator.journal.read.Script.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regulator.core.event.HealthEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFilterTest {

  private final List<HealthEvent> events = new Script().lifecycle(0, "started")
      .up(0, 1, "db").up(1, 2, "app")
      .crash(100, "db", 1).restart(101, 102, "db")
      .events();

  @Test
  void sinceIsInclusiveAndUntilExclusive() {
    List<HealthEvent> window = EventFilter.all().since(at(1)).until(at(100)).apply(events);

    assertThat(window).isNotEmpty().allSatisfy(e -> assertThat(e.time()).isBetween(at(1), at(2)));
    assertThat(window).extracting(HealthEvent::time).contains(at(1)).doesNotContain(at(100));
  }

  @Test
  void componentAndKindsNarrowItDown() {
    List<HealthEvent> dbStates = EventFilter.all().component("db").kinds("state").apply(events);

    assertThat(dbStates).allSatisfy(e -> {
      assertThat(e).isInstanceOf(HealthEvent.StateChanged.class);
      assertThat(e.component()).isEqualTo("db");
    });
    // STARTING RUNNING READY, BACKOFF, STARTING RUNNING READY
    assertThat(dbStates).hasSize(7);
  }

  @Test
  void kindsAcceptTypeNamesShortFormsPluralsAndLists() {
    assertThat(EventFilter.parseKinds("StateChanged")).containsExactly("StateChanged");
    assertThat(EventFilter.parseKinds("processexited")).containsExactly("ProcessExited");
    assertThat(EventFilter.parseKinds("exit, state")).containsExactly("ProcessExited", "StateChanged");
    assertThat(EventFilter.parseKinds("failures")).containsExactly(EventFilter.FAILURE);
    assertThatThrownBy(() -> EventFilter.parseKinds("exits,crash"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown event kind 'crash': use one of state, start, exit, probe, circuit, restart, group,"
            + " critical, orphan, lifecycle, audit, failure (or the type name, e.g. StateChanged)");
  }

  @Test
  void theFailureKindKeepsOnlyFailures() {
    List<HealthEvent> failures = EventFilter.all().kinds("failure").apply(events);

    assertThat(failures).extracting(e -> e.getClass().getSimpleName())
        .containsExactly("ProcessExited", "StateChanged");
    assertThat(failures).allSatisfy(e -> assertThat(e.time()).isEqualTo(at(100)));
  }

  @Test
  void aLimitKeepsTheNewestInJournalOrder() {
    List<HealthEvent> last = EventFilter.all().limit(2).apply(events);

    assertThat(last).containsExactly(events.get(events.size() - 2), events.get(events.size() - 1));
    assertThatThrownBy(() -> EventFilter.all().limit(0)).hasMessageContaining("at least 1");
  }
}

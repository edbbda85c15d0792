package io.regulator.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RestartTallyTest {

  @Test
  void theFirstStatusCountsInFull() {
    assertThat(RestartTally.NONE.withStatus(4).total()).isEqualTo(4);
  }

  @Test
  void eventsAndStatusesOfTheSameRestartsCountOnce() {
    RestartTally tally = RestartTally.NONE.withStatus(1).withEvent().withEvent();
    assertThat(tally.total()).isEqualTo(2);
    assertThat(tally.withStatus(2).total()).isEqualTo(2);
    assertThat(tally.withStatus(3).total()).isEqualTo(3);
  }

  @Test
  void eventsCountWhatTheStatusesHaveNotShownYet() {
    assertThat(RestartTally.NONE.withStatus(0).withEvent().withEvent().withEvent().total()).isEqualTo(3);
  }

  @Test
  void aNewSupervisorCountingFromZeroDoesNotTakeTheCounterDown() {
    RestartTally tally = RestartTally.NONE.withStatus(5);
    // a reload replaced the supervisor: its count starts again
    tally = tally.withStatus(0);
    assertThat(tally.total()).isEqualTo(5);
    tally = tally.withStatus(2);
    assertThat(tally.total()).isEqualTo(7);
    // replaced again, and it restarted once before the next look
    assertThat(tally.withStatus(1).total()).isEqualTo(8);
  }
}

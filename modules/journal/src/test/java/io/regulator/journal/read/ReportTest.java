package io.regulator.journal.read;

import static io.regulator.journal.read.Script.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

  /**
   * db over 1000 s: starting 0-1 s, READY 1-100, a crash repaired in 4 s (100-104), READY 104-500,
   * a kill then a crash in the restart, repaired in 10 s (500-510), READY 510-900, stopped on
   * purpose at 900.
   */
  private static Script db() {
    return new Script().lifecycle(0, "started")
        .up(0, 1, "db")
        .crash(100, "db", 1).restart(102, 104, "db")
        .killed(500, "db").restart(501, -1, "db").crash(502, "db", 1).restart(505, 510, "db")
        .stop(900, "db", CauseCategory.REQUESTED);
  }

  @Test
  void availabilityIsReadyTimeOverWantedTimeAndMttrAndMtbfAreExact() {
    ComponentReport db = Report.of(db().events(), at(0), at(1000)).component("db").orElseThrow();

    // wanted 0-900 (stopped on purpose after); READY 99 + 396 + 390 s
    assertThat(db.wantedUp()).isEqualTo(Duration.ofSeconds(900));
    assertThat(db.ready()).isEqualTo(Duration.ofSeconds(885));
    assertThat(db.availability().getAsDouble()).isCloseTo(100.0 * 885 / 900, within(1e-9));
    assertThat(db.incidents()).isEqualTo(2);
    assertThat(db.openIncidents()).isZero();
    assertThat(db.mttr()).contains(Duration.ofSeconds(7)); // (4 + 10) / 2
    assertThat(db.mtbf()).contains(Duration.ofMillis(442_500)); // 885 s / 2
    assertThat(db.failures()).isEqualTo(3);
    assertThat(db.failuresByCause()).containsExactly(Map.entry(CauseCategory.EXIT_CODE, 2),
        Map.entry(CauseCategory.SIGNAL, 1));
    assertThat(db.restarts()).isEqualTo(3); // scheduled at 100, 500, 502
  }

  @Test
  void aWindowCountsOnlyWhatHappenedInsideItStartingFromTheStateBeforeIt() {
    ComponentReport db = Report.of(db().events(), at(200), at(600)).component("db").orElseThrow();

    // READY since 104 when the window opens: 200-500 and 510-600
    assertThat(db.wantedUp()).isEqualTo(Duration.ofSeconds(400));
    assertThat(db.ready()).isEqualTo(Duration.ofSeconds(390));
    assertThat(db.availability().getAsDouble()).isEqualTo(97.5);
    assertThat(db.incidents()).isEqualTo(1);
    assertThat(db.mttr()).contains(Duration.ofSeconds(10));
    assertThat(db.mtbf()).contains(Duration.ofSeconds(390));
    assertThat(db.failures()).isEqualTo(2);
    assertThat(db.restarts()).isEqualTo(2);
  }

  @Test
  void anIncidentOpenAtTheEndOfTheWindowCountsButHasNoRepairTime() {
    ComponentReport db = Report.of(db().events(), at(0), at(505)).component("db").orElseThrow();

    assertThat(db.incidents()).isEqualTo(2);
    assertThat(db.openIncidents()).isEqualTo(1);
    assertThat(db.mttr()).contains(Duration.ofSeconds(4)); // only the one that ended
    assertThat(db.wantedUp()).isEqualTo(Duration.ofSeconds(505));
    assertThat(db.ready()).isEqualTo(Duration.ofSeconds(99 + 396));
  }

  @Test
  void aComponentLeftStoppedByACrashCountsAsDownNotAsUnwanted() {
    // restart = never: the crash leaves it STOPPED, and it stays down until the window ends
    Cause crash = Cause.of(CauseCategory.EXIT_CODE, "exited with code 1");
    Script s = new Script().up(0, 10, "batch")
        .exit(100, "batch", ExitStatus.code(1), crash)
        .state(100, "batch", ComponentState.STOPPED, crash);

    ComponentReport batch = Report.of(s.events(), at(0), at(200)).component("batch").orElseThrow();

    assertThat(batch.wantedUp()).isEqualTo(Duration.ofSeconds(200));
    assertThat(batch.ready()).isEqualTo(Duration.ofSeconds(90));
    assertThat(batch.availability().getAsDouble()).isEqualTo(45.0);
    assertThat(batch.openIncidents()).isEqualTo(1);
    assertThat(batch.mttr()).isEmpty();
  }

  @Test
  void startupAndDependencyWaitsCountAgainstAvailabilityButStoppedTimeDoesNot() {
    Script s = new Script()
        .state(0, "app", ComponentState.WAITING, Cause.progress("waiting for db"))
        .up(10, 20, "app")
        .stop(60, "app", CauseCategory.LIFECYCLE)
        .up(100, 101, "app");

    ComponentReport app = Report.of(s.events(), at(0), at(200)).component("app").orElseThrow();

    assertThat(app.wantedUp()).isEqualTo(Duration.ofSeconds(60 + 100));
    assertThat(app.ready()).isEqualTo(Duration.ofSeconds(40 + 99));
    assertThat(app.incidents()).isZero();
    assertThat(app.mtbf()).isEmpty();
    assertThat(app.mttr()).isEmpty();
    assertThat(app.restarts()).isZero();
  }

  @Test
  void aKnockedDownDependentReportsDependencyLostButNoRestartOfItsOwn() {
    Script s = new Script().up(0, 1, "db").up(1, 2, "app")
        .crash(100, "db", 1)
        .knockedDown(100, "app", "db")
        .restart(101, 102, "db")
        .restart(102, 104, "app");

    Report report = Report.of(s.events(), at(0), at(200));

    ComponentReport app = report.component("app").orElseThrow();
    assertThat(app.failuresByCause()).containsExactly(Map.entry(CauseCategory.DEPENDENCY_LOST, 1));
    assertThat(app.restarts()).isZero(); // started again when db was back, not restarted by a policy
    assertThat(report.component("db").orElseThrow().restarts()).isEqualTo(1);
    assertThat(app.mttr()).contains(Duration.ofSeconds(4));
    assertThat(report.components()).extracting(ComponentReport::component).containsExactly("app", "db");
  }

  @Test
  void aComponentNeverWantedUpHasNoAvailability() {
    Script s = new Script().up(0, 1, "db").stop(10, "db", CauseCategory.REQUESTED);

    ComponentReport db = Report.of(s.events(), at(100), at(200)).component("db").orElseThrow();

    assertThat(db.availability()).isEmpty();
    assertThat(db.wantedUp()).isZero();
  }

  @Test
  void aWindowThatEndsBeforeItStartsIsRefused() {
    assertThatThrownBy(() -> Report.of(db().events(), at(10), at(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends");
  }
}

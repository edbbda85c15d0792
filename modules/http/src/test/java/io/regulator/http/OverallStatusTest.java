package io.regulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.regulator.core.config.RegulatorConfig;
import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.spec.FleetSpec;
import io.regulator.runtime.component.ComponentStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverallStatusTest {

  private static final FleetSpec FLEET = fleet();

  private static FleetSpec fleet() {
    try {
      return RegulatorConfig.fromConfig(ConfigFactory.parseString("""
          regulator.components {
            db { command = ["x"], critical = true }
            web { command = ["x"] }
            worker { command = ["x"] }
          }
          """), Path.of("/tmp"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ComponentStatus status(String name, ComponentState state, boolean wantedUp) {
    return new ComponentStatus(name, state, wantedUp, state.hasProcess() ? 42L : null, 0, CircuitState.CLOSED,
        state == ComponentState.READY, Instant.now(), null, null, List.of(), List.of(), List.of());
  }

  private static Views.Overall overall(ComponentState db, ComponentState web, ComponentState worker) {
    return Views.Overall.of(List.of(status("db", db, true), status("web", web, true),
        status("worker", worker, true)), FLEET);
  }

  @Test
  void upDegradedDownAndTheScore() {
    assertThat(overall(ComponentState.READY, ComponentState.READY, ComponentState.READY))
        .isEqualTo(new Views.Overall("UP", 100));
    // a non-critical component down: degraded; weights 3 + 1 + 1, one of weight 1 down
    assertThat(overall(ComponentState.READY, ComponentState.BACKOFF, ComponentState.READY))
        .isEqualTo(new Views.Overall("DEGRADED", 80));
    // starting counts half
    assertThat(overall(ComponentState.READY, ComponentState.STARTING, ComponentState.READY))
        .isEqualTo(new Views.Overall("DEGRADED", 90));
    // the critical one down: down, whatever else runs
    assertThat(overall(ComponentState.FAILED, ComponentState.READY, ComponentState.READY))
        .isEqualTo(new Views.Overall("DOWN", 40));
    assertThat(overall(ComponentState.CIRCUIT_OPEN, ComponentState.BACKOFF, ComponentState.FAILED))
        .isEqualTo(new Views.Overall("DOWN", 0));
  }

  @Test
  void componentsStoppedOnPurposeDoNotCount() {
    Views.Overall overall = Views.Overall.of(List.of(status("db", ComponentState.READY, true),
        status("web", ComponentState.STOPPED, false), status("worker", ComponentState.READY, true)), FLEET);
    assertThat(overall).isEqualTo(new Views.Overall("UP", 100));
    // nothing wanted up at all: nothing is wrong
    assertThat(Views.Overall.of(List.of(status("db", ComponentState.STOPPED, false)), FLEET))
        .isEqualTo(new Views.Overall("UP", 100));
  }
}

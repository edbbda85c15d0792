package io.regulator.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.spec.CircuitSpec;
import io.regulator.core.spec.RestartMode;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

  @Test
  void modesFollowOtp() {
    Set<Integer> ok = Set.of(0, 2);
    assertThat(RestartPolicy.shouldRestart(RestartMode.ALWAYS, ExitStatus.code(0), ok)).isTrue();
    assertThat(RestartPolicy.shouldRestart(RestartMode.ON_FAILURE, ExitStatus.code(0), ok)).isFalse();
    assertThat(RestartPolicy.shouldRestart(RestartMode.ON_FAILURE, ExitStatus.code(2), ok)).isFalse();
    assertThat(RestartPolicy.shouldRestart(RestartMode.ON_FAILURE, ExitStatus.code(1), ok)).isTrue();
    assertThat(RestartPolicy.shouldRestart(RestartMode.ON_FAILURE, ExitStatus.signal("TERM"), ok)).isTrue();
    assertThat(RestartPolicy.shouldRestart(RestartMode.NEVER, ExitStatus.code(1), ok)).isFalse();
  }

  @Test
  void cooldownDoublesUpToMax() {
    CircuitSpec spec = new CircuitSpec(Duration.ofMinutes(5), Duration.ofMinutes(30));
    Duration first = RestartPolicy.nextCooldown(spec, null);
    assertThat(first).isEqualTo(Duration.ofMinutes(5));
    Duration second = RestartPolicy.nextCooldown(spec, first);
    assertThat(second).isEqualTo(Duration.ofMinutes(10));
    Duration third = RestartPolicy.nextCooldown(spec, second);
    assertThat(RestartPolicy.nextCooldown(spec, third)).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void diagnosisNamesTheSignalAndSuggestsWhatToDo() {
    var kill = Diagnosis.ofExit("runner", ExitStatus.signal("KILL"));
    assertThat(kill.category()).isEqualTo(CauseCategory.SIGNAL);
    assertThat(kill.detail()).isEqualTo("killed by SIGKILL");
    assertThat(kill.suggestion()).contains("OOM");
    var code = Diagnosis.ofExit("runner", ExitStatus.code(3));
    assertThat(code.detail()).isEqualTo("exited with code 3");
    assertThat(code.suggestion()).contains("logs/runner.log");
  }
}

package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code regulator check}: the overall state to a monitoring plugin's exit code and line. */
class CheckCommandTest {

  @Test
  void upIsOkWithPerformanceData() throws Exception {
    CheckCommand.Verdict v = CheckCommand.verdict(Json.parse("""
        {"state": "UP", "score": 100, "components": [
          {"name": "a", "state": "READY", "ready": true, "wantedUp": true},
          {"name": "b", "state": "READY", "ready": true, "wantedUp": true}]}
        """));
    assertThat(v.exitCode()).isZero();
    assertThat(v.line()).isEqualTo("REGULATOR OK - 2/2 ready, score 100 | score=100;;;0;100 ready=2;;;0;2");
  }

  @Test
  void degradedIsWarningAndNamesWhatIsNotReady() throws Exception {
    CheckCommand.Verdict v = CheckCommand.verdict(Json.parse(StatusViewTest.STATUS));
    assertThat(v.exitCode()).isEqualTo(1);
    assertThat(v.line()).isEqualTo("REGULATOR WARNING - 2/3 ready, 1 stopped, score 83; not ready: worker (BACKOFF)"
        + " | score=83;;;0;100 ready=2;;;0;3");
  }

  @Test
  void downIsCriticalAndMarksTheCriticalComponent() throws Exception {
    CheckCommand.Verdict v = CheckCommand.verdict(Json.parse("""
        {"state": "DOWN", "score": 25, "components": [
          {"name": "db", "state": "FAILED", "ready": false, "critical": true, "wantedUp": true},
          {"name": "web", "state": "READY", "ready": true, "wantedUp": true}]}
        """));
    assertThat(v.exitCode()).isEqualTo(2);
    assertThat(v.line()).startsWith("REGULATOR CRITICAL - 1/2 ready, score 25; not ready: db (FAILED, critical) |");
  }

  @Test
  void aStateOutsideTheContractIsUnknown() throws Exception {
    CheckCommand.Verdict v = CheckCommand.verdict(Json.parse("{\"state\": \"SIDEWAYS\", \"score\": 50}"));
    assertThat(v.exitCode()).isEqualTo(3);
    assertThat(v.line()).startsWith("REGULATOR UNKNOWN - unexpected overall state 'SIDEWAYS'");
  }
}

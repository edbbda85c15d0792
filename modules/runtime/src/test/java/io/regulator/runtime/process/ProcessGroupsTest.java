package io.regulator.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regulator.core.event.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Signal names and numbers, exit decoding, and the guards that keep signals off the wrong group. */
final class ProcessGroupsTest {

  @Test
  void linuxSignalNumbersHaveTheirNames() {
    assertThat(ProcessGroups.signalName(1)).contains("HUP");
    assertThat(ProcessGroups.signalName(2)).contains("INT");
    assertThat(ProcessGroups.signalName(6)).contains("ABRT");
    assertThat(ProcessGroups.signalName(9)).contains("KILL");
    assertThat(ProcessGroups.signalName(11)).contains("SEGV");
    assertThat(ProcessGroups.signalName(13)).contains("PIPE");
    assertThat(ProcessGroups.signalName(15)).contains("TERM");
    assertThat(ProcessGroups.signalName(31)).contains("SYS");
    assertThat(ProcessGroups.signalName(0)).isEmpty();
    assertThat(ProcessGroups.signalName(32)).isEmpty();
  }

  @Test
  void signalsAreAcceptedByNameWithOrWithoutSigOrByNumber() {
    assertThat(ProcessGroups.signalNumber("TERM")).hasValue(15);
    assertThat(ProcessGroups.signalNumber("SIGTERM")).hasValue(15);
    assertThat(ProcessGroups.signalNumber("hup")).hasValue(1);
    assertThat(ProcessGroups.signalNumber("9")).hasValue(9);
    assertThat(ProcessGroups.signalNumber("TERMINATE")).isEmpty();
    assertThat(ProcessGroups.signalNumber("-9")).isEmpty();
  }

  @Test
  void exitValuesAbove128AreSignalsAndTheRestAreCodes() {
    assertThat(LaunchedProcess.decode(0)).isEqualTo(ExitStatus.code(0));
    assertThat(LaunchedProcess.decode(3)).isEqualTo(ExitStatus.code(3));
    assertThat(LaunchedProcess.decode(128)).isEqualTo(ExitStatus.code(128));
    assertThat(LaunchedProcess.decode(137)).isEqualTo(ExitStatus.signal("KILL"));
    assertThat(LaunchedProcess.decode(143)).isEqualTo(ExitStatus.signal("TERM"));
    assertThat(LaunchedProcess.decode(139)).isEqualTo(ExitStatus.signal("SEGV"));
    assertThat(LaunchedProcess.decode(159)).isEqualTo(ExitStatus.signal("SYS"));
    assertThat(LaunchedProcess.decode(160)).isEqualTo(ExitStatus.code(160));
    assertThat(LaunchedProcess.decode(255)).isEqualTo(ExitStatus.code(255));
  }

  @Test
  void neverSignalsInitEveryoneOrRegulatorsOwnGroup() {
    long own = ProcFs.pgid(ProcessHandle.current().pid()).orElseThrow();
    assertThatThrownBy(() -> ProcessGroups.signal(1, "KILL")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcessGroups.signal(0, "KILL")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcessGroups.signal(-1, "KILL")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcessGroups.signal(own, "KILL"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Regulator's own group");
    assertThat(ProcessHandle.current().isAlive()).isTrue();
  }

  @Test
  void anUnknownSignalIsRejectedBeforeAnythingRuns() {
    assertThatThrownBy(() -> ProcessGroups.signal(999_999, "--help"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown signal: --help");
  }

  @Test
  void anEmptyGroupIsNotAnError() throws Exception {
    // No pid, hence no group id, reaches pid_max.
    long unused = Long.parseLong(Files.readString(Path.of("/proc/sys/kernel/pid_max")).strip());
    assertThat(ProcessGroups.alive(unused)).isFalse();
    assertThat(ProcessGroups.members(unused)).isEmpty();
    assertThat(ProcessGroups.signal(unused, "TERM")).isFalse();
  }

  @Test
  void theGroupOfAProcessIsReadFromProc() {
    long self = ProcessHandle.current().pid();
    assertThat(ProcessGroups.groupOf(self)).hasValue(ProcFs.pgid(self).orElseThrow());
    assertThat(ProcessGroups.members(ProcFs.pgid(self).orElseThrow())).contains(self);
  }
}

package io.regulator.runtime.process;

import static io.regulator.runtime.process.TestComponents.component;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What cannot work is reported before the spawn, naming the path and saying what to do. */
final class LaunchFailureTest {

  @TempDir Path logDir;
  @TempDir Path work;
  private LaunchedProcesses processes;

  @BeforeEach
  void setUp() {
    processes = new LaunchedProcesses(logDir);
  }

  @AfterEach
  void tearDown() {
    processes.close();
  }

  @Test
  void aMissingExecutableNamesThePath() {
    Path missing = work.resolve("bin/no-such-daemon");
    Cause cause = failure(component("missing", missing.toString(), "--flag"));

    assertThat(cause.category()).isEqualTo(CauseCategory.EXEC_FAILED);
    assertThat(cause.detail()).isEqualTo("executable not found: " + missing);
    assertThat(cause.suggestion()).isNotBlank();
  }

  @Test
  void aRelativeExecutableIsLookedUpInTheWorkingDirectory() {
    Cause cause = failure(component("relative", "./run.sh").cwd(work));

    assertThat(cause.detail()).isEqualTo("executable not found: " + work.resolve("run.sh"));
  }

  @Test
  void aBareNameNotOnPathSaysWhereItWasSearched() {
    Cause cause = failure(component("nowhere", "no-such-program-regulator").env("PATH", "/usr/bin:/bin"));

    assertThat(cause.detail())
        .isEqualTo("executable not found: no-such-program-regulator (searched PATH=/usr/bin:/bin)");
  }

  @Test
  void aFileWithoutExecutePermissionIsEaccesStyle() throws Exception {
    Path script = Files.writeString(work.resolve("plain.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    Cause cause = failure(component("plain", script.toString()));

    assertThat(cause.detail()).isEqualTo("not executable: " + script);
    assertThat(cause.suggestion()).isEqualTo("chmod +x it");
    assertThat(cause.toString()).isEqualTo("not executable: " + script + " (chmod +x it)");
  }

  @Test
  void aNonExecutableFileOnPathIsReportedNotSkippedSilently() throws Exception {
    Path script = Files.writeString(work.resolve("only-here"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    Cause cause = failure(component("on-path", "only-here").env("PATH", work.toString()));

    assertThat(cause.detail()).isEqualTo("not executable: " + script);
  }

  @Test
  void aDirectoryIsNotAnExecutable() {
    Cause cause = failure(component("dir", work.toString()));

    assertThat(cause.detail()).isEqualTo("executable is a directory: " + work);
  }

  @Test
  void aMissingWorkingDirectoryNamesThePath() {
    Path cwd = work.resolve("gone");
    Cause cause = failure(component("no-cwd", "true").cwd(cwd));

    assertThat(cause.detail()).isEqualTo("working directory not found: " + cwd);
    assertThat(cause.suggestion()).contains("no-cwd");
  }

  @Test
  void aFileAsWorkingDirectoryNamesThePath() throws Exception {
    Path file = Files.writeString(work.resolve("a-file"), "");
    Cause cause = failure(component("file-cwd", "true").cwd(file));

    assertThat(cause.detail()).isEqualTo("working directory is not a directory: " + file);
  }

  @Test
  void anEmptyCommandIsAFailureNotACrash() {
    Cause cause = failure(component("empty"));

    assertThat(cause.detail()).isEqualTo("empty command for component empty");
  }

  @Test
  void aNameThatWouldEscapeTheLogDirIsRefused() {
    Cause cause = failure(component("../escape", "true"));

    assertThat(cause.detail()).contains("'../escape'").contains("cannot be used as a file name");
  }

  @Test
  void anUnwritableLogIsALaunchFailure() throws Exception {
    Path notADir = Files.writeString(work.resolve("logs-is-a-file"), "");
    try (LaunchedProcesses broken = new LaunchedProcesses(notADir)) {
      LaunchFailure f = catchThrowableOfType(LaunchFailure.class, () -> broken.launch(component("c", "true")));
      assertThat(f.cause().detail()).startsWith("cannot write the component log " + notADir.resolve("c.log"));
    }
  }

  private Cause failure(TestComponents component) {
    LaunchFailure f = catchThrowableOfType(LaunchFailure.class, () -> processes.launch(component));
    assertThat(f).as("launch should fail").isNotNull();
    assertThat(f.getMessage()).isEqualTo(f.cause().toString());
    return f.cause();
  }
}

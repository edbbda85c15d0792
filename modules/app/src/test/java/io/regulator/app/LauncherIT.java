package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/regulator} end to end, as a separate JVM with real child processes: validate, run,
 * SIGTERM in reverse dependency order with exit 0, and recovery after {@code kill -9} of
 * Regulator itself (then stopped with SIGINT, as Ctrl-C does) (orphans reaped or adopted, never a duplicate child).
 */
class LauncherIT {

  @TempDir Path tmp;
  private String mark;

  @AfterEach
  void noProcessOfTheTestSurvives() {
    if (mark != null) {
      List<ProcessHandle> left = marked(mark);
      left.forEach(ProcessHandle::destroyForcibly);
      assertThat(left).as("processes left behind").isEmpty();
    }
  }

  @Test
  void validatePrintsOkOrEveryProblemWithFileAndLine() throws Exception {
    Path good = write("good.conf", """
        regulator.components.web { command = ["python3", "-m", "http.server"] }
        """);
    RegulatorProcess.Result ok = RegulatorProcess.exec("validate", good.toString());
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.output()).contains("OK: " + good).contains("(1 component, 0 groups)");

    Path bad = write("bad.conf", """
        regulator {
          components {
            web { command = ["python3"], restrat = always }
            api { command = ["x"], depends-on = [wbe] }
            loop1 { command = ["x"], depends-on = [loop2] }
            loop2 { command = ["x"], depends-on = [loop1] }
          }
        }
        """);
    RegulatorProcess.Result errors = RegulatorProcess.exec("validate", bad.toString());
    assertThat(errors.exitCode()).isEqualTo(1);
    assertThat(errors.output())
        .contains(bad + ":3: regulator.components.web.restrat: unknown key (did you mean 'restart'?)")
        .contains(bad + ":4: regulator.components.api.depends-on: unknown component 'wbe' (did you mean 'web'?)")
        .containsPattern("dependency cycle loop\\d -> loop\\d -> loop\\d")
        .doesNotContain("Exception");
  }

  @Test
  void classesComeFromAnArchiveMadeOncePerBuildAndAStaleOneIsRemadeWithoutAWord() throws Exception {
    Path lib = RegulatorProcess.HOME.resolve("modules/app/target/lib");
    Path archive = lib.resolve("regulator.jsa");
    Path jar = lib.resolve("regulator-app.jar");
    assertThat(RegulatorProcess.exec("--version").exitCode()).isZero(); // makes it if missing
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThanOrEqualTo(Files.getLastModifiedTime(jar));

    Map<String, String> classLog = Map.of("REGULATOR_OPTS", "-Xlog:class+load=info");
    assertThat(RegulatorProcess.exec(classLog, "--version").output())
        .contains("io.regulator.app.Main source: shared objects file (top)");
    assertThat(RegulatorProcess.exec(Map.of("REGULATOR_OPTS", "-Xlog:class+load=info",
        "REGULATOR_CLASS_ARCHIVE", "off"), "--version").output())
        .contains("io.regulator.app.Main source: file:").doesNotContain("shared objects file (top)");

    // A build newer than the archive: the next start makes it again, and says nothing about it.
    Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
    RegulatorProcess.Result version = RegulatorProcess.exec("--version");
    assertThat(version.output().strip()).startsWith("regulator ").doesNotContain("\n");
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(Files.getLastModifiedTime(jar));
    assertThat(RegulatorProcess.exec(classLog, "--version").output())
        .contains("io.regulator.app.Main source: shared objects file (top)");
  }

  @Test
  void runStartsInDependencyOrderAndSigtermStopsInReverseOrderAndExitsZero() throws Exception {
    Path config = fleet("""
        defaults { ready-after = 300ms }
        components {
          db    { command = ["$COMPONENT", "$MARK-db"],  env { GRANDCHILD = "1" } }
          app   { command = ["$COMPONENT", "$MARK-app"], env { GRANDCHILD = "1" }, depends-on = [db] }
          edge  { command = ["$COMPONENT", "$MARK-edge"], env { GRANDCHILD = "1" }, depends-on = [app] }
        }
        """);
    try (RegulatorProcess regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      regulator.awaitState("edge", "READY", Duration.ofSeconds(30));
      assertThat(firstTime(regulator, "app", "STARTING")).isGreaterThanOrEqualTo(firstTime(regulator, "db", "READY"));
      assertThat(firstTime(regulator, "edge", "STARTING")).isGreaterThanOrEqualTo(firstTime(regulator, "app", "READY"));
      assertThat(marked(mark)).hasSizeGreaterThanOrEqualTo(6); // three components, three grandchildren

      regulator.process.destroy(); // SIGTERM
      assertThat(regulator.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(regulator.process.exitValue()).isZero();
      // Reverse order: a component is stopped only after everything that depends on it.
      assertThat(firstTime(regulator, "app", "STOPPING")).isGreaterThanOrEqualTo(firstTime(regulator, "edge", "STOPPED"));
      assertThat(firstTime(regulator, "db", "STOPPING")).isGreaterThanOrEqualTo(firstTime(regulator, "app", "STOPPED"));
      await().atMost(Duration.ofSeconds(3)).until(() -> marked(mark).isEmpty());
      assertThat(regulator.consoleText()).contains("edge READY -> STOPPING").contains("regulator stopped");
      assertThat(Files.readString(tmp.resolve("logs").resolve("db.log"))).contains("out | start pid=");
    }
  }

  @Test
  void afterKill9TheNextStartReapsTheOrphansAndNeverRunsADuplicate() throws Exception {
    Path config = fleet("""
        defaults { ready-after = 200ms }
        components {
          alpha { command = ["$COMPONENT", "$MARK-alpha"], env { GRANDCHILD = "1" } }
          beta  { command = ["$COMPONENT", "$MARK-beta"],  env { GRANDCHILD = "1" } }
        }
        """);
    long alpha;
    long beta;
    try (RegulatorProcess first = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      first.awaitState("alpha", "READY", Duration.ofSeconds(30));
      first.awaitState("beta", "READY", Duration.ofSeconds(30));
      alpha = first.lastPid("alpha");
      beta = first.lastPid("beta");
      first.process.toHandle().destroyForcibly(); // kill -9 of Regulator itself
      first.process.waitFor(10, TimeUnit.SECONDS);
    }
    // The children live on in their own sessions: exactly what the next start must clean up.
    assertThat(alive(alpha)).isTrue();
    assertThat(alive(beta)).isTrue();
    List<ProcessHandle> orphans = marked(mark);

    try (RegulatorProcess second = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      second.awaitState("alpha", "READY", Duration.ofSeconds(30));
      second.awaitState("beta", "READY", Duration.ofSeconds(30));
      assertThat(orphans).noneMatch(p -> alive(p.pid()));
      assertThat(second.events("OrphanHandled", "alpha")).singleElement()
          .satisfies(e -> assertThat(e.path("pid").asLong()).isEqualTo(alpha))
          .satisfies(e -> assertThat(e.path("adopted").asBoolean()).isFalse());
      assertThat(second.events("OrphanHandled", "beta")).hasSize(1);
      assertThat(leaders(mark + "-alpha")).hasSize(1);
      assertThat(leaders(mark + "-beta")).hasSize(1);
      // Ctrl-C stops as cleanly as SIGTERM.
      new ProcessBuilder("kill", "-INT", Long.toString(second.process.pid())).start().waitFor();
      assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(second.process.exitValue()).isZero();
    }
  }

  @Test
  void aSecondRegulatorOnTheSameDataDirIsRefusedAndTheFirstKeepsItsChildren() throws Exception {
    Path config = fleet("""
        defaults { ready-after = 200ms }
        components { solo { command = ["$COMPONENT", "$MARK-solo"] } }
        """);
    try (RegulatorProcess first = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      first.awaitState("solo", "READY", Duration.ofSeconds(30));
      long pid = first.lastPid("solo");
      RegulatorProcess.Result second = RegulatorProcess.exec("run", "-c", config.toString());
      assertThat(second.exitCode()).isEqualTo(1);
      assertThat(second.output()).contains("another Regulator is running on data-dir " + tmp.resolve("data"));
      assertThat(alive(pid)).isTrue();
      assertThat(leaders(mark + "-solo")).extracting(ProcessHandle::pid).containsExactly(pid);
      first.process.destroy();
      assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void withAdoptOrphansTheSurvivorIsKeptAndWatched() throws Exception {
    Path config = fleet("""
        defaults { ready-after = 200ms, adopt-orphans = true }
        components {
          keeper { command = ["$COMPONENT", "$MARK-keeper"] }
          user   { command = ["$COMPONENT", "$MARK-user"], depends-on = [keeper] }
        }
        """);
    long pid;
    long userPid;
    try (RegulatorProcess first = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      first.awaitState("user", "READY", Duration.ofSeconds(30));
      pid = first.lastPid("keeper");
      userPid = first.lastPid("user");
      first.process.toHandle().destroyForcibly();
      first.process.waitFor(10, TimeUnit.SECONDS);
    }
    try (RegulatorProcess second = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      second.awaitState("keeper", "READY", Duration.ofSeconds(30));
      assertThat(second.events("OrphanHandled", "keeper")).singleElement()
          .satisfies(e -> assertThat(e.path("adopted").asBoolean()).isTrue());
      assertThat(second.events("ProcessStarted", "keeper")).isEmpty();
      assertThat(alive(pid)).isTrue();
      assertThat(leaders(mark + "-keeper")).extracting(ProcessHandle::pid).containsExactly(pid);
      // Its adopted dependent is not mistaken for one that lost its dependency.
      second.awaitState("user", "READY", Duration.ofSeconds(30));
      Thread.sleep(300);
      assertThat(leaders(mark + "-user")).extracting(ProcessHandle::pid).containsExactly(userPid);
      assertThat(second.events("StateChanged", "user")).noneMatch(e -> e.path("to").asText().equals("STOPPING"));
      // Adopted processes are stopped like our own at shutdown.
      second.process.destroy();
      assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(3)).until(() -> !alive(pid));
    }
  }

  private Path fleet(String body) throws IOException {
    mark = "it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    return write("regulator.conf", "regulator {\n http.port = 0\n data-dir = \"" + tmp.resolve("data") + "\"\n log-dir = \""
        + tmp.resolve("logs") + "\"\n" + body.replace("$COMPONENT", RegulatorProcess.COMPONENT)
        .replace("$MARK", mark) + "\n}\n");
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }

  private static long firstTime(RegulatorProcess regulator, String component, String state) {
    return regulator.events("StateChanged", component).stream().filter(e -> e.path("to").asText().equals(state))
        .map(e -> e.path("time").asText()).map(java.time.Instant::parse).map(java.time.Instant::toEpochMilli)
        .findFirst().orElseThrow(() -> new AssertionError(component + " never reached " + state));
  }

  /** Live processes carrying the mark, and everything in their process groups (the grandchildren). */
  static List<ProcessHandle> marked(String mark) {
    List<ProcessHandle> all;
    try (Stream<ProcessHandle> stream = ProcessHandle.allProcesses()) {
      all = stream.filter(p -> alive(p.pid())).toList();
    }
    List<Long> leaders = all.stream().filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false))
        .map(ProcessHandle::pid).toList();
    return all.stream().filter(p -> leaders.contains(p.pid()) || leaders.contains(groupOf(p.pid()))).toList();
  }

  private static long groupOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The component processes themselves (the script), not their grandchildren. */
  static List<ProcessHandle> leaders(String componentMark) {
    return marked(componentMark).stream().filter(p -> p.info().commandLine().map(c -> c.contains("sup-component.sh"))
        .orElse(false)).toList();
  }

  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }
}

package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control commands end to end: {@code bin/regulator start} runs the real service in the
 * background with real child processes, and every other command is a separate {@code bin/regulator}
 * JVM talking to its HTTP API, as a user at a shell would do it.
 */
class ControlCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private String mark;
  private Path config;
  private String url;

  @AfterEach
  void nothingOfTheTestSurvives() throws Exception {
    OptionalLong pid = BackgroundService.readPid(tmp.resolve("data").resolve("regulator.pid"));
    if (pid.isPresent()) {
      ProcessHandle.of(pid.getAsLong()).ifPresent(p -> {
        p.destroy();
        try {
          p.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          p.destroyForcibly();
        }
      });
    }
    if (mark != null) {
      List<ProcessHandle> left = marked(mark);
      left.forEach(ProcessHandle::destroyForcibly);
      assertThat(left).as("processes left behind").isEmpty();
    }
  }

  @Test
  void theServiceInTheBackgroundIsStartedInspectedControlledAndStoppedFromTheCommandLine() throws Exception {
    writeConfig("");
    String notRunning = "regulator: the service is not running at " + url + " (start it with bin/regulator start)\n";
    assertThat(cli("status").output()).isEqualTo(notRunning);

    // start: in the background, in its own session, with a pid file; a second start is refused
    RegulatorProcess.Result started = cli("start");
    assertThat(started.exitCode()).as(started.output()).isZero();
    Matcher m = Pattern.compile("^started \\(pid (\\d+)\\), " + Pattern.quote(url) + "\n$").matcher(started.output());
    assertThat(m.find()).as(started.output()).isTrue();
    long pid = Long.parseLong(m.group(1));
    Path pidFile = tmp.resolve("data").resolve("regulator.pid");
    assertThat(Files.readString(pidFile).strip()).isEqualTo(Long.toString(pid));
    assertThat(LauncherIT.alive(pid)).isTrue();
    assertThat(stat(pid, 3)).as("session id: its own session").isEqualTo(pid);
    RegulatorProcess.Result again = cli("start");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.output()).startsWith("regulator: already running (pid " + pid + " in " + pidFile + ")")
        .hasLineCount(1);

    // status and check once everything is ready
    awaitCheck(0, "REGULATOR OK - 3/3 ready, score 100");
    RegulatorProcess.Result status = cli("status");
    assertThat(status.exitCode()).isZero();
    assertThat(status.output()).startsWith("UP, score 100: 3/3 ready (node local, " + url + ")\n\nNAME ")
        .containsPattern("(?m)^db +READY +\\d+ ").containsPattern("(?m)^web +READY +\\d+ ")
        .containsPattern("(?m)^worker +READY +\\d+ ");
    assertThat(JSON.readTree(cli("status", "--json").output()).path("state").asText()).isEqualTo("UP");

    // restart: a new process
    long workerPid = view("worker").path("pid").asLong();
    RegulatorProcess.Result restarted = cli("restart", "worker", "--reason", "control cli test");
    assertThat(restarted.exitCode()).as(restarted.output()).isZero();
    assertThat(restarted.output()).matches("restarted worker: [A-Z_]+, pid \\d+ \\(was " + workerPid + "\\)\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode worker = view("worker");
      return worker.path("state").asText().equals("READY") && worker.path("pid").asLong() != workerPid;
    });
    assertThat(LauncherIT.alive(workerPid)).isFalse();

    // stop / start a component: stopped by a person, it does not count against the overall state
    assertThat(cli("stop", "worker").output()).isEqualTo("stopped worker: STOPPED\n");
    awaitCheck(0, "REGULATOR OK - 2/2 ready, 1 stopped, score 100");
    assertThat(cli("start", "worker").output()).startsWith("started worker: ");
    awaitCheck(0, "REGULATOR OK - 3/3 ready, score 100");

    // check follows readiness: a component not ready makes it DEGRADED (1), a critical one DOWN (2)
    Files.delete(tmp.resolve("worker.ready"));
    awaitCheck(1, "REGULATOR WARNING - 2/3 ready, score ");
    Files.delete(tmp.resolve("db.ready"));
    awaitCheck(2, "REGULATOR CRITICAL - 1/3 ready, score ");
    Files.writeString(tmp.resolve("db.ready"), "");
    Files.writeString(tmp.resolve("worker.ready"), "");
    awaitCheck(0, "REGULATOR OK - 3/3 ready, score 100");

    // silences
    RegulatorProcess.Result silenced = cli("silence", "web", "--for", "30m", "--reason", "deploy 1.4");
    Matcher id = Pattern.compile("^silenced web until \\S+ \\(id (\\S+)\\): deploy 1\\.4\n$").matcher(silenced.output());
    assertThat(id.find()).as(silenced.output()).isTrue();
    assertThat(cli("silence", "--list").output()).containsPattern("(?m)^" + Pattern.quote(id.group(1)) + " +web +");
    assertThat(cli("silence", "--remove", id.group(1)).output()).isEqualTo("removed silence " + id.group(1) + " (web)\n");
    assertThat(cli("silence", "--list").output()).doesNotContain(id.group(1));

    // reload after editing the config: the added component starts, the others keep their pid
    long webPid = view("web").path("pid").asLong();
    writeConfig("extra { command = [\"" + RegulatorProcess.COMPONENT + "\", \"" + mark + "-extra\"] }");
    RegulatorProcess.Result reloaded = cli("reload");
    assertThat(reloaded.exitCode()).as(reloaded.output()).isZero();
    assertThat(reloaded.output()).isEqualTo("reloaded: 1 added, 0 removed, 0 changed, 3 unchanged\n"
        + "added: extra\nunchanged: db, web, worker\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> view("extra").path("state").asText().equals("READY"));
    assertThat(view("web").path("pid").asLong()).isEqualTo(webPid);
    // an invalid config changes nothing, and every problem is shown with file:line
    Files.writeString(config, Files.readString(config).replace("extra {", "extra { restrat = always,"));
    RegulatorProcess.Result refusedReload = cli("reload");
    assertThat(refusedReload.exitCode()).isEqualTo(1);
    assertThat(refusedReload.output()).containsPattern(Pattern.quote(config.toString())
            + ":\\d+: regulator.components.extra.restrat: unknown key \\(did you mean 'restart'\\?\\)")
        .endsWith("regulator: not reloaded: fix the problem above; nothing changed\n");

    // errors are one line: a wrong token (and where it was read from), an unknown component
    RegulatorProcess.Result wrongToken = cliWith(Map.of("REGULATOR_TOKEN", "wrong"), "restart", "web");
    assertThat(wrongToken.exitCode()).isEqualTo(1);
    assertThat(wrongToken.output()).startsWith("regulator: the service refused the token read from $REGULATOR_TOKEN"
        + " (401").hasLineCount(1);
    RegulatorProcess.Result unknown = cli("restart", "wbe");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.output()).startsWith("regulator: unknown component 'wbe'").contains("did you mean 'web'")
        .hasLineCount(1);

    // logs: the real files, merged and prefixed
    RegulatorProcess.Result logs = cli("logs", "-n", "6");
    assertThat(logs.exitCode()).isZero();
    assertThat(logs.output().lines().toList()).hasSize(6)
        .allMatch(l -> l.matches("(db|extra|web|worker) +\\| \\d{4}-\\d\\d-\\d\\dT\\S+Z (out|err) \\| .*"));

    // stop: SIGTERM, the components stop with it, the pid file goes
    RegulatorProcess.Result stopped = cli("stop");
    assertThat(stopped.exitCode()).as(stopped.output()).isZero();
    assertThat(stopped.output()).isEqualTo("stopped (pid " + pid + ")\n");
    assertThat(pidFile).doesNotExist();
    assertThat(LauncherIT.alive(pid)).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> marked(mark).isEmpty());
    assertThat(Files.readString(tmp.resolve("logs").resolve("regulator.out"))).contains("regulator stopped");

    // and once stopped
    RegulatorProcess.Result after = cli("status");
    assertThat(after.exitCode()).isEqualTo(1);
    assertThat(after.output()).isEqualTo(notRunning);
    RegulatorProcess.Result checkAfter = cli("check");
    assertThat(checkAfter.exitCode()).isEqualTo(2);
    assertThat(checkAfter.output()).startsWith("REGULATOR CRITICAL - the service is not running at " + url);
    RegulatorProcess.Result stopAgain = cli("stop");
    assertThat(stopAgain.exitCode()).isZero();
    assertThat(stopAgain.output()).startsWith("not running");
  }

  @Test
  void aServiceThatCannotStartIsReportedWithItsOwnOutputAndLeavesNoPidFile() throws Exception {
    mark = "control-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    url = "http://127.0.0.1:" + HttpCalls.freePort();
    config = Files.writeString(tmp.resolve("regulator.conf"), "regulator {\n data-dir = \"" + tmp.resolve("data")
        + "\"\n log-dir = \"" + tmp.resolve("logs") + "\"\n http.port = " + url.substring(url.lastIndexOf(':') + 1)
        + "\n components { web { command = [\"" + RegulatorProcess.COMPONENT + "\", \"" + mark
        + "\"], restrat = always } }\n}\n");

    RegulatorProcess.Result started = cli("start");

    assertThat(started.exitCode()).isEqualTo(1);
    assertThat(started.output())
        .contains(config + ":5: regulator.components.web.restrat: unknown key (did you mean 'restart'?)")
        .endsWith("regulator: not started: the service exited with code 1 (its output is above and in "
            + tmp.resolve("logs").resolve("regulator.out") + ")\n");
    assertThat(tmp.resolve("data").resolve("regulator.pid")).doesNotExist();
  }

  /** db (critical) and worker are ready while their file exists; web is ready once running. */
  private void writeConfig(String more) throws IOException {
    if (mark == null) {
      mark = "control-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
      url = "http://127.0.0.1:" + HttpCalls.freePort();
      Files.writeString(tmp.resolve("db.ready"), "");
      Files.writeString(tmp.resolve("worker.ready"), "");
    }
    String c = RegulatorProcess.COMPONENT;
    config = tmp.resolve("regulator.conf");
    Files.writeString(config, """
        regulator {
          data-dir = "%1$s/data"
          log-dir = "%1$s/logs"
          http.port = %2$s
          defaults { ready-after = 300ms }
          components {
            db { command = ["%3$s", "%4$s-db"], critical = true, probes.readiness = %5$s }
            web { command = ["%3$s", "%4$s-web"] }
            worker { command = ["%3$s", "%4$s-worker"], probes.readiness = %6$s }
            %7$s
          }
        }
        """.formatted(tmp, url.substring(url.lastIndexOf(':') + 1), c, mark, readiness("db"), readiness("worker"),
        more));
  }

  private String readiness(String component) {
    return "{ exec { command = [\"/bin/sh\", \"-c\", \"test -f '" + tmp.resolve(component + ".ready")
        + "'\"] }, period = 1s, timeout = 900ms, failure-threshold = 1 }";
  }

  private void awaitCheck(int exitCode, String linePrefix) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      RegulatorProcess.Result check = cli("check");
      assertThat(check.output()).startsWith(linePrefix);
      assertThat(check.exitCode()).as(check.output()).isEqualTo(exitCode);
    });
  }

  private JsonNode view(String component) throws Exception {
    RegulatorProcess.Result r = cli("status", component, "--json");
    assertThat(r.exitCode()).as(r.output()).isZero();
    return JSON.readTree(r.output());
  }

  private RegulatorProcess.Result cli(String... args) throws Exception {
    return cliWith(Map.of(), args);
  }

  /** {@code bin/regulator ARGS -c CONFIG} with the environment plus {@code env}, stdout and stderr together. */
  private RegulatorProcess.Result cliWith(Map<String, String> env, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(RegulatorProcess.LAUNCHER.toString()));
    argv.addAll(List.of(args));
    argv.addAll(List.of("-c", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().remove("REGULATOR_TOKEN");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    return new RegulatorProcess.Result(p.waitFor(), out);
  }

  /** A field of /proc/PID/stat after the command name (0 = state, 1 = ppid, 2 = pgrp, 3 = session). */
  private static long stat(long pid, int field) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[field]);
  }

  /** Live processes carrying the mark, and everything in their process groups. */
  private static List<ProcessHandle> marked(String mark) {
    List<ProcessHandle> all;
    try (Stream<ProcessHandle> stream = ProcessHandle.allProcesses()) {
      all = stream.filter(p -> LauncherIT.alive(p.pid())).toList();
    }
    List<Long> leaders = all.stream().filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false))
        .map(ProcessHandle::pid).toList();
    return all.stream().filter(p -> leaders.contains(p.pid()) || leaders.contains(group(p.pid()))).toList();
  }

  private static Long group(long pid) {
    try {
      return stat(pid, 2);
    } catch (IOException | RuntimeException e) {
      return -1L;
    }
  }
}

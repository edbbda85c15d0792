package io.regulator.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.FleetSpec;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.core.spec.ProbeRole;
import io.regulator.core.spec.ProbeSpec;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code probes} of a component (DESIGN §3, §8): what each kind of check turns into, where
 * timing and check settings come from when a probe leaves them out, and what a user sees for a bad
 * probe, rule by rule.
 */
class ProbeConfigTest {

  private static final String HEALTH = "http://127.0.0.1:5051/health";
  private static final Duration S1 = Duration.ofSeconds(1);

  @TempDir Path home;

  // ---- what probes turn into ----

  @Test
  void theDesignExampleProbesParseWithTheirDefaults() throws Exception {
    FleetSpec fleet = load("""
        regulator.components {
          runner {
            command = ["python3", "runner.py", "--port", "5051"]
            probes {
              startup   { http { url = "http://127.0.0.1:5051/health" }, period = 1s, failure-threshold = 30 }
              readiness { http { url = "http://127.0.0.1:5051/health" }, period = 2s }
              liveness  { http { url = "http://127.0.0.1:5051/health" }, period = 5s, failure-threshold = 3 }
            }
          }
          tunnel {
            command = ["ngrok", "http", "5051"]
            probes.liveness { tunnel { api = "http://127.0.0.1:4040/api/tunnels", upstream = "localhost:5051" } }
          }
        }
        """);

    ProbeCheck.Http health = new ProbeCheck.Http(HEALTH, 200, 399, Optional.empty(), Optional.empty(), Optional.empty());
    assertThat(fleet.component("runner").probes()).containsExactly(
        new ProbeSpec(ProbeRole.STARTUP, health, S1, S1, Duration.ZERO, 30, 1, Duration.ofSeconds(30)),
        new ProbeSpec(ProbeRole.READINESS, health, Duration.ofSeconds(2), S1, Duration.ZERO, 3, 1, Duration.ofSeconds(6)),
        new ProbeSpec(ProbeRole.LIVENESS, health, Duration.ofSeconds(5), S1, Duration.ZERO, 3, 1, Duration.ofSeconds(15)));
    assertThat(fleet.component("tunnel").probes()).containsExactly(new ProbeSpec(ProbeRole.LIVENESS,
        new ProbeCheck.Tunnel("http://127.0.0.1:4040/api/tunnels", "localhost:5051", false, "/"),
        Duration.ofSeconds(10), S1, Duration.ZERO, 3, 1, Duration.ofSeconds(30)));
  }

  @Test
  void theDesignFleetFileHasItsProbes() throws Exception {
    FleetSpec fleet = RegulatorConfig.load(resource("fleet.conf"), home);

    ComponentSpec runner = fleet.component("runner");
    assertThat(runner.probe(ProbeRole.STARTUP)).isEmpty();
    assertThat(runner.probe(ProbeRole.READINESS).map(ProbeSpec::period)).contains(Duration.ofSeconds(2));
    assertThat(runner.probe(ProbeRole.LIVENESS).map(ProbeSpec::check)).contains(
        new ProbeCheck.Http(HEALTH, 200, 399, Optional.empty(), Optional.empty(), Optional.empty()));
    assertThat(fleet.component("tunnel").probe(ProbeRole.LIVENESS).map(p -> p.check().kind())).contains("tunnel");
    assertThat(fleet.component("slack-server").probes()).isEmpty();
  }

  @Test
  void everyKindParsesWithItsDefaults() throws Exception {
    FleetSpec fleet = load("""
        regulator.components {
          http.command = [a], http.probes.liveness.http.url = "https://example.org/health"
          tcp.command = [a], tcp.probes.liveness.tcp.port = 5432
          exec.command = [a], exec.probes.liveness.exec.command = [pg_isready, -q]
          heartbeat.command = [a], heartbeat.probes.liveness.heartbeat.stale-after = 30s
          queue.command = [a], queue.probes.liveness.queue { directory = spool, max-age = 30s }
          log.command = [a], log.probes.liveness.log.silent-for = 5m
          tunnel.command = [a], tunnel.probes.liveness.tunnel.upstream = "localhost:5051"
          resources.command = [a], resources.probes.liveness.resources.max-threads = 200
        }
        """);

    assertThat(check(fleet, "http")).isEqualTo(
        new ProbeCheck.Http("https://example.org/health", 200, 399, Optional.empty(), Optional.empty(), Optional.empty()));
    assertThat(check(fleet, "tcp")).isEqualTo(new ProbeCheck.Tcp("127.0.0.1", 5432));
    assertThat(check(fleet, "exec")).isEqualTo(new ProbeCheck.Exec(List.of("pg_isready", "-q")));
    assertThat(check(fleet, "heartbeat")).isEqualTo(new ProbeCheck.Heartbeat(Optional.empty(), Duration.ofSeconds(30)));
    assertThat(check(fleet, "queue")).isEqualTo(new ProbeCheck.Queue(home.resolve("spool").toString(), Duration.ofSeconds(30)));
    assertThat(check(fleet, "log")).isEqualTo(
        new ProbeCheck.Log(Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.of(Duration.ofMinutes(5))));
    assertThat(check(fleet, "tunnel")).isEqualTo(
        new ProbeCheck.Tunnel("http://127.0.0.1:4040/api/tunnels", "localhost:5051", false, "/"));
    assertThat(check(fleet, "resources")).isEqualTo(new ProbeCheck.Resources(
        OptionalLong.empty(), OptionalDouble.empty(), Duration.ofSeconds(30), OptionalInt.empty(), OptionalInt.of(200)));
    for (ComponentSpec c : fleet.components().values()) {
      assertThat(c.probes()).as(c.name()).singleElement().satisfies(p -> {
        assertThat(p.check().kind()).isEqualTo(c.name());
        assertThat(p).usingRecursiveComparison().ignoringFields("check").isEqualTo(new ProbeSpec(
            ProbeRole.LIVENESS, null, Duration.ofSeconds(10), S1, Duration.ZERO, 3, 1, Duration.ofSeconds(30)));
      });
    }
  }

  @Test
  void everyKindParsesWithExplicitValues() throws Exception {
    FleetSpec fleet = load("""
        regulator.components {
          http { command = [a], probes.readiness.http {
            url = " http://[::1]:8080/status?verbose=1 ", status = 204, body-contains = "\\"ok\\"",
            json-pointer = "/checks/0/state", json-value = 1.0 } }
          tcp { command = [a], probes.readiness.tcp { host = "db.internal", port = 5432 } }
          exec { command = [a], probes.readiness.exec.command = ["/bin/sh", "-c", "test -s out.txt"] }
          heartbeat { command = [a], probes.readiness.heartbeat { file = "run/../run/beat", stale-after = 1500ms } }
          queue { command = [a], probes.readiness.queue { directory = "/var/spool/patches", max-age = 2m } }
          log { command = [a], probes.readiness.log {
            failure-pattern = "^(Traceback|FATAL) ", repeat-limit = 20, queue-directory = "spool", silent-for = 10m } }
          tunnel { command = [a], probes.readiness.tunnel {
            api = "http://127.0.0.1:4041/api/tunnels", upstream = "http://localhost:5051", end-to-end = true,
            end-to-end-path = "/health" } }
          resources { command = [a], probes.readiness.resources {
            max-memory = 512MiB, max-cpu-percent = 150.5, cpu-sustained-for = 1m, max-open-files = 1024, max-threads = 64 } }
        }
        """);

    assertThat(check(fleet, "http")).isEqualTo(new ProbeCheck.Http("http://[::1]:8080/status?verbose=1", 204, 204,
        Optional.of("\"ok\""), Optional.of("/checks/0/state"), Optional.of("1.0")));
    assertThat(check(fleet, "tcp")).isEqualTo(new ProbeCheck.Tcp("db.internal", 5432));
    assertThat(check(fleet, "exec")).isEqualTo(new ProbeCheck.Exec(List.of("/bin/sh", "-c", "test -s out.txt")));
    assertThat(check(fleet, "heartbeat")).isEqualTo(
        new ProbeCheck.Heartbeat(Optional.of(home.resolve("run/beat").toString()), Duration.ofMillis(1500)));
    assertThat(check(fleet, "queue")).isEqualTo(new ProbeCheck.Queue("/var/spool/patches", Duration.ofMinutes(2)));
    assertThat(check(fleet, "log")).isEqualTo(new ProbeCheck.Log(Optional.of("^(Traceback|FATAL) "), OptionalInt.of(20),
        Optional.of(home.resolve("spool").toString()), Optional.of(Duration.ofMinutes(10))));
    assertThat(check(fleet, "tunnel")).isEqualTo(
        new ProbeCheck.Tunnel("http://127.0.0.1:4041/api/tunnels", "http://localhost:5051", true, "/health"));
    assertThat(check(fleet, "resources")).isEqualTo(new ProbeCheck.Resources(OptionalLong.of(512L * 1024 * 1024),
        OptionalDouble.of(150.5), Duration.ofMinutes(1), OptionalInt.of(1024), OptionalInt.of(64)));
  }

  @Test
  void statusIsOneCodeOrARange() throws Exception {
    FleetSpec fleet = load("""
        regulator.components {
          number { command = [a], probes.liveness.http { url = "http://x", status = 200 } }
          quoted { command = [a], probes.liveness.http { url = "http://x", status = "404" } }
          range { command = [a], probes.liveness.http { url = "http://x", status = 200-299 } }
          spaced { command = [a], probes.liveness.http { url = "http://x", status = " 500 - 599 " } }
        }
        """);

    assertThat(fleet.components().values()).extracting(c -> (ProbeCheck.Http) c.probes().get(0).check())
        .extracting(h -> h.statusMin() + "-" + h.statusMax())
        .containsExactly("200-200", "404-404", "200-299", "500-599"); // components are sorted by name
  }

  @Test
  void timingComesFromTheProbeElseFromProbeDefaults() throws Exception {
    FleetSpec fleet = load("""
        regulator {
          probe-defaults { period = 30s, timeout = 5s, initial-delay = 2s, failure-threshold = 5 }
          components.a {
            command = [a]
            probes {
              startup { tcp.port = 1, period = 6s, deadline = 3m }
              readiness { tcp.port = 1, success-threshold = 2, timeout = 2s }
              liveness { tcp.port = 1 }
            }
          }
        }
        """);

    ComponentSpec a = fleet.component("a");
    ProbeCheck tcp = new ProbeCheck.Tcp("127.0.0.1", 1);
    assertThat(a.probes()).containsExactly(
        new ProbeSpec(ProbeRole.STARTUP, tcp, Duration.ofSeconds(6), Duration.ofSeconds(5), Duration.ofSeconds(2), 5, 1,
            Duration.ofMinutes(3)),
        new ProbeSpec(ProbeRole.READINESS, tcp, Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(2), 5, 2,
            Duration.ofSeconds(150)),
        new ProbeSpec(ProbeRole.LIVENESS, tcp, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(2), 5, 1,
            Duration.ofSeconds(150)));
  }

  @Test
  void probeKindsSetFleetWideDefaultsOfACheckThatAProbeMayOverride() throws Exception {
    FleetSpec fleet = load("""
        regulator {
          probe-kinds {
            http.status = 200
            tcp.host = "10.0.0.5"
            tunnel { api = "http://127.0.0.1:4041/api/tunnels", end-to-end = true }
          }
          components {
            a { command = [a], probes.liveness.http.url = "http://x" }
            b { command = [a], probes.liveness.http { url = "http://x", status = 200-299 } }
            c { command = [a], probes.liveness.tcp.port = 80 }
            d { command = [a], probes.liveness.tunnel { upstream = "localhost:80", end-to-end-path = "/ping" } }
          }
        }
        """);

    assertThat(((ProbeCheck.Http) check(fleet, "a")).statusMax()).isEqualTo(200);
    assertThat(((ProbeCheck.Http) check(fleet, "b")).statusMax()).isEqualTo(299);
    assertThat(check(fleet, "c")).isEqualTo(new ProbeCheck.Tcp("10.0.0.5", 80));
    assertThat(check(fleet, "d")).isEqualTo(new ProbeCheck.Tunnel("http://127.0.0.1:4041/api/tunnels", "localhost:80", true, "/ping"));
  }

  @Test
  void probesComeInRoleOrderWhateverOrderTheyAreWrittenIn() throws Exception {
    FleetSpec fleet = load("""
        regulator.components {
          a {
            command = [a]
            probes.liveness.tcp.port = 3
            probes { readiness.tcp.port = 2 }
            probes.startup { tcp { port = 1 } }
          }
          none { command = [a] }
          empty { command = [a], probes {} }
        }
        """);

    assertThat(fleet.component("a").probes()).extracting(ProbeSpec::role)
        .containsExactly(ProbeRole.STARTUP, ProbeRole.READINESS, ProbeRole.LIVENESS);
    assertThat(fleet.component("a").probe(ProbeRole.READINESS).map(ProbeSpec::check)).contains(new ProbeCheck.Tcp("127.0.0.1", 2));
    assertThat(fleet.component("none").probes()).isEmpty();
    assertThat(fleet.component("empty").probes()).isEmpty();
  }

  // ---- what a user sees for a bad probe ----

  @Test
  void eachRoleHoldsOneCheckAndUnknownKeysGetTheNearestKnownOne() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          probes {
            livenes { http { url = "http://x" } }
            http { url = "http://x" }
            period = 2s
            startup { period = 1s }
            readiness { http { url = "http://x" }, tcp { port = 1 }, exec { command = [x] } }
            liveness { htpp { url = "http://x" }, perod = 2s, url = "http://x", tcp { prot = 1 } }
          }
        }
        """)).containsExactly(
        "4: regulator.components.a.probes.livenes: unknown key (did you mean 'liveness'?)",
        "5: regulator.components.a.probes.http: a probe needs a role: write probes.liveness.http { ... } (or startup,"
            + " readiness)",
        "6: regulator.components.a.probes.period: period is set per probe: write probes.liveness.period (or startup,"
            + " readiness)",
        "7: regulator.components.a.probes.startup: expected one check (http, tcp, exec, heartbeat, queue, log, tunnel or"
            + " resources), got none; e.g. startup { http { url = \"http://127.0.0.1:5051/health\" } }",
        "8: regulator.components.a.probes.readiness: expected one check (http, tcp, exec, heartbeat, queue, log, tunnel or"
            + " resources), got 3: http, tcp and exec; a probe checks one thing, so keep one (each role has its own probe)",
        "9: regulator.components.a.probes.liveness.htpp: unknown key (did you mean 'http'?)",
        "9: regulator.components.a.probes.liveness.perod: unknown key (did you mean 'period'?)",
        "9: regulator.components.a.probes.liveness.tcp.port: missing: expected a whole number from 1 to 65535",
        "9: regulator.components.a.probes.liveness.tcp.prot: unknown key (did you mean 'port'?)",
        "9: regulator.components.a.probes.liveness.url: unknown key (did you mean 'http.url'?)");
  }

  @Test
  void timingMustBePositiveAndATimeoutFitInItsPeriod() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          probes {
            startup { tcp.port = 1, timeout = 5s, period = 2s }
            readiness { tcp.port = 1, period = 500ms }
            liveness { tcp.port = 1, period = 0s, timeout = 10, initial-delay = -1s, failure-threshold = 0, success-threshold = 0 }
          }
        }
        """)).containsExactly(
        "4: regulator.components.a.probes.startup.period: expected at least timeout (5s), got 2s: a probe must end before"
            + " the next one starts; raise it or lower timeout",
        "5: regulator.components.a.probes.readiness.period: expected at least timeout (1s), got 500ms: a probe must end"
            + " before the next one starts; raise it or lower timeout",
        "6: regulator.components.a.probes.liveness.failure-threshold: expected a whole number >= 1, got 0",
        "6: regulator.components.a.probes.liveness.initial-delay: expected a duration such as 500ms, 10s or 5m (not"
            + " negative), got '-1s'",
        "6: regulator.components.a.probes.liveness.period: expected a duration such as 500ms, 10s or 5m (more than 0),"
            + " got '0s'",
        "6: regulator.components.a.probes.liveness.success-threshold: expected a whole number >= 1, got 0",
        "6: regulator.components.a.probes.liveness.timeout: expected a duration such as 500ms, 10s or 5m, got 10 without"
            + " a unit: write 10s or 10ms");
  }

  @Test
  void aTimeoutAboveThePeriodInProbeDefaultsIsReportedOnceThere() throws Exception {
    assertThat(problems("""
        regulator {
          probe-defaults { timeout = 20s }
          components {
            a { command = [a], probes.liveness.tcp.port = 1 }
            b { command = [a], probes.liveness { tcp.port = 1, timeout = 1s } }
            c { command = [a], probes.liveness { tcp.port = 1, period = 5s } }
          }
        }
        """)).containsExactly(
        "2: regulator.probe-defaults.timeout: expected at most period (10s), got 20s: a probe must end before the next"
            + " one starts; lower it or raise period",
        "6: regulator.components.c.probes.liveness.period: expected at least timeout (20s), got 5s: a probe must end"
            + " before the next one starts; raise it or lower timeout");
  }

  @Test
  void onlyAReadinessProbeMayNeedSeveralSuccesses() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          probes {
            startup { tcp.port = 1, success-threshold = 2 }
            readiness { tcp.port = 1, success-threshold = 3 }
            liveness { tcp.port = 1, success-threshold = 2 }
          }
        }
        """)).containsExactly(
        "4: regulator.components.a.probes.startup.success-threshold: expected 1 for a startup probe, got 2: the first"
            + " success ends startup (as in Kubernetes, only a readiness probe may ask for several successes in a row);"
            + " remove it or set 1",
        "6: regulator.components.a.probes.liveness.success-threshold: expected 1 for a liveness probe, got 2: one success"
            + " shows it is alive (as in Kubernetes, only a readiness probe may ask for several successes in a row);"
            + " remove it or set 1");
  }

  @Test
  void aSuccessThresholdFromProbeDefaultsIsReportedOnEachLivenessProbeThatTakesIt() throws Exception {
    assertThat(problems("""
        regulator {
          probe-defaults.success-threshold = 2
          components.a {
            command = [a]
            probes.readiness.tcp.port = 1
            probes.liveness.tcp.port = 1
          }
          components.b.command = [b]
          components.b.probes.liveness { tcp.port = 1, success-threshold = 1 }
        }
        """)).containsExactly(
        "6: regulator.components.a.probes.liveness.success-threshold: expected 1 for a liveness probe, got 2 from"
            + " regulator.probe-defaults.success-threshold: one success shows it is alive (as in Kubernetes, only a"
            + " readiness probe may ask for several successes in a row); set success-threshold = 1 here");
  }

  @Test
  void deadlineIsForStartupProbesAndMustOutlastTheInitialDelay() throws Exception {
    assertThat(problems("""
        regulator {
          probe-defaults.deadline = 1m
          components.a {
            command = [a]
            probes {
              startup { tcp.port = 1, initial-delay = 1m, deadline = 30s }
              liveness { tcp.port = 1, deadline = 30s }
            }
          }
          components.b {
            command = [b]
            probes.startup { tcp.port = 1, initial-delay = 1m, period = 1s, failure-threshold = 30 }
          }
          components.c.command = [c]
          components.c.probes { startup { tcp.port = 1, deadline = 0s }, deadline = 5m }
        }
        """)).containsExactly(
        "2: regulator.probe-defaults.deadline: deadline can only be set on a startup probe, in"
            + " regulator.components.<name>.probes.startup.deadline",
        "6: regulator.components.a.probes.startup.deadline: expected more than initial-delay (1m), got 30s: the startup"
            + " probe would fail before its first check; raise it or lower initial-delay",
        "7: regulator.components.a.probes.liveness.deadline: deadline applies only to the startup probe (how long the"
            + " component may take to first pass it); remove it here, or move the check to probes.startup",
        "12: regulator.components.b.probes.startup.deadline: expected more than initial-delay (1m), got period *"
            + " failure-threshold = 30s (deadline is not set): the startup probe would fail before its first check; set"
            + " deadline, or lower initial-delay",
        "15: regulator.components.c.probes.deadline: deadline is set on the startup probe: write probes.startup.deadline",
        "15: regulator.components.c.probes.startup.deadline: expected a duration such as 500ms, 10s or 5m (more than 0),"
            + " got '0s'");
  }

  @Test
  void httpChecksNeedAnHttpUrlAStatusRangeAndAPointerForAJsonValue() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          probes {
            startup.http { status = 200 }
            readiness.http { url = "localhost:5051/health", status = 600, json-value = up, body-contains = "" }
            liveness.http { url = "ftp://x/", status = "399-200", json-pointer = status, json-value = [1] }
          }
        }
        regulator.components.b {
          command = [a]
          probes {
            startup.http { url = "http:///health", status = [200, 204], json-pointer = "/a~2" }
            readiness.http { url = "http://a b/", status = ok }
            liveness.http { url = 5, status = 99 }
          }
        }
        """)).containsExactly(
        "4: regulator.components.a.probes.startup.http.url: missing: expected an http:// or https:// URL with a host, such"
            + " as http://127.0.0.1:5051/health",
        "5: regulator.components.a.probes.readiness.http.body-contains: expected a non-empty string, got ''",
        "5: regulator.components.a.probes.readiness.http.json-value: json-value needs json-pointer to say which value of"
            + " the body to compare, e.g. json-pointer = \"/status\"; add one or remove json-value",
        "5: regulator.components.a.probes.readiness.http.status: expected an HTTP status code such as 200 or a range such"
            + " as 200-399 (codes are 100 to 599), got 600",
        "5: regulator.components.a.probes.readiness.http.url: expected an http:// or https:// URL with a host, such as"
            + " http://127.0.0.1:5051/health, got 'localhost:5051/health': write http://localhost:5051/health",
        "6: regulator.components.a.probes.liveness.http.json-pointer: expected a JSON pointer such as /status or"
            + " /checks/0/ok (RFC 6901), got 'status': a pointer starts with '/', write /status",
        "6: regulator.components.a.probes.liveness.http.json-value: expected a string, number or boolean, got [1]",
        "6: regulator.components.a.probes.liveness.http.status: expected an HTTP status code such as 200 or a range such"
            + " as 200-399 (codes are 100 to 599), got '399-200': write the lower code first, 200-399",
        "6: regulator.components.a.probes.liveness.http.url: expected an http:// or https:// URL with a host, such as"
            + " http://127.0.0.1:5051/health, got 'ftp://x/': only http and https can be probed",
        "12: regulator.components.b.probes.startup.http.json-pointer: expected a JSON pointer such as /status or"
            + " /checks/0/ok (RFC 6901), got '/a~2': '~' must be followed by 0 or 1 (~0 stands for '~', ~1 for '/')",
        "12: regulator.components.b.probes.startup.http.status: expected an HTTP status code such as 200 or a range such"
            + " as 200-399 (codes are 100 to 599), got [200,204]",
        "12: regulator.components.b.probes.startup.http.url: expected an http:// or https:// URL with a host, such as"
            + " http://127.0.0.1:5051/health, got 'http:///health': it names no (valid) host",
        "13: regulator.components.b.probes.readiness.http.status: expected an HTTP status code such as 200 or a range"
            + " such as 200-399 (codes are 100 to 599), got 'ok'",
        "13: regulator.components.b.probes.readiness.http.url: expected an http:// or https:// URL with a host, such as"
            + " http://127.0.0.1:5051/health, got 'http://a b/': Illegal character in authority at index 7",
        "14: regulator.components.b.probes.liveness.http.status: expected an HTTP status code such as 200 or a range"
            + " such as 200-399 (codes are 100 to 599), got 99",
        "14: regulator.components.b.probes.liveness.http.url: expected an http:// or https:// URL with a host, such as"
            + " http://127.0.0.1:5051/health, got 5");
  }

  @Test
  void tcpChecksNeedAPortAndExecChecksAnArgvList() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          probes {
            startup.tcp { host = "" }
            readiness.tcp { host = "localhost:5051", port = 70000 }
            liveness.tcp { host = "http://db", port = 0 }
          }
        }
        regulator.components.b {
          command = [a]
          probes {
            startup.exec { command = "pg_isready -h db" }
            readiness.exec { command = [] }
            liveness.exec { command = [[x]] }
          }
        }
        """)).containsExactly(
        "4: regulator.components.a.probes.startup.tcp.host: expected a host name or IP address such as 127.0.0.1, got ''",
        "4: regulator.components.a.probes.startup.tcp.port: missing: expected a whole number from 1 to 65535",
        "5: regulator.components.a.probes.readiness.tcp.host: expected a host name or IP address such as 127.0.0.1, got"
            + " 'localhost:5051': write host = \"localhost\" and port = 5051",
        "5: regulator.components.a.probes.readiness.tcp.port: expected a whole number from 1 to 65535, got 70000",
        "6: regulator.components.a.probes.liveness.tcp.host: expected a host name or IP address such as 127.0.0.1, got"
            + " 'http://db': write only the host, without scheme or path",
        "6: regulator.components.a.probes.liveness.tcp.port: expected a whole number from 1 to 65535, got 0",
        "12: regulator.components.b.probes.startup.exec.command: expected the command as a non-empty list of strings such"
            + " as [\"pg_isready\", \"-q\"], got the single string 'pg_isready -h db'; split it into a list, or write"
            + " [\"/bin/sh\", \"-c\", \"pg_isready -h db\"] to run it through the shell",
        "13: regulator.components.b.probes.readiness.exec.command: expected the command as a non-empty list of strings"
            + " such as [\"pg_isready\", \"-q\"], got []",
        "14: regulator.components.b.probes.liveness.exec.command: expected every command element to be a string, got"
            + " [\"x\"]");
  }

  @Test
  void heartbeatAndQueueChecksNeedPositiveAges() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          probes {
            startup.heartbeat { file = "" }
            readiness.heartbeat { stale-after = 0s }
            liveness.queue { max-age = -1s }
          }
        }
        """)).containsExactly(
        "4: regulator.components.a.probes.startup.heartbeat.file: expected a file path (relative paths are taken from"
            + " Regulator's home), got ''",
        "4: regulator.components.a.probes.startup.heartbeat.stale-after: missing: expected a duration such as 500ms, 10s"
            + " or 5m",
        "5: regulator.components.a.probes.readiness.heartbeat.stale-after: expected a duration such as 500ms, 10s or 5m"
            + " (more than 0), got '0s'",
        "6: regulator.components.a.probes.liveness.queue.directory: missing: expected a directory path (relative paths are"
            + " taken from Regulator's home)",
        "6: regulator.components.a.probes.liveness.queue.max-age: expected a duration such as 500ms, 10s or 5m (not"
            + " negative), got '-1s'");
  }

  @Test
  void logChecksNeedARuleAndAPatternThatCompiles() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          probes {
            startup.log { }
            readiness.log { failure-pattern = "(unclosed", repeat-limit = 1 }
            liveness.log { queue-directory = spool, silent-for = 5m, failure-pattern = "" }
          }
        }
        """)).containsExactly(
        "4: regulator.components.a.probes.startup.log: expected at least one rule: failure-pattern (a line that means"
            + " failure), repeat-limit (the same line this many times in a row) or silent-for (no output for this long)",
        "5: regulator.components.a.probes.readiness.log.failure-pattern: expected a regular expression (java.util.regex)"
            + " such as \"Traceback|FATAL\", got '(unclosed': Unclosed group near index 9",
        "5: regulator.components.a.probes.readiness.log.repeat-limit: expected a whole number >= 2, got 1",
        "6: regulator.components.a.probes.liveness.log.failure-pattern: expected a regular expression (java.util.regex)"
            + " such as \"Traceback|FATAL\", got '': an empty pattern matches every line",
        "6: regulator.components.a.probes.liveness.log.queue-directory: queue-directory is only used with repeat-limit: a"
            + " line repeated while this queue has work is the deadlock it looks for; add repeat-limit or remove"
            + " queue-directory");
  }

  @Test
  void tunnelChecksNeedAnUpstreamAndEndToEndForItsPath() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          probes {
            startup.tunnel { api = "localhost:4040" }
            readiness.tunnel { upstream = "localhost:5051", end-to-end-path = "/health" }
            liveness.tunnel { upstream = "localhost:5051", end-to-end = yes-please, end-to-end-path = health }
          }
        }
        """)).containsExactly(
        "4: regulator.components.a.probes.startup.tunnel.api: expected an http:// or https:// URL with a host, such as"
            + " http://127.0.0.1:5051/health, got 'localhost:4040': write http://localhost:4040",
        "4: regulator.components.a.probes.startup.tunnel.upstream: missing: expected the address the tunnel forwards to,"
            + " as its API shows it, such as localhost:5051",
        "5: regulator.components.a.probes.readiness.tunnel.end-to-end-path: end-to-end-path is only used with end-to-end"
            + " = true (a GET through the public URL); set end-to-end = true or remove end-to-end-path",
        "6: regulator.components.a.probes.liveness.tunnel.end-to-end: expected true or false, got 'yes-please'",
        "6: regulator.components.a.probes.liveness.tunnel.end-to-end-path: expected a URL path starting with '/' such as"
            + " /health, got 'health'");
  }

  @Test
  void resourceChecksNeedALimit() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          probes {
            startup.resources { cpu-sustained-for = 1m }
            readiness.resources { max-cpu-percent = "80%", max-memory = lots, max-threads = 0 }
            liveness.resources { max-cpu-percent = 0, max-open-files = 1.5 }
          }
        }
        """)).containsExactly(
        "4: regulator.components.a.probes.startup.resources: expected at least one limit: max-memory, max-cpu-percent,"
            + " max-open-files or max-threads",
        "4: regulator.components.a.probes.startup.resources.cpu-sustained-for: cpu-sustained-for is only used with"
            + " max-cpu-percent: it says how long CPU may stay above that limit; add max-cpu-percent or remove"
            + " cpu-sustained-for",
        "5: regulator.components.a.probes.readiness.resources.max-cpu-percent: expected a CPU percentage more than 0 such"
            + " as 80 (100 = one whole core), got '80%': write 80 without %",
        "5: regulator.components.a.probes.readiness.resources.max-memory: expected a size such as 512KiB, 10MiB or 1GiB,"
            + " got 'lots'",
        "5: regulator.components.a.probes.readiness.resources.max-threads: expected a whole number >= 1, got 0",
        "6: regulator.components.a.probes.liveness.resources.max-cpu-percent: expected a CPU percentage more than 0 such"
            + " as 80 (100 = one whole core), got 0",
        "6: regulator.components.a.probes.liveness.resources.max-open-files: expected a whole number >= 1, got 1.5");
  }

  @Test
  void probeDefaultsAndProbeKindsHoldOnlyWhatHasAFleetWideDefault() throws Exception {
    assertThat(problems("""
        regulator {
          defaults.probes.liveness.tcp.port = 1
          probe-defaults { http { url = "http://x" }, perod = 5s }
          probe-kinds {
            http { url = "http://x", status = 200 }
            tcpp.host = "::1"
            resources.max-memory = 1GiB
            tunnel.end-to-end-path = nope
          }
        }
        """)).containsExactly(
        "2: regulator.defaults.probes: probes can only be set per component, in regulator.components.<name>.probes",
        "3: regulator.probe-defaults.http: http is a check, set per probe in regulator.components.<name>.probes.<role>.http;"
            + " defaults of its settings go in regulator.probe-kinds.http",
        "3: regulator.probe-defaults.perod: unknown key (did you mean 'period'?)",
        "5: regulator.probe-kinds.http.url: url can only be set per probe, in"
            + " regulator.components.<name>.probes.<role>.http.url",
        "6: regulator.probe-kinds.tcpp: unknown key (did you mean 'tcp'?)",
        "7: regulator.probe-kinds.resources.max-memory: max-memory can only be set per probe, in"
            + " regulator.components.<name>.probes.<role>.resources.max-memory",
        "8: regulator.probe-kinds.tunnel.end-to-end-path: expected a URL path starting with '/' such as /health, got"
            + " 'nope'");
  }

  @Test
  void severalProbeProblemsAreReportedAtOnceWithFileLineAndKey() throws Exception {
    Path file = write("""
        regulator {
          components {
            runner {
              command = ["python3", "runner.py"]
              probes {
                readiness { http { url = "127.0.0.1:5051/health" }, period = 2s, timeout = 3s }
                liveness { http { url = "http://127.0.0.1:5051/health" }, tcp { port = 5051 }, failure-treshold = 3 }
              }
            }
            tunnel {
              command = ["ngrok", "http", "5051"]
              probes.liveness { tunnel { api = "http://127.0.0.1:4040/api/tunnels", upsteam = "localhost:5051" } }
            }
          }
        }
        """);

    ConfigValidationException e = failure(file);

    String f = file.toString();
    assertThat(e.getMessage()).isEqualTo(String.join("\n",
        f + ":6: regulator.components.runner.probes.readiness.http.url: expected an http:// or https:// URL with a host,"
            + " such as http://127.0.0.1:5051/health, got '127.0.0.1:5051/health': write http://127.0.0.1:5051/health",
        f + ":6: regulator.components.runner.probes.readiness.period: expected at least timeout (3s), got 2s: a probe must"
            + " end before the next one starts; raise it or lower timeout",
        f + ":7: regulator.components.runner.probes.liveness: expected one check (http, tcp, exec, heartbeat, queue, log,"
            + " tunnel or resources), got 2: http and tcp; a probe checks one thing, so keep one (each role has its own"
            + " probe)",
        f + ":7: regulator.components.runner.probes.liveness.failure-treshold: unknown key (did you mean"
            + " 'failure-threshold'?)",
        f + ":12: regulator.components.tunnel.probes.liveness.tunnel.upsteam: unknown key (did you mean 'upstream'?)",
        f + ":12: regulator.components.tunnel.probes.liveness.tunnel.upstream: missing: expected the address the tunnel"
            + " forwards to, as its API shows it, such as localhost:5051"));
  }

  // ---- helpers ----

  private FleetSpec load(String hocon) throws Exception {
    return RegulatorConfig.load(write(hocon), home);
  }

  private static ProbeCheck check(FleetSpec fleet, String component) {
    List<ProbeSpec> probes = fleet.component(component).probes();
    assertThat(probes).as("the probes of %s", component).hasSize(1);
    return probes.get(0).check();
  }

  /** The rendered problems of a config written to a file, each without the file name: {@code line: key: message}. */
  private List<String> problems(String hocon) throws IOException {
    Path file = write(hocon);
    String prefix = file + ":";
    return failure(file).problems().stream()
        .map(ConfigProblem::render)
        .peek(r -> assertThat(r).startsWith(prefix))
        .map(r -> r.substring(prefix.length()))
        .toList();
  }

  private ConfigValidationException failure(Path file) {
    ConfigValidationException e = catchThrowableOfType(ConfigValidationException.class, () -> RegulatorConfig.load(file, home));
    assertThat(e).as("expected %s to be rejected", file).isNotNull();
    return e;
  }

  private Path write(String hocon) throws IOException {
    return Files.writeString(Files.createTempFile(home, "regulator", ".conf"), hocon);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ProbeConfigTest.class.getResource("/config/" + name).toURI());
  }
}

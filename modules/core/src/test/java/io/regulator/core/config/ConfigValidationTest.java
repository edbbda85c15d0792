package io.regulator.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees for a bad config: every problem at once, each as {@code file:line: key:
 * message} saying what was expected and what to do.
 */
class ConfigValidationTest {

  @TempDir Path home;

  @Test
  void everyProblemIsReportedAtOnceWithFileLineAndKey() throws Exception {
    Path file = write("""
        regulator {
          nod = "x"
          defaults {
            backoff { min = 2m, max = 1m }
          }
          groups {
            edge { strategy = rest-for-one, members = [runner, slack-servr] }
          }
          components {
            runner {
              command = "python3 runner.py"
              restrat = always
              stop { timeout = "10 parsecs" }
            }
            tunnel {
              command = ["ngrok", "http", "5051"]
              depends-on { runer = requires }
              on-dependency-loss = retsart
            }
          }
        }
        """);

    ConfigValidationException e = failure(file);

    String f = file.toString();
    assertThat(e.problems()).containsExactly(
        new ConfigProblem(f, 2, "regulator.nod", "unknown key (did you mean 'node'?)"),
        new ConfigProblem(f, 4, "regulator.defaults.backoff.max",
            "expected at least backoff.min (2m), got 1m; raise it or lower backoff.min"),
        new ConfigProblem(f, 7, "regulator.groups.edge.members", "unknown component 'slack-servr'; the components are runner, tunnel"),
        new ConfigProblem(f, 11, "regulator.components.runner.command",
            "expected the command as a non-empty list of strings such as [\"python3\", \"app.py\"], got the single string"
                + " 'python3 runner.py'; split it into a list, or set shell = true to run it with /bin/sh -c"),
        new ConfigProblem(f, 12, "regulator.components.runner.restrat", "unknown key (did you mean 'restart'?)"),
        new ConfigProblem(f, 13, "regulator.components.runner.stop.timeout",
            "expected a duration such as 500ms, 10s or 5m, got '10 parsecs'"),
        new ConfigProblem(f, 17, "regulator.components.tunnel.depends-on", "unknown component 'runer' (did you mean 'runner'?)"),
        new ConfigProblem(f, 18, "regulator.components.tunnel.on-dependency-loss",
            "expected one of stop, restart, keep, got 'retsart' (did you mean 'restart'?)"));
    assertThat(e.getMessage()).isEqualTo(e.problems().stream().map(ConfigProblem::render).collect(Collectors.joining("\n")));
    assertThat(e.getMessage().lines().findFirst()).contains(f + ":2: regulator.nod: unknown key (did you mean 'node'?)");
  }

  @Test
  void aMisspeltKeyGetsTheNearestKnownKeyAtItsLevel() throws Exception {
    assertThat(problems("""
        regulator {
          compnents {}
          components {
            a {
              command = [a]
              restrat = always
              backof { min = 1s }
              backoff { mni = 1s, random_factor = 0.1 }
              autoStart = false
              max-restarts = 3
              depends = []
            }
          }
        }
        components { b { command = [b] } }
        regulatr { node = x }
        pekko { loglevel = INFO }
        """)).containsExactly(
        "2: regulator.compnents: unknown key (did you mean 'components'?)",
        "6: regulator.components.a.restrat: unknown key (did you mean 'restart'?)",
        "7: regulator.components.a.backof: unknown key (did you mean 'backoff'?)",
        "8: regulator.components.a.backoff.mni: unknown key (did you mean 'min'?)",
        "8: regulator.components.a.backoff.random_factor: unknown key (did you mean 'random-factor'?)",
        "9: regulator.components.a.autoStart: unknown key (did you mean 'autostart'?)",
        "10: regulator.components.a.max-restarts: unknown key (did you mean 'intensity.max-restarts'?)",
        "11: regulator.components.a.depends: unknown key (did you mean 'depends-on'?)",
        "15: components: unknown key (did you mean 'regulator.components'?)",
        "16: regulatr: unknown key (did you mean 'regulator'?)");
  }

  @Test
  void aMisspeltKeyWithNothingNearListsTheKnownKeys() throws Exception {
    assertThat(problems("regulator.components.a { command = [a], zzz = 1 }")).containsExactly(
        "1: regulator.components.a.zzz: unknown key; the keys known here are restart, success-exit-codes, backoff,"
            + " intensity, circuit, stop, ready-after, critical, shell, autostart, on-dependency-loss, adopt-orphans, env,"
            + " log, command, cwd, user, depends-on, fallback, probes");
  }

  @Test
  void perComponentKeysInDefaultsSayWhereTheyBelong() throws Exception {
    assertThat(problems("""
        regulator.defaults { command = [a], depends-on = [b] }
        regulator.group-defaults.members = [a]
        """)).containsExactly(
        "1: regulator.defaults.command: command can only be set per component, in regulator.components.<name>.command",
        "1: regulator.defaults.depends-on: depends-on can only be set per component, in regulator.components.<name>.depends-on",
        "2: regulator.group-defaults.members: members can only be set per group, in regulator.groups.<name>.members");
  }

  @Test
  void theAlertsBlockIsAcceptedWithoutLookingInside() throws Exception {
    Path file = write("""
        regulator {
          http { host = "0.0.0.0", port = 9000, token = "t", tls { keystore = "conf/regulator.p12", password = "p" } }
          journal { store = postgres, postgres { url = "jdbc:postgresql://db/regulator" } }
          alerts { receivers { ops { type = slack } }, routes = [1, 2] }
          components.a.command = [a]
        }
        """);

    assertThatCode(() -> RegulatorConfig.load(file, home)).doesNotThrowAnyException();
  }

  @Test
  void theHttpAndJournalBlocksAreCheckedLikeTheRest() throws Exception {
    assertThat(problems("""
        regulator {
          http { host = "127.0.0.1:8080", port = 70000, max-body = lots, anything { at = all } }
          http { rate-limit.burst = 0, ask-timeout = 0s, sse-keep-alive = 15 }
          journal { store = postgress, retention = -1d, writer { backoff { min = 1m, max = 1s } } }
          journal { pool.connections = 0, snapshot-every = many }
          components.a.command = [a]
        }
        """)).containsExactly(
        "2: regulator.http.anything: unknown key; the keys known here are host, port, token, read-token, max-body,"
            + " rate-limit, tls, ask-timeout, sse-keep-alive, resource-sample-interval",
        "2: regulator.http.host: expected a host name or IP address such as 127.0.0.1, got '127.0.0.1:8080': write"
            + " host = \"127.0.0.1\" and port = 8080",
        "2: regulator.http.max-body: expected a size such as 512KiB, 10MiB or 1GiB, got 'lots'",
        "2: regulator.http.port: expected a whole number from 0 to 65535, got 70000",
        "3: regulator.http.ask-timeout: expected a duration such as 500ms, 10s or 5m (more than 0), got '0s'",
        "3: regulator.http.rate-limit.burst: expected a whole number >= 1, got 0",
        "3: regulator.http.sse-keep-alive: expected a duration such as 500ms, 10s or 5m, got 15 without a unit:"
            + " write 15s or 15ms",
        "4: regulator.journal.retention: expected a duration such as 500ms, 10s or 5m (not negative), got '-1d'",
        "4: regulator.journal.store: expected one of h2, postgres, got 'postgress' (did you mean 'postgres'?)",
        "4: regulator.journal.writer.backoff.max: expected at least backoff.min (1m), got 1s; raise it or lower"
            + " backoff.min",
        "5: regulator.journal.pool.connections: expected a whole number >= 1, got 0",
        "5: regulator.journal.snapshot-every: expected a whole number >= 1, got 'many'");
  }

  @Test
  void aPostgresJournalNeedsItsUrl() throws Exception {
    assertThat(problems("""
        regulator {
          journal.store = postgres
          journal.postgres.url = ""
          components.a.command = [a]
        }
        """)).containsExactly(
        "2: regulator.journal.postgres.url: journal.store = postgres needs journal.postgres.url (e.g."
            + " jdbc:postgresql://127.0.0.1:5432/regulator); set it, or use journal.store = h2");
  }

  @Test
  void dependencyCyclesAreReportedWithTheirPath() throws Exception {
    assertThat(problems("""
        regulator.components {
          a { command = [a], depends-on = [b] }
          b { command = [b], depends-on { c = wants } }
          c { command = [c], depends-on = [a] }
          x { command = [x], depends-on = [y] }
          y { command = [y], depends-on = [x] }
          z { command = [z], depends-on = [a, z] }
        }
        """)).containsExactly(
        "2: regulator.components.a.depends-on: dependency cycle a -> b -> c -> a: none of these can start first;"
            + " remove one of these dependencies",
        "5: regulator.components.x.depends-on: dependency cycle x -> y -> x: none of these can start first;"
            + " remove one of these dependencies",
        "7: regulator.components.z.depends-on: 'z' depends on itself; remove it from depends-on");
  }

  @Test
  void unknownDependenciesSuggestTheNearestComponent() throws Exception {
    assertThat(problems("""
        regulator.components {
          runner { command = [a] }
          slack-server { command = [a] }
          tunnel { command = [a], depends-on { runer = requires, slack_server = wants } }
          other { command = [a], depends-on = [database] }
        }
        """)).containsExactly(
        "4: regulator.components.tunnel.depends-on: unknown component 'runer' (did you mean 'runner'?)",
        "4: regulator.components.tunnel.depends-on: unknown component 'slack_server' (did you mean 'slack-server'?)",
        "5: regulator.components.other.depends-on: unknown component 'database'; the components are other, runner,"
            + " slack-server, tunnel");
  }

  @Test
  void dependsOnIsAnObjectOfKindsOrAListOfNames() throws Exception {
    assertThat(problems("""
        regulator.components {
          a { command = [a] }
          b { command = [b], depends-on = a }
          c { command = [c], depends-on { a = needs } }
          d { command = [d], depends-on = 5 }
        }
        """)).containsExactly(
        "3: regulator.components.b.depends-on: expected an object { name = requires | wants } or a list of names"
            + " (= requires), got 'a': write [a]",
        "4: regulator.components.c.depends-on.a: expected requires or wants, got 'needs'",
        "5: regulator.components.d.depends-on: expected an object { name = requires | wants } or a list of names"
            + " (= requires), got 5");
  }

  @Test
  void groupMembersMustBeComponentsInOneGroupOnly() throws Exception {
    assertThat(problems("""
        regulator {
          groups {
            edge { strategy = rest-for-one, members = [runner, slack-servr, tunnel] }
            web { members = [tunnel, tunnel] }
            none { members = [] }
            loose = [runner]
          }
          components { runner.command = [a], slack-server.command = [b], tunnel.command = [c] }
        }
        """)).containsExactly(
        "3: regulator.groups.edge.members: unknown component 'slack-servr' (did you mean 'slack-server'?)",
        "4: regulator.groups.web.members: 'tunnel' is already a member of group 'edge'; a component belongs to at most"
            + " one group, so remove it from one of them",
        "4: regulator.groups.web.members: 'tunnel' is listed twice; list each member once",
        "5: regulator.groups.none.members: expected a non-empty list of component names such as [runner, tunnel], got []",
        "6: regulator.groups.loose: expected an object describing group 'loose' such as loose { members = [runner, tunnel] },"
            + " got [\"runner\"]");
  }

  @Test
  void badDurationsSayWhatADurationLooksLike() throws Exception {
    assertThat(problems("""
        regulator.defaults {
          backoff { min = "10 parsecs", max = 10, reset-after = -1s }
          intensity.within = 0s
          stop.timeout = [10s]
          ready-after = 0
        }
        """)).containsExactly(
        "2: regulator.defaults.backoff.max: expected a duration such as 500ms, 10s or 5m, got 10 without a unit:"
            + " write 10s or 10ms",
        "2: regulator.defaults.backoff.min: expected a duration such as 500ms, 10s or 5m, got '10 parsecs'",
        "2: regulator.defaults.backoff.reset-after: expected a duration such as 500ms, 10s or 5m (not negative), got '-1s'",
        "3: regulator.defaults.intensity.within: expected a duration such as 500ms, 10s or 5m (more than 0), got '0s'",
        "4: regulator.defaults.stop.timeout: expected a duration such as 500ms, 10s or 5m, got [\"10s\"]");
  }

  @Test
  void badEnumsListTheChoicesAndSuggestTheNearest() throws Exception {
    assertThat(problems("""
        regulator {
          defaults { restart = on-falure, on-dependency-loss = ignore, stop.signal = SIGTREM }
          group-defaults.strategy = one-for-none
          components.a { command = [a], stop.signal = 15 }
        }
        """)).containsExactly(
        "2: regulator.defaults.on-dependency-loss: expected one of stop, restart, keep, got 'ignore'",
        "2: regulator.defaults.restart: expected one of always, on-failure, never, got 'on-falure' (did you mean 'on-failure'?)",
        "2: regulator.defaults.stop.signal: expected a signal name: TERM, INT, HUP, QUIT, KILL, USR1, USR2 (with or"
            + " without SIG), got 'SIGTREM' (did you mean 'TERM'?)",
        "3: regulator.group-defaults.strategy: expected one of one-for-one, one-for-all, rest-for-one, got 'one-for-none'"
            + " (did you mean 'one-for-one'?)",
        "4: regulator.components.a.stop.signal: expected a signal name: TERM, INT, HUP, QUIT, KILL, USR1, USR2 (with or"
            + " without SIG), got 15");
  }

  @Test
  void theCommandMustBeANonEmptyListUnlessShellIsOn() throws Exception {
    assertThat(problems("""
        regulator.components {
          single { command = "python3 app.py" }
          shell { command = "python3 app.py | tee out", shell = true }
          empty { command = [] }
          number { command = 5 }
          nested { command = ["a", ["b"]] }
          blank { command = ["", "x"] }
          missing { restart = always }
        }
        """)).containsExactly(
        "2: regulator.components.single.command: expected the command as a non-empty list of strings such as"
            + " [\"python3\", \"app.py\"], got the single string 'python3 app.py'; split it into a list, or set shell = true"
            + " to run it with /bin/sh -c",
        "4: regulator.components.empty.command: expected the command as a non-empty list of strings such as"
            + " [\"python3\", \"app.py\"] (or one string with shell = true), got []",
        "5: regulator.components.number.command: expected the command as a non-empty list of strings such as"
            + " [\"python3\", \"app.py\"] (or one string with shell = true), got 5",
        "6: regulator.components.nested.command: expected every command element to be a string, got [\"b\"]",
        "7: regulator.components.blank.command: expected the program to run as the first element, got an empty string",
        "8: regulator.components.missing.command: missing: expected the command as a non-empty list of strings such as"
            + " [\"python3\", \"app.py\"]");
  }

  @Test
  void shellCanComeFromTheDefaults() throws Exception {
    assertThat(RegulatorConfig.fromConfig(ConfigFactory.parseString(
        "regulator { defaults.shell = true, components.a.command = \"sleep 1 && echo done\" }"), home)
        .component("a").argv()).containsExactly("/bin/sh", "-c", "sleep 1 && echo done");
  }

  @Test
  void numbersMustBeInRange() throws Exception {
    assertThat(problems("""
        regulator.components.a {
          command = [a]
          intensity.max-restarts = -1
          backoff.random-factor = 1.5
          success-exit-codes = [0, 256, -1, 1.5]
          log { max-files = 0, tail-lines = -1, max-file-size = lots }
        }
        regulator.group-defaults.intensity.max-restarts = 2.5
        regulator.defaults.success-exit-codes = 0
        """)).containsExactly(
        "3: regulator.components.a.intensity.max-restarts: expected a whole number >= 0, got -1",
        "4: regulator.components.a.backoff.random-factor: expected a number from 0 to 1 (0.2 = each delay up to 20% longer, at random), got 1.5",
        "5: regulator.components.a.success-exit-codes: expected exit codes from 0 to 255, got -1",
        "5: regulator.components.a.success-exit-codes: expected exit codes from 0 to 255, got 1.5",
        "5: regulator.components.a.success-exit-codes: expected exit codes from 0 to 255, got 256",
        "6: regulator.components.a.log.max-file-size: expected a size such as 512KiB, 10MiB or 1GiB, got 'lots'",
        "6: regulator.components.a.log.max-files: expected a whole number >= 1, got 0",
        "6: regulator.components.a.log.tail-lines: expected a whole number >= 0, got -1",
        "8: regulator.group-defaults.intensity.max-restarts: expected a whole number >= 0, got 2.5",
        "9: regulator.defaults.success-exit-codes: expected a list of exit codes from 0 to 255 such as [0, 2], got 0:"
            + " write [0]");
  }

  @Test
  void boundsMustBeOrderedAndAreReportedWhereTheyWereSet() throws Exception {
    assertThat(problems("""
        regulator {
          defaults.circuit.cooldown = 2h
          components {
            a { command = [a], backoff.min = 2m }
            b { command = [b], backoff { max = 100ms } }
            c { command = [c] }
          }
        }
        """)).as("the defaults' problem is reported once, not again for each component").containsExactly(
        "2: regulator.defaults.circuit.cooldown: expected at most circuit.max-cooldown (1h), got 2h; lower it or raise"
            + " circuit.max-cooldown",
        "4: regulator.components.a.backoff.min: expected at most backoff.max (60s), got 2m; lower it or raise backoff.max",
        "5: regulator.components.b.backoff.max: expected at least backoff.min (200ms), got 100ms; raise it or lower"
            + " backoff.min");
  }

  @Test
  void aBadDefaultIsReportedOnceNotPerComponent() throws Exception {
    assertThat(problems("""
        regulator {
          defaults.restart = sometimes
          components { a.command = [a], b.command = [b], c { command = [c], restart = always } }
        }
        """)).containsExactly("2: regulator.defaults.restart: expected one of always, on-failure, never, got 'sometimes'");
  }

  @Test
  void wrongTypesSayWhatWasExpected() throws Exception {
    assertThat(problems("""
        regulator {
          node = { name = x }
          data-dir = ""
          components {
            a {
              command = [a]
              critical = maybe
              env { LOG.LEVEL = debug, PORT = 5051, LIST = [1] }
              backoff = 5
              cwd = null
            }
            f = "sleep 1"
            "bad name" { command = [a] }
          }
        }
        """)).containsExactly(
        "2: regulator.node: expected a non-empty string, got {\"name\":\"x\"}",
        "3: regulator.data-dir: expected a directory path (relative paths are taken from Regulator's home), got ''",
        "7: regulator.components.a.critical: expected true or false, got 'maybe'",
        "8: regulator.components.a.env.LIST: expected a string value, got [1]",
        "8: regulator.components.a.env.LOG: expected a string value, got {\"LEVEL\":\"debug\"}; quote names that contain"
            + " dots, e.g. \"LOG.LEVEL\" = debug",
        "9: regulator.components.a.backoff: expected an object with keys min, max, random-factor, reset-after, got 5",
        "12: regulator.components.f: expected an object describing component 'f' such as f { command = [\"python3\","
            + " \"app.py\"] }, got 'sleep 1'",
        "13: regulator.components.\"bad name\": invalid component name 'bad name': use letters, digits, '-' and '_',"
            + " starting with a letter or digit (names become file names, URLs and actor names)");
  }

  @Test
  void aNonObjectRegulatorBlockIsOneProblem() throws Exception {
    assertThat(problems("regulator = [1, 2]")).containsExactly(
        "1: regulator: expected an object with keys node, data-dir, log-dir, http, journal, defaults, group-defaults,"
            + " probe-defaults, probe-kinds, groups, components, alerts, got [1,2]");
  }

  @Test
  void fallbacksMustNameAnotherComponent() throws Exception {
    assertThat(problems("""
        regulator.components {
          tunnel { command = [a], fallback = tunel-backup }
          tunnel-backup { command = [b], fallback = tunnel-backup }
        }
        """)).containsExactly(
        "2: regulator.components.tunnel.fallback: unknown component 'tunel-backup' (did you mean 'tunnel-backup'?)",
        "3: regulator.components.tunnel-backup.fallback: a component cannot be its own fallback; name another"
            + " component, or remove fallback");
  }

  @Test
  void problemsFromParseStringAreLocatedByItsOriginDescription() {
    ConfigValidationException e = catchThrowableOfType(ConfigValidationException.class, () -> RegulatorConfig.fromConfig(
        ConfigFactory.parseString("regulator {\n  components.a.command = [a]\n  componets {}\n}"), home));

    assertThat(e.problems()).containsExactly(
        new ConfigProblem("String", 3, "regulator.componets", "unknown key (did you mean 'components'?)"));
  }

  @Test
  void aProblemRendersAsFileLineKeyMessageLeavingOutWhatIsUnknown() {
    assertThat(new ConfigProblem("conf/regulator.conf", 12, "regulator.components.runner.restrat",
        "unknown key (did you mean 'restart'?)").render())
        .isEqualTo("conf/regulator.conf:12: regulator.components.runner.restrat: unknown key (did you mean 'restart'?)");
    assertThat(new ConfigProblem("conf/regulator.conf", 0, "regulator.node", "expected a non-empty string").render())
        .isEqualTo("conf/regulator.conf: regulator.node: expected a non-empty string");
    assertThat(new ConfigProblem("conf/regulator.conf", -1, "", "config file not found").render())
        .isEqualTo("conf/regulator.conf: config file not found");
    assertThat(new ConfigProblem(null, 3, "regulator.node", "expected a non-empty string").render())
        .isEqualTo("regulator.node: expected a non-empty string");
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
}

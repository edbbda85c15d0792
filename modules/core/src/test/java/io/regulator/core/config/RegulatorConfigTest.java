package io.regulator.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.typesafe.config.ConfigFactory;
import io.regulator.core.spec.BackoffSpec;
import io.regulator.core.spec.CircuitSpec;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.DependencyKind;
import io.regulator.core.spec.FleetSpec;
import io.regulator.core.spec.GroupSpec;
import io.regulator.core.spec.GroupStrategy;
import io.regulator.core.spec.IntensitySpec;
import io.regulator.core.spec.OnDependencyLoss;
import io.regulator.core.spec.OutputSpec;
import io.regulator.core.spec.RestartMode;
import io.regulator.core.spec.StopSpec;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading: the shapes users write (HOCON, JSON, includes, env substitution) and what they turn into. */
class RegulatorConfigTest {

  @TempDir Path home;

  @Test
  void theDesignFleetLoadsWithItsValuesAndTheDefaults() throws Exception {
    FleetSpec fleet = RegulatorConfig.load(resource("fleet.conf"), home);

    assertThat(fleet.settings().node()).isEqualTo(System.getenv().getOrDefault("REGULATOR_NODE", "local"));
    assertThat(fleet.settings().dataDir()).isEqualTo(home.resolve("var/data"));
    assertThat(fleet.settings().logDir()).isEqualTo(home.resolve("var/logs"));
    assertThat(fleet.components()).containsOnlyKeys("runner", "slack-server", "tunnel", "tunnel-backup");
    assertThat(List.copyOf(fleet.components().keySet())).isSorted();

    ComponentSpec runner = fleet.component("runner");
    assertThat(runner.command()).containsExactly("python3", "runner.py", "--port", "5051");
    assertThat(runner.argv()).isEqualTo(runner.command());
    assertThat(runner.cwd()).contains(home.resolve("examples/gpt-cursor").toString());
    assertThat(runner.env()).containsOnly(entry("LOG_LEVEL", "info"), entry("TZ", "UTC"));
    assertThat(runner.critical()).isTrue();
    assertThat(runner.user()).isEmpty();
    assertThat(runner.fallback()).isEmpty();
    assertThat(runner.dependsOn()).isEmpty();
    // everything else comes from regulator.defaults and reference.conf
    assertThat(runner.restart()).isEqualTo(RestartMode.ON_FAILURE);
    assertThat(runner.successExitCodes()).containsExactly(0);
    assertThat(runner.backoff()).isEqualTo(new BackoffSpec(Duration.ofMillis(200), Duration.ofSeconds(60), 0.2, Duration.ofSeconds(60)));
    assertThat(runner.intensity()).isEqualTo(new IntensitySpec(5, Duration.ofSeconds(60)));
    assertThat(runner.circuit()).isEqualTo(new CircuitSpec(Duration.ofMinutes(5), Duration.ofHours(1)));
    assertThat(runner.stop()).isEqualTo(new StopSpec("TERM", Duration.ofSeconds(10)));
    assertThat(runner.readyAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(runner.output()).isEqualTo(new OutputSpec(10L * 1024 * 1024, 5, 50));
    assertThat(runner.shell()).isFalse();
    assertThat(runner.autostart()).isTrue();
    assertThat(runner.adoptOrphans()).isFalse();
    assertThat(runner.onDependencyLoss()).isEqualTo(OnDependencyLoss.STOP);

    ComponentSpec slack = fleet.component("slack-server");
    assertThat(slack.cwd()).contains("/srv/slack");
    assertThat(slack.dependsOn()).containsExactly(entry("runner", DependencyKind.REQUIRES));
    assertThat(slack.restart()).isEqualTo(RestartMode.ALWAYS);
    // one key of a block overridden, the rest still from defaults
    assertThat(slack.backoff()).isEqualTo(new BackoffSpec(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2, Duration.ofSeconds(60)));
    assertThat(slack.stop()).isEqualTo(new StopSpec("INT", Duration.ofSeconds(30)));
    assertThat(slack.output()).isEqualTo(new OutputSpec(1024 * 1024, 5, 50));

    ComponentSpec tunnel = fleet.component("tunnel");
    assertThat(tunnel.dependsOn()).containsExactly(entry("runner", DependencyKind.REQUIRES));
    assertThat(tunnel.requires("runner")).isTrue();
    assertThat(tunnel.onDependencyLoss()).isEqualTo(OnDependencyLoss.RESTART);
    assertThat(tunnel.fallback()).contains("tunnel-backup");
    assertThat(tunnel.autostart()).isTrue();

    ComponentSpec backup = fleet.component("tunnel-backup");
    assertThat(backup.shell()).isTrue();
    assertThat(backup.command()).containsExactly("cloudflared tunnel --url http://localhost:5051 >> tunnel.out");
    assertThat(backup.argv()).containsExactly("/bin/sh", "-c", "cloudflared tunnel --url http://localhost:5051 >> tunnel.out");
    assertThat(backup.dependsOn()).containsExactly(entry("runner", DependencyKind.REQUIRES), entry("slack-server", DependencyKind.WANTS));
    assertThat(backup.successExitCodes()).containsExactlyInAnyOrder(0, 143);
    assertThat(backup.user()).contains("tunnel");
    assertThat(backup.autostart()).as("a fallback waits for its primary's circuit").isFalse();
    assertThat(fleet.standsInFor("tunnel-backup")).containsExactly("tunnel");

    assertThat(fleet.groups()).containsOnlyKeys("edge");
    assertThat(fleet.groups().get("edge")).isEqualTo(new GroupSpec("edge", GroupStrategy.REST_FOR_ONE,
        List.of("runner", "slack-server", "tunnel"), new IntensitySpec(10, Duration.ofSeconds(60))));
    assertThat(fleet.groupOf("tunnel").map(GroupSpec::name)).contains("edge");
    assertThat(fleet.groupOf("tunnel-backup")).isEmpty();

    assertThat(fleet.graph().startWaves())
        .containsExactly(List.of("runner"), List.of("slack-server", "tunnel"), List.of("tunnel-backup"));
  }

  @Test
  void theSameFleetWrittenAsPlainJsonLoadsTheSame() throws Exception {
    FleetSpec hocon = RegulatorConfig.load(resource("fleet.conf"), home);
    FleetSpec json = RegulatorConfig.load(resource("fleet.json"), home);

    assertThat(json.settings()).isEqualTo(hocon.settings());
    assertThat(json.components()).isEqualTo(hocon.components());
    assertThat(json.groups()).isEqualTo(hocon.groups());
    assertThat(json.graph().startWaves()).isEqualTo(hocon.graph().startWaves());
  }

  @Test
  void aJsonFileWithCommentsAndTrailingCommasStillLoads() throws Exception {
    Path file = write("old.json", """
        {
          // the old watchdog config, converted by hand
          "regulator": { "components": { "a": { "command": ["sleep", "60"], }, }, },
        }
        """);

    assertThat(RegulatorConfig.load(file, home).component("a").command()).containsExactly("sleep", "60");
  }

  @Test
  void optionalEnvironmentSubstitutionUsesTheVariableOrKeepsTheEarlierValue() throws Exception {
    Path file = write("env.conf", """
        regulator {
          node = "fallback-node"
          node = ${?REGULATOR_TEST_VARIABLE_THAT_IS_NOT_SET}
          components.a {
            command = ["env"]
            env { SEARCH = ${?PATH}, GONE = ${?REGULATOR_TEST_VARIABLE_THAT_IS_NOT_SET} }
          }
        }
        """);

    FleetSpec fleet = RegulatorConfig.load(file, home);

    assertThat(fleet.settings().node()).isEqualTo("fallback-node");
    assertThat(fleet.component("a").env()).containsOnly(entry("SEARCH", System.getenv("PATH")));
  }

  @Test
  void substitutionsMayUseOtherKeysIncludingDefaultsFromReferenceConf() throws Exception {
    FleetSpec fleet = RegulatorConfig.fromConfig(ConfigFactory.parseString("""
        regulator {
          log-dir = ${regulator.data-dir}/logs
          components.a { command = [run], stop.timeout = ${regulator.defaults.backoff.max} }
        }
        """), home);

    assertThat(fleet.settings().logDir()).isEqualTo(home.resolve("data/logs"));
    assertThat(fleet.component("a").stop().timeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void includedFilesAreMergedAndTheirProblemsNameTheIncludedFile() throws Exception {
    write("components.conf", """
        regulator.components {
          worker { command = ["worker"] }
          broken { command = ["x"], restart = sometimes }
        }
        """);
    Path main = write("regulator.conf", """
        include "components.conf"
        regulator.components.web { command = ["web"], depends-on = [worker] }
        """);

    assertThatThrownBy(() -> RegulatorConfig.load(main, home))
        .isInstanceOfSatisfying(ConfigValidationException.class, e -> assertThat(e.problems()).containsExactly(
            new ConfigProblem(home.resolve("components.conf").toString(), 3, "regulator.components.broken.restart",
                "expected one of always, on-failure, never, got 'sometimes'")));

    Files.writeString(home.resolve("components.conf"), "regulator.components.worker { command = [\"worker\"] }\n");
    FleetSpec fleet = RegulatorConfig.load(main, home);
    assertThat(fleet.components()).containsOnlyKeys("web", "worker");
    assertThat(fleet.component("web").dependsOn()).containsOnlyKeys("worker");
  }

  @Test
  void fromConfigTakesAParsedConfigAndTheSameDefaults() throws Exception {
    FleetSpec fleet = RegulatorConfig.fromConfig(
        ConfigFactory.parseString("regulator.components.a.command = [sleep, \"1\"]"), home);

    assertThat(fleet.component("a").command()).containsExactly("sleep", "1");
    assertThat(fleet.component("a").backoff().min()).isEqualTo(Duration.ofMillis(200));
    assertThat(fleet.groups()).isEmpty();
  }

  @Test
  void relativeDirectoriesAreTakenFromTheHomeDirectoryAndNormalized() throws Exception {
    FleetSpec fleet = RegulatorConfig.fromConfig(ConfigFactory.parseString("""
        regulator {
          data-dir = "./state/../state"
          log-dir = "/var/log/regulator"
          components {
            relative { command = [a], cwd = "examples/../examples/demo" }
            absolute { command = [a], cwd = "/opt/app/./bin" }
            unset { command = [a] }
          }
        }
        """), home.resolve("x/.."));

    assertThat(fleet.settings().dataDir()).isEqualTo(home.resolve("state"));
    assertThat(fleet.settings().logDir()).isEqualTo(Path.of("/var/log/regulator"));
    assertThat(fleet.component("relative").cwd()).contains(home.resolve("examples/demo").toString());
    assertThat(Path.of(fleet.component("relative").cwd().orElseThrow())).isAbsolute();
    assertThat(fleet.component("absolute").cwd()).contains("/opt/app/bin");
    assertThat(fleet.component("unset").cwd()).contains(home.toString()); // defaults to the home
  }

  @Test
  void aFallbackDoesNotAutostartUnlessItSaysSo() throws Exception {
    FleetSpec fleet = RegulatorConfig.fromConfig(ConfigFactory.parseString("""
        regulator {
          defaults.autostart = true
          components {
            primary { command = [a], fallback = spare }
            spare { command = [b] }
            other-primary { command = [a], fallback = eager-spare }
            eager-spare { command = [b], autostart = true }
            manual { command = [c], autostart = false }
          }
        }
        """), home);

    assertThat(fleet.component("primary").autostart()).isTrue();
    assertThat(fleet.component("spare").autostart()).isFalse();
    assertThat(fleet.component("eager-spare").autostart()).isTrue();
    assertThat(fleet.component("manual").autostart()).isFalse();
  }

  @Test
  void defaultsApplyToEveryComponentAndComponentsOverrideThemKeyByKey() throws Exception {
    FleetSpec fleet = RegulatorConfig.fromConfig(ConfigFactory.parseString("""
        regulator {
          defaults {
            restart = always
            intensity.max-restarts = 2
            env { A = 1, B = two }
            stop.signal = sigquit
            ready-after = 0
            log { max-files = 3, tail-lines = 0 }
          }
          components {
            plain { command = [a] }
            custom { command = [a], restart = NEVER, intensity.within = 5m, env { B = three, A = null, C = 4.0 } }
          }
        }
        """), home);

    ComponentSpec plain = fleet.component("plain");
    assertThat(plain.restart()).isEqualTo(RestartMode.ALWAYS);
    assertThat(plain.intensity()).isEqualTo(new IntensitySpec(2, Duration.ofSeconds(60)));
    assertThat(plain.env()).containsOnly(entry("A", "1"), entry("B", "two"));
    assertThat(plain.stop().signal()).isEqualTo("QUIT");
    assertThat(plain.readyAfter()).isZero();
    assertThat(plain.output()).isEqualTo(new OutputSpec(10L * 1024 * 1024, 3, 0));

    ComponentSpec custom = fleet.component("custom");
    assertThat(custom.restart()).isEqualTo(RestartMode.NEVER);
    assertThat(custom.intensity()).isEqualTo(new IntensitySpec(2, Duration.ofMinutes(5)));
    assertThat(custom.env()).as("null removes a variable the defaults set").containsOnly(entry("B", "three"), entry("C", "4.0"));
  }

  @Test
  void dependsOnKeepsTheWrittenOrderAndAListMeansRequires() throws Exception {
    FleetSpec fleet = RegulatorConfig.fromConfig(ConfigFactory.parseString("""
        regulator.components {
          z { command = [a] }
          m { command = [a] }
          b { command = [a] }
          obj {
            command = [a]
            depends-on {
              z = wants
              b = REQUIRES
              m = requires
            }
          }
          list { command = [a], depends-on = [z, b, m, z] }
        }
        """), home);

    assertThat(fleet.component("obj").dependsOn())
        .containsExactly(entry("z", DependencyKind.WANTS), entry("b", DependencyKind.REQUIRES), entry("m", DependencyKind.REQUIRES));
    assertThat(fleet.component("list").dependsOn())
        .containsExactly(entry("z", DependencyKind.REQUIRES), entry("b", DependencyKind.REQUIRES), entry("m", DependencyKind.REQUIRES));
    assertThat(fleet.graph().dependentsOf("z")).containsExactly("list", "obj");
  }

  @Test
  void anEmptyComponentsBlockIsAnEmptyFleetWithTheReferenceSettings() throws Exception {
    FleetSpec fleet = RegulatorConfig.load(write("empty.conf", "# nothing yet\nregulator.components {}\n"), home);

    assertThat(fleet.components()).isEmpty();
    assertThat(fleet.groups()).isEmpty();
    assertThat(fleet.settings().dataDir()).isEqualTo(home.resolve("data"));
    assertThat(fleet.settings().logDir()).isEqualTo(home.resolve("logs"));
  }

  @Test
  void aFileThatSetsNothingIsRefusedRatherThanRunAsAnEmptyFleet() {
    // empty, comments only, or an include of nothing: the wrong file, or a write that never finished
    assertThatThrownBy(() -> RegulatorConfig.load(write("blank.conf", "# nothing yet\n\n"), home))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageEndingWith("blank.conf: holds no settings (it is empty, only comments, or includes nothing that"
            + " exists); expected a regulator { components { ... } } block: start from conf/regulator.conf");
  }

  @Test
  void aMissingFileIsOneProblemNamingThePath() {
    Path missing = home.resolve("nope.conf");

    assertThatThrownBy(() -> RegulatorConfig.load(missing, home))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessage(missing + ": config file not found (looked for " + missing + "); check the path or create the file");
  }

  @Test
  void aDirectoryIsNotAConfigFile() {
    assertThatThrownBy(() -> RegulatorConfig.load(home, home))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("is a directory");
  }

  @Test
  void aSyntaxErrorIsReportedWithItsFileAndLine() throws Exception {
    Path file = write("broken.conf", """
        regulator {
          components {
            a { command = ["x", "y" }
          }
        }
        """);

    assertThatThrownBy(() -> RegulatorConfig.load(file, home))
        .isInstanceOfSatisfying(ConfigValidationException.class, e -> {
          assertThat(e.problems()).hasSize(1);
          ConfigProblem p = e.problems().get(0);
          assertThat(p.file()).isEqualTo(file.toString());
          assertThat(p.line()).isEqualTo(3);
          assertThat(p.message()).startsWith("syntax error: ");
          assertThat(e.getMessage()).startsWith(file + ":3: syntax error: ");
        });
  }

  @Test
  void aRequiredSubstitutionThatIsNotSetNamesTheKeyAndHowToMakeItOptional() throws Exception {
    Path file = write("subst.conf", """
        regulator {
          node = ${REGULATOR_TEST_VARIABLE_THAT_IS_NOT_SET}
          components.a { command = [a], restart = sometimes }
        }
        """);

    assertThatThrownBy(() -> RegulatorConfig.load(file, home))
        .isInstanceOfSatisfying(ConfigValidationException.class, e -> assertThat(e.problems()).extracting(ConfigProblem::render)
            .containsExactly(
                file + ":2: regulator.node: cannot resolve ${REGULATOR_TEST_VARIABLE_THAT_IS_NOT_SET}: there is no such key"
                    + " and no environment variable REGULATOR_TEST_VARIABLE_THAT_IS_NOT_SET; set one, or write"
                    + " ${?REGULATOR_TEST_VARIABLE_THAT_IS_NOT_SET} to make it optional",
                file + ":3: regulator.components.a.restart: expected one of always, on-failure, never, got 'sometimes'"));
  }

  @Test
  void aSubstitutionCycleIsAProblemNotACrash() {
    assertThatThrownBy(() -> RegulatorConfig.fromConfig(
        ConfigFactory.parseString("regulator.components.a { command = [x], user = ${regulator.components.a.cwd}, cwd = ${regulator.components.a.user} }"), home))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("cycle");
  }

  @Test
  void referenceConfHoldsEveryDefault() {
    var reference = ConfigFactory.defaultReference().getConfig("regulator");

    assertThat(reference.getString("data-dir")).isEqualTo("data");
    assertThat(reference.getString("log-dir")).isEqualTo("logs");
    assertThat(reference.getString("http.host")).isEqualTo("127.0.0.1");
    assertThat(reference.getInt("http.port")).isEqualTo(8080);
    assertThat(reference.getString("journal.store")).isEqualTo("h2");
    assertThat(reference.getDuration("journal.retention")).isEqualTo(Duration.ofDays(30));
    assertThat(reference.getObject("defaults").keySet()).isEqualTo(Schema.SETTINGS.fields().keySet());
    assertThat(reference.getObject("group-defaults").keySet()).isEqualTo(Set.of("strategy", "intensity"));
    assertThat(reference.getObject("groups")).isEmpty();
    assertThat(reference.getObject("components")).isEmpty();
    assertThat(reference.getObject("alerts")).isEmpty();
    assertThat(reference.getBytes("defaults.log.max-file-size")).isEqualTo(10L * 1024 * 1024);
    assertThat(reference.getObject("probe-defaults").keySet()).isEqualTo(Schema.PROBE_TIMING.fields().keySet());
    assertThat(reference.getDuration("probe-defaults.period")).isEqualTo(Duration.ofSeconds(10));
    assertThat(reference.getDuration("probe-defaults.timeout")).isEqualTo(Duration.ofSeconds(1));
    assertThat(reference.getDuration("probe-defaults.initial-delay")).isZero();
    assertThat(reference.getInt("probe-defaults.failure-threshold")).isEqualTo(3);
    assertThat(reference.getInt("probe-defaults.success-threshold")).isEqualTo(1);
    assertThat(reference.getObject("probe-kinds").keySet()).containsExactlyInAnyOrderElementsOf(Schema.CHECK_NAMES);
    Schema.CHECKS.forEach(kind -> assertThat(reference.getObject("probe-kinds." + kind.name()).keySet())
        .as("the defaulted keys of %s", kind.name()).isEqualTo(kind.defaulted()));
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(home.resolve(name), content);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(RegulatorConfigTest.class.getResource("/config/" + name).toURI());
  }
}

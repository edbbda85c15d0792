package io.regulator.runtime.process;

import io.regulator.core.spec.BackoffSpec;
import io.regulator.core.spec.CircuitSpec;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.IntensitySpec;
import io.regulator.core.spec.OnDependencyLoss;
import io.regulator.core.spec.OutputSpec;
import io.regulator.core.spec.RestartMode;
import io.regulator.core.spec.StopSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds {@link ComponentSpec}s directly, with the documented defaults, for process tests. */
final class TestComponents {

  private final String name;
  private List<String> command;
  private boolean shell;
  private Optional<String> cwd = Optional.empty();
  private final Map<String, String> env = new HashMap<>();
  private Optional<String> user = Optional.empty();
  private OutputSpec output = new OutputSpec(10L * 1024 * 1024, 5, 50);

  private TestComponents(String name, List<String> command) {
    this.name = name;
    this.command = command;
  }

  static TestComponents component(String name, String... command) {
    return new TestComponents(name, List.of(command));
  }

  /** A component running one of the scripts under src/test/resources/scripts. */
  static TestComponents script(String name, String script, String... args) {
    List<String> argv = new java.util.ArrayList<>();
    argv.add(scripts().resolve(script).toString());
    argv.addAll(List.of(args));
    return new TestComponents(name, argv);
  }

  static Path scripts() {
    String dir = System.getProperty("regulator.test.scripts", "src/test/resources/scripts");
    return Path.of(dir).toAbsolutePath();
  }

  TestComponents shell() {
    this.shell = true;
    return this;
  }

  TestComponents cwd(Path dir) {
    this.cwd = Optional.of(dir.toString());
    return this;
  }

  TestComponents env(String key, String value) {
    env.put(key, value);
    return this;
  }

  TestComponents user(String name) {
    this.user = Optional.of(name);
    return this;
  }

  TestComponents output(long maxFileSize, int maxFiles, int tailLines) {
    this.output = new OutputSpec(maxFileSize, maxFiles, tailLines);
    return this;
  }

  ComponentSpec spec() {
    return new ComponentSpec(name, command, shell, cwd, env, user, false, true, new LinkedHashMap<>(),
        OnDependencyLoss.STOP, Optional.empty(), RestartMode.ON_FAILURE, Set.of(0),
        new BackoffSpec(Duration.ofMillis(200), Duration.ofSeconds(60), 0.2, Duration.ofSeconds(60)),
        new IntensitySpec(5, Duration.ofSeconds(60)),
        new CircuitSpec(Duration.ofMinutes(5), Duration.ofHours(1)),
        new StopSpec("TERM", Duration.ofSeconds(10)), Duration.ofSeconds(1), false, output, java.util.List.of());
  }
}

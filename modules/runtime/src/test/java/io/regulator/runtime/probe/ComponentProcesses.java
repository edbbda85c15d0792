package io.regulator.runtime.probe;

import io.regulator.core.spec.BackoffSpec;
import io.regulator.core.spec.CircuitSpec;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.IntensitySpec;
import io.regulator.core.spec.OnDependencyLoss;
import io.regulator.core.spec.OutputSpec;
import io.regulator.core.spec.RestartMode;
import io.regulator.core.spec.StopSpec;
import io.regulator.runtime.process.LaunchFailure;
import io.regulator.runtime.process.LaunchedProcess;
import io.regulator.runtime.process.ProcessLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Real component processes started through {@link ProcessLauncher}, with specs built like the
 * process tests' {@code TestComponents} (the documented defaults); every group is killed at the end.
 */
final class ComponentProcesses implements AutoCloseable {

  private final ProcessLauncher launcher;
  private final List<LaunchedProcess> launched = new ArrayList<>();

  ComponentProcesses(Path logDir) {
    this.launcher = new ProcessLauncher(logDir);
  }

  static Path scripts() {
    String dir = System.getProperty("regulator.test.scripts", "src/test/resources/scripts");
    return Path.of(dir).toAbsolutePath();
  }

  static String script(String name) {
    return scripts().resolve(name).toString();
  }

  LaunchedProcess launch(String component, String... argv) throws LaunchFailure {
    LaunchedProcess p = launcher.launch(spec(component, List.of(argv)));
    launched.add(p);
    return p;
  }

  static ComponentSpec spec(String name, List<String> argv) {
    return new ComponentSpec(name, argv, false, Optional.empty(), Map.of(), Optional.empty(), false, true,
        new LinkedHashMap<>(), OnDependencyLoss.STOP, Optional.empty(), RestartMode.ON_FAILURE, Set.of(0),
        new BackoffSpec(Duration.ofMillis(200), Duration.ofSeconds(60), 0.2, Duration.ofSeconds(60)),
        new IntensitySpec(5, Duration.ofSeconds(60)),
        new CircuitSpec(Duration.ofMinutes(5), Duration.ofHours(1)),
        new StopSpec("TERM", Duration.ofSeconds(10)), Duration.ofSeconds(1), false,
        new OutputSpec(10L * 1024 * 1024, 5, 50), List.of());
  }

  @Override
  public void close() {
    try {
      launched.forEach(LaunchedProcess::killGroup);
    } finally {
      launcher.close();
    }
  }
}

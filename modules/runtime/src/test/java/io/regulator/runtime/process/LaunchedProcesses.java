package io.regulator.runtime.process;

import io.regulator.core.spec.ComponentSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A launcher for one test that kills every group it started when the test ends: no leaks. */
final class LaunchedProcesses implements AutoCloseable {

  final ProcessLauncher launcher;
  private final List<LaunchedProcess> launched = new ArrayList<>();

  LaunchedProcesses(Path logDir) {
    this.launcher = new ProcessLauncher(logDir);
  }

  /** With {@code sharedReader} false, output goes through the fallback: pump threads. */
  LaunchedProcesses(Path logDir, boolean sharedReader) {
    this.launcher = new ProcessLauncher(logDir, sharedReader);
  }

  LaunchedProcess launch(ComponentSpec spec) throws LaunchFailure {
    LaunchedProcess p = launcher.launch(spec);
    launched.add(p);
    return p;
  }

  LaunchedProcess launch(TestComponents component) throws LaunchFailure {
    return launch(component.spec());
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

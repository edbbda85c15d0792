package io.regulator.app;

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
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code bin/regulator} run as a user runs it: a separate JVM started by the launcher script, with
 * its console captured to a file and its JSON event log read back.
 */
final class RegulatorProcess implements AutoCloseable {

  static final Path HOME = Path.of(System.getProperty("regulator.home", "../..")).toAbsolutePath().normalize();
  static final Path LAUNCHER = HOME.resolve("bin").resolve("regulator");
  static final String COMPONENT = Path.of(System.getProperty("regulator.test.component",
      "../runtime/src/test/resources/scripts/sup-component.sh")).toAbsolutePath().normalize().toString();
  private static final ObjectMapper JSON = new ObjectMapper();

  final Process process;
  final Path console;
  final Path logDir;
  /** Events already in the log before this run started (an earlier run's) are not this run's. */
  private final long skip;

  private RegulatorProcess(Process process, Path console, Path logDir, long skip) {
    this.process = process;
    this.console = console;
    this.logDir = logDir;
    this.skip = skip;
  }

  /**
   * Starts {@code bin/regulator run -c config}; its console goes to {@code console-N.txt} in dir.
   * {@code logDir} is the config's log-dir, where its events.json is read.
   */
  static RegulatorProcess run(Path config, Path dir, Path logDir) throws IOException {
    return run(config, dir, logDir, env -> { });
  }

  /** As {@link #run(Path, Path, Path)}, with more environment (e.g. {@code REGULATOR_OPTS} for -D settings). */
  static RegulatorProcess run(Path config, Path dir, Path logDir, Map<String, String> env) throws IOException {
    return run(config, dir, logDir, environment -> environment.putAll(env));
  }

  /** As {@link #run(Path, Path, Path)}, with the environment it inherits changed by {@code environment}. */
  static RegulatorProcess run(Path config, Path dir, Path logDir, Consumer<Map<String, String>> environment)
      throws IOException {
    Path console = Files.createTempFile(dir, "console-", ".txt");
    Path events = logDir.resolve("events.json");
    long skip = 0;
    if (Files.exists(events)) {
      try (Stream<String> lines = Files.lines(events)) {
        skip = lines.count();
      }
    }
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "run", "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(console.toFile());
    environment.accept(pb.environment());
    return new RegulatorProcess(pb.start(), console, logDir, skip);
  }

  /** Runs a short {@code bin/regulator} command to its end. */
  static Result exec(String... args) throws IOException, InterruptedException {
    return exec(Map.of(), args);
  }

  /** {@link #exec(String...)} with these variables added to the launcher's environment. */
  static Result exec(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(LAUNCHER.toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    return new Result(p.waitFor(), out);
  }

  record Result(int exitCode, String output) {}

  /** Every health event written so far to logs/events.json. */
  List<JsonNode> events() {
    Path file = logDir.resolve("events.json");
    if (!Files.exists(file)) {
      return List.of();
    }
    try (Stream<String> lines = Files.lines(file)) {
      return lines.skip(skip).filter(l -> !l.isBlank()).map(RegulatorProcess::parse).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  List<JsonNode> events(String kind, String component) {
    return events().stream().filter(e -> e.path("event").asText().equals(kind)
        && e.path("component").asText().equals(component)).toList();
  }

  boolean reached(String component, String state) {
    return events("StateChanged", component).stream().anyMatch(e -> e.path("to").asText().equals(state));
  }

  void awaitState(String component, String state, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> reached(component, state));
  }

  /** The pid of the component's most recent start (or adoption). */
  long lastPid(String component) {
    List<JsonNode> started = events("ProcessStarted", component);
    return started.get(started.size() - 1).path("pid").asLong();
  }

  String consoleText() throws IOException {
    return Files.readString(console);
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + line, e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}

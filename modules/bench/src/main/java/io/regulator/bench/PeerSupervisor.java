package io.regulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One supervisor of the side-by-side comparison, started on a list of children in a directory of
 * its own: Regulator ({@code bin/regulator run}, the launcher's default JVM flags), supervisord
 * (its own config and socket, never the system service) or PM2 (its own {@code PM2_HOME}, so its
 * daemon is started fresh and killed at the end).
 */
sealed interface PeerSupervisor extends AutoCloseable
    permits PeerSupervisor.RegulatorPeer, PeerSupervisor.Supervisord, PeerSupervisor.Pm2 {

  /** A supervised child: a name and a shell script (run as {@code sh -c script}). */
  record Child(String name, String script) {}

  /**
   * How the children are restarted. {@code IMMEDIATE}: after every exit at once, without limit
   * (for the restart latency). {@code DEFAULTS}: each tool's own defaults for a child that fails
   * (for the crash loop).
   */
  enum Policy { IMMEDIATE, DEFAULTS }

  enum Tool { REGULATOR, SUPERVISORD, PM2 }

  ObjectMapper JSON = new ObjectMapper();

  /** Name and version, e.g. "supervisord 4.2.5". */
  String name();

  /** The process that holds the children, whose CPU and memory are measured. */
  long pid();

  /** {@link System#nanoTime()} just before the supervisor (or its CLI) was executed. */
  long launchedNanos();

  /** The tool's own status command, as a user types it; waits for it to end. */
  List<String> statusCommand();

  /** The environment the status command needs. */
  default Map<String, String> env() {
    return Map.of();
  }

  /** The tool's own word for the state of {@code child} and its restart count, as its status command shows them. */
  String stateOf(String child) throws IOException, InterruptedException;

  @Override
  void close() throws IOException, InterruptedException;

  static PeerSupervisor start(Tool tool, Path dir, List<Child> children, Policy policy)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    return switch (tool) {
      case REGULATOR -> RegulatorPeer.start(children, policy);
      case SUPERVISORD -> Supervisord.start(dir, children, policy);
      case PM2 -> Pm2.start(dir, children, policy);
    };
  }

  /** Runs a command to its end and returns its output (stdout and stderr). */
  static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not end within 120 s");
    }
    return out;
  }

  static boolean installed(String program) {
    try {
      return run(List.of("sh", "-c", "command -v " + program), Map.of()).trim().length() > 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** {@code bin/regulator run} on a config with one component per child. */
  final class RegulatorPeer implements PeerSupervisor {
    private final RegulatorRun run;

    private RegulatorPeer(RegulatorRun run) {
      this.run = run;
    }

    static RegulatorPeer start(List<Child> children, Policy policy) throws IOException {
      StringBuilder fleet = new StringBuilder();
      for (Child c : children) {
        fleet.append("    ").append(c.name()).append(" { command = [\"sh\", \"-c\", ")
            .append(JSON.writeValueAsString(c.script())).append("] }\n");
      }
      String settings = policy == Policy.IMMEDIATE
          ? "  defaults { restart = always, backoff { min = 0s, max = 0s, random-factor = 0 },"
              + " intensity { max-restarts = 1000000, within = 1s } }"
          : "";
      return new RegulatorPeer(RegulatorRun.start(settings, fleet.toString()));
    }

    @Override
    public String name() {
      return "Regulator";
    }

    @Override
    public long pid() {
      return run.pid();
    }

    @Override
    public long launchedNanos() {
      return run.launchedNanos();
    }

    @Override
    public List<String> statusCommand() {
      return List.of(RegulatorRun.launcher().toString(), "status", "-c", run.config().toString());
    }

    @Override
    public String stateOf(String child) throws IOException, InterruptedException {
      run.awaitReady(Duration.ofSeconds(30));
      JsonNode c = run.component(child);
      return c.path("state").asText() + ", circuit " + c.path("circuit").asText() + ", " + c.path("restarts").asInt()
          + " restarts";
    }

    @Override
    public void close() throws IOException, InterruptedException {
      run.close();
    }
  }

  /** {@code supervisord -n} on a config of its own (own socket, log and pid file). */
  final class Supervisord implements PeerSupervisor {
    private final Path conf;
    private final Process process;
    private final long launchedNanos;
    private final String version;

    private Supervisord(Path conf, Process process, long launchedNanos, String version) {
      this.conf = conf;
      this.process = process;
      this.launchedNanos = launchedNanos;
      this.version = version;
    }

    static Supervisord start(Path dir, List<Child> children, Policy policy) throws IOException, InterruptedException {
      String version = run(List.of("supervisord", "--version"), Map.of()).trim();
      Files.createDirectories(dir.resolve("logs"));
      StringBuilder c = new StringBuilder("""
          [supervisord]
          nodaemon = true
          user = root
          logfile = %1$s/supervisord.log
          pidfile = %1$s/supervisord.pid
          childlogdir = %1$s/logs
          minfds = 8192
          minprocs = 2000

          [unix_http_server]
          file = %1$s/supervisor.sock

          [rpcinterface:supervisor]
          supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

          [supervisorctl]
          serverurl = unix://%1$s/supervisor.sock

          """.formatted(dir));
      for (Child child : children) {
        c.append("[program:").append(child.name()).append("]\n")
            // supervisord splits the command like a shell: the script is one quoted word
            .append("command = /bin/sh -c \"").append(child.script().replace("\"", "\\\"")).append("\"\n");
        if (policy == Policy.IMMEDIATE) {
          c.append("autorestart = true\n");
        }
        c.append('\n');
      }
      Path conf = Files.writeString(dir.resolve("supervisord.conf"), c.toString());
      ProcessBuilder pb = new ProcessBuilder("supervisord", "-n", "-c", conf.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("console.txt").toFile());
      long t0 = System.nanoTime();
      Process p = pb.start();
      return new Supervisord(conf, p, t0, version);
    }

    @Override
    public String name() {
      return "supervisord " + version;
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public long launchedNanos() {
      return launchedNanos;
    }

    @Override
    public List<String> statusCommand() {
      return List.of("supervisorctl", "-c", conf.toString(), "status");
    }

    @Override
    public String stateOf(String child) throws IOException, InterruptedException {
      String out = run(List.of("supervisorctl", "-c", conf.toString(), "status", child), Map.of()).trim();
      return out.replaceFirst("^" + child + "\\s+", "").replaceAll("\\s+", " ");
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy(); // SIGTERM: supervisord stops every program, then exits
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** A PM2 daemon of its own ({@code PM2_HOME} in the run's directory), started by {@code pm2 start}. */
  final class Pm2 implements PeerSupervisor {
    private final Map<String, String> env;
    private final Path home;
    private final long launchedNanos;
    private String version = "";

    private Pm2(Map<String, String> env, Path home, long launchedNanos) {
      this.env = env;
      this.home = home;
      this.launchedNanos = launchedNanos;
    }

    static Pm2 start(Path dir, List<Child> children, Policy policy) throws IOException, InterruptedException {
      Path home = dir.resolve("pm2-home");
      Map<String, String> env = Map.of("PM2_HOME", home.toString());
      ArrayNode apps = JSON.createArrayNode();
      for (Child child : children) {
        ObjectNode app = apps.addObject();
        app.put("name", child.name());
        app.put("script", "/bin/sh");
        app.putArray("args").add("-c").add(child.script());
        app.put("interpreter", "none");
        app.put("exec_mode", "fork");
        app.put("autorestart", true);
        if (policy == Policy.IMMEDIATE) {
          app.put("restart_delay", 0);
        }
      }
      ObjectNode eco = JSON.createObjectNode();
      eco.set("apps", apps);
      Path file = dir.resolve("ecosystem.json");
      JSON.writeValue(file.toFile(), eco);
      ProcessBuilder pb = new ProcessBuilder("pm2", "start", file.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("console.txt").toFile());
      pb.environment().putAll(env);
      long t0 = System.nanoTime();
      Process cli = pb.start(); // starts the daemon, hands it the apps, exits
      Pm2 pm2 = new Pm2(env, home, t0);
      new Thread(() -> {
        try {
          cli.waitFor();
        } catch (InterruptedException ignored) {
          // the run is over
        }
      }, "pm2-cli").start();
      return pm2;
    }

    @Override
    public String name() {
      if (version.isEmpty()) {
        try {
          version = run(List.of("pm2", "--version"), env).trim().replaceAll("(?s).*\\n", "");
        } catch (IOException | InterruptedException e) {
          version = "?";
        }
      }
      return "PM2 " + version;
    }

    @Override
    public long pid() {
      Path pidFile = home.resolve("pm2.pid");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        try {
          String text = Files.readString(pidFile).trim();
          if (!text.isEmpty()) {
            return Long.parseLong(text);
          }
        } catch (IOException notYet) {
          // the daemon writes it once it runs
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new IllegalStateException("no PM2 daemon pid in " + pidFile);
    }

    @Override
    public long launchedNanos() {
      return launchedNanos;
    }

    @Override
    public List<String> statusCommand() {
      return List.of("pm2", "jlist");
    }

    @Override
    public Map<String, String> env() {
      return env;
    }

    @Override
    public String stateOf(String child) throws IOException, InterruptedException {
      String out = run(List.of("pm2", "jlist"), env);
      JsonNode list = JSON.readTree(out.substring(out.indexOf('[')));
      for (JsonNode app : list) {
        if (app.path("name").asText().equals(child)) {
          JsonNode e = app.path("pm2_env");
          return e.path("status").asText() + ", " + e.path("restart_time").asInt() + " restarts, "
              + e.path("unstable_restarts").asInt() + " unstable";
        }
      }
      return "not listed";
    }

    @Override
    public void close() throws IOException, InterruptedException {
      run(List.of("pm2", "kill"), env); // stops every app, then the daemon
    }
  }
}

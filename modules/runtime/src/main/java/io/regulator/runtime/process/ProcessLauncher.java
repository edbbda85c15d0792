package io.regulator.runtime.process;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ComponentSpec;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts component processes: checks what can be checked before the spawn (so a missing program
 * is "executable not found: /path", not a bare exit code 127), runs the command in its own
 * session and process group, and pumps its output into the component log and an in-memory tail.
 *
 * <p>The command runs as {@code /usr/bin/setsid -- <argv>}. The JVM's child is never a group
 * leader, so setsid calls setsid(2) and execs in place: the pid we get is the component itself,
 * a direct child of the JVM (exit seen at once), and the id of its new group and session.
 *
 * <p>Output is read by the JVM's one {@link OutputReader} thread, through pipes we make ourselves
 * ({@link OutputPipes}); where the JVM does not allow that, by two {@link OutputPump} threads per
 * process, as before.
 *
 * <p>Blocking (about a millisecond per launch): call from the process dispatcher. One launcher
 * serves all components; {@link #close()} closes the component logs at shutdown.
 */
public final class ProcessLauncher implements AutoCloseable {

  static final String SETSID = "/usr/bin/setsid";
  static final String SETPRIV = "/usr/bin/setpriv";
  /** What execvp(3) searches when PATH is unset. */
  private static final String DEFAULT_PATH = "/bin:/usr/bin";
  private static final File DEV_NULL = new File("/dev/null");

  private final OutputLogs logs;
  /** Output through the shared reader (else pump threads). */
  private final boolean sharedReader;

  public ProcessLauncher(Path logDir) {
    this(logDir, true);
  }

  /** With {@code sharedReader} false, output is pumped by two threads per process (the fallback). */
  ProcessLauncher(Path logDir, boolean sharedReader) {
    this.logs = new OutputLogs(logDir);
    this.sharedReader = sharedReader && OutputPipes.supported();
  }

  /** Where the output of {@code component} goes: {@code <logDir>/<component>.log}. */
  public Path logFile(String component) {
    return logs.file(component);
  }

  /**
   * Starts {@code spec}'s command.
   *
   * @throws LaunchFailure (category EXEC_FAILED) when it cannot be started; the cause names the
   *     path and says what to do
   */
  public LaunchedProcess launch(ComponentSpec spec) throws LaunchFailure {
    String name;
    try {
      name = ComponentNames.fileSafe(spec.name());
    } catch (IllegalArgumentException e) {
      throw failure(e.getMessage(), "rename the component");
    }
    List<String> argv = spec.argv();
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw failure("empty command for component " + name, "set command to the program and its arguments");
    }
    Path cwd = checkCwd(spec);
    ProcessBuilder pb = new ProcessBuilder();
    Map<String, String> env = pb.environment(); // inherited
    env.putAll(spec.env());
    checkExecutable(argv.get(0), cwd, env.get("PATH"));
    requireHelper(SETSID, "install util-linux");

    List<String> command = new ArrayList<>(argv.size() + 8);
    command.add(SETSID);
    command.add("--");
    if (spec.user().isPresent() && !isCurrentUser(spec.user().get())) {
      command.addAll(switchUser(spec.user().get(), spec, env));
    }
    command.addAll(argv);

    OutputLogs.ComponentLog log = logs.open(name, spec.output());
    OutputTail tail = new OutputTail(spec.output().tailLines());

    pb.command(command)
        .directory(spec.cwd().isPresent() ? cwd.toFile() : null)
        .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)); // EOF, not a pipe nobody writes
    return sharedReader
        ? launchReadByReader(pb, name, argv.get(0), log, tail)
        : launchPumped(pb, name, argv.get(0), log, tail);
  }

  private LaunchedProcess launchReadByReader(ProcessBuilder pb, String name, String program,
      OutputLogs.ComponentLog log, OutputTail tail) throws LaunchFailure {
    OutputReader reader;
    OutputPipes pipes;
    try {
      reader = OutputReader.shared(); // before the spawn: a failure here leaves no process behind
      pipes = OutputPipes.open();
    } catch (IOException e) {
      throw new LaunchFailure(new Cause(CauseCategory.EXEC_FAILED,
          "cannot open the output pipes of " + name + ": " + e.getMessage(),
          "raise the open-file limit (ulimit -n, LimitNOFILE) or run fewer components"), e);
    } catch (OutOfMemoryError e) {
      throw outputThreadFailure(name, e);
    }
    pipes.redirect(pb);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      pipes.closeSources();
      throw spawnFailure(name, program, e);
    } catch (RuntimeException | Error e) {
      pipes.closeSources();
      throw e;
    } finally {
      pipes.closeSinks(); // the child has its own copies: end of file comes when it is done
    }
    long startedNanos = System.nanoTime();
    Instant started = startInstant(process);
    try {
      CompletableFuture<Void> drained = pipes.read(reader, name, log, tail);
      return new LaunchedProcess(name, process, startedNanos, started, tail, drained);
    } catch (IOException e) {
      process.destroyForcibly(); // nobody would read its output
      pipes.closeSources();
      throw new LaunchFailure(new Cause(CauseCategory.EXEC_FAILED,
          "cannot read the output of " + name + ": " + e.getMessage(), "start it again"), e);
    }
  }

  private LaunchedProcess launchPumped(ProcessBuilder pb, String name, String program,
      OutputLogs.ComponentLog log, OutputTail tail) throws LaunchFailure {
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw spawnFailure(name, program, e);
    }
    long startedNanos = System.nanoTime();
    Instant started = startInstant(process);

    CompletableFuture<Void> out;
    CompletableFuture<Void> err;
    try {
      out = OutputPump.start("regulator-output-" + name + "-out", process.getInputStream(), new LineSplitter(log.out(), tail));
      err = OutputPump.start("regulator-output-" + name + "-err", process.getErrorStream(), new LineSplitter(log.err(), tail));
    } catch (OutOfMemoryError e) {
      // "unable to create native thread": do not leave behind a process nobody watches.
      process.destroyForcibly();
      throw outputThreadFailure(name, e);
    }
    return new LaunchedProcess(name, process, startedNanos, started, tail, CompletableFuture.allOf(out, err));
  }

  /**
   * When the kernel started {@code process} (clock-tick resolution), as pid records keep it. The
   * JDK reads it from /proc and now and then finds nothing right after the spawn; then the time
   * now, to the millisecond, which is all a pid record holds.
   */
  private static Instant startInstant(Process process) {
    return process.info().startInstant().orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  /** Closes the log of a component that was removed from the config. */
  public void release(String component) {
    logs.release(component);
  }

  /**
   * Closes every component log. Processes still running keep running (stopping them is the
   * supervisors' job); output they write afterwards is no longer logged.
   */
  @Override
  public void close() {
    logs.close();
  }

  /** How many component logs are open (one per component, however often it restarted). */
  int openLogCount() {
    return logs.openCount();
  }

  // ---- pre-checks -------------------------------------------------------------------------

  private static Path checkCwd(ComponentSpec spec) throws LaunchFailure {
    Path cwd = Path.of(spec.cwd().orElse(System.getProperty("user.dir"))).toAbsolutePath();
    if (!Files.exists(cwd)) {
      throw failure("working directory not found: " + cwd,
          "create it or fix cwd of component " + spec.name());
    }
    if (!Files.isDirectory(cwd)) {
      throw failure("working directory is not a directory: " + cwd,
          "point cwd of component " + spec.name() + " at a directory");
    }
    return cwd;
  }

  /** Resolves argv[0] as execvp(3) will: with a '/' relative to cwd, without one through PATH. */
  static void checkExecutable(String program, Path cwd, String path) throws LaunchFailure {
    if (program.indexOf('/') >= 0) {
      checkFile(cwd.resolve(program).normalize());
      return;
    }
    String searched = path != null ? path : DEFAULT_PATH;
    Path notExecutable = null;
    for (String dir : searched.split(":", -1)) {
      Path candidate = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return;
      }
      if (notExecutable == null && Files.isRegularFile(candidate)) {
        notExecutable = candidate;
      }
    }
    if (notExecutable != null) {
      checkFile(notExecutable); // what execvp reports too: EACCES for the first such entry
    }
    throw failure("executable not found: " + program + " (searched PATH=" + searched + ")",
        "install it, or give its absolute path in command");
  }

  private static void checkFile(Path file) throws LaunchFailure {
    if (!Files.exists(file)) {
      throw failure("executable not found: " + file, "fix the path in command, or install the program");
    }
    if (Files.isDirectory(file)) {
      throw failure("executable is a directory: " + file, "point command at the program inside it");
    }
    if (!Files.isExecutable(file)) {
      throw failure("not executable: " + file, "chmod +x it");
    }
  }

  private static void requireHelper(String helper, String install) throws LaunchFailure {
    if (!Files.isExecutable(Path.of(helper))) {
      throw failure("executable not found: " + helper + " (Regulator needs it to start components)", install);
    }
  }

  // ---- running as another user ---------------------------------------------------------

  private static boolean isCurrentUser(String user) {
    return user.equals(System.getProperty("user.name")) || user.equals(String.valueOf(currentUid()));
  }

  private static int currentUid() {
    try {
      // /proc/self belongs to the effective uid of this process.
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    }
  }

  /**
   * {@code setpriv} arguments that run the command as {@code user} with its primary and
   * supplementary groups; HOME, USER and LOGNAME follow the user unless the spec sets them.
   */
  private static List<String> switchUser(String user, ComponentSpec spec, Map<String, String> env)
      throws LaunchFailure {
    if (currentUid() != 0) {
      throw failure("cannot run component " + spec.name() + " as user " + user + ": Regulator runs as "
          + System.getProperty("user.name") + ", not root",
          "run Regulator as root, or remove user from the component");
    }
    requireHelper(SETPRIV, "install util-linux");
    // getent passwd: name:x:uid:gid:gecos:home:shell
    String entry = getentPasswd(user);
    String[] f = entry.split(":", -1);
    if (f.length < 7) {
      throw failure("user not found: " + user, "create the user or fix user of component " + spec.name());
    }
    if (!spec.env().containsKey("HOME")) {
      env.put("HOME", f[5]);
    }
    if (!spec.env().containsKey("USER")) {
      env.put("USER", f[0]);
    }
    if (!spec.env().containsKey("LOGNAME")) {
      env.put("LOGNAME", f[0]);
    }
    return List.of(SETPRIV, "--reuid=" + f[2], "--regid=" + f[3], "--init-groups", "--");
  }

  private static String getentPasswd(String user) throws LaunchFailure {
    try {
      Process p = new ProcessBuilder("getent", "passwd", "--", user)
          .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (InputStream in = p.getInputStream()) {
        in.transferTo(buf);
      }
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return "";
      }
      String text = buf.toString(StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      return nl >= 0 ? text.substring(0, nl) : text;
    } catch (IOException e) {
      throw failure("cannot look up user " + user + ": " + errno(e), "check that getent is installed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while looking up user " + user, "");
    }
  }

  // ---- errors ----------------------------------------------------------------------------

  private static LaunchFailure spawnFailure(String name, String program, IOException e) {
    return new LaunchFailure(new Cause(CauseCategory.EXEC_FAILED,
        "cannot start " + program + ": " + errno(e),
        "check the command, its permissions and cwd of component " + name), e);
  }

  private static LaunchFailure outputThreadFailure(String name, OutOfMemoryError e) {
    return new LaunchFailure(new Cause(CauseCategory.EXEC_FAILED,
        "cannot start the output threads of " + name + ": " + e.getMessage(),
        "raise the thread limit (ulimit -u, pids.max) or run fewer components"), e);
  }

  private static LaunchFailure failure(String detail, String suggestion) {
    return new LaunchFailure(new Cause(CauseCategory.EXEC_FAILED, detail, suggestion));
  }

  /** "error=13, Permission denied" out of the JDK's "Cannot run program ...: error=13, ...". */
  private static String errno(IOException e) {
    String message = String.valueOf(e.getMessage());
    int at = message.indexOf("error=");
    return at >= 0 ? message.substring(at) : message;
  }
}

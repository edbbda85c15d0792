package io.regulator.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code regulator logs [COMPONENT...] [-f] [-n N]}: the components' output logs merged into one
 * timeline, each line prefixed with its component. Reads the files in the config's log-dir, so it
 * works with the service stopped.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = {"Print the components' output logs merged by time (-f follows); works with the service stopped.",
        "Reads <log-dir>/<component>.log (and its rotated files); each line is prefixed with its component."})
final class LogsCommand implements Callable<Integer> {

  private static final long FOLLOW_PERIOD_MILLIS = 200;

  @Spec CommandSpec command;

  @Mixin ControlOptions control;

  @Parameters(arity = "0..*", paramLabel = "COMPONENT", description = "only these components (default: all in the config)")
  List<String> components;

  @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10",
      description = "the last N lines of them all together (default: ${DEFAULT-VALUE}; 0 with -f: only new lines)")
  int lines;

  @Option(names = {"-f", "--follow"}, description = "keep printing new lines as they are written (Ctrl-C ends)")
  boolean follow;

  @Override
  public Integer call() {
    return control.run(command, (client, out, err) -> {
      if (lines < 0) {
        throw new ControlFailure("-n: must be 0 or more, not " + lines, 2);
      }
      Path logDir = client.settings().logDir();
      List<String> names = names(client.settings(), logDir);
      int width = ComponentLogs.width(names);
      try {
        if (!follow) {
          List<String> present = names.stream().filter(c -> Files.exists(ComponentLogs.file(logDir, c))).toList();
          if (present.isEmpty()) {
            throw new ControlFailure("no component logs in " + logDir + " yet (for "
                + String.join(", ", names) + ")");
          }
          ComponentLogs.last(logDir, present, lines).forEach(l -> out.println(ComponentLogs.render(l, width)));
          return 0;
        }
        return follow(logDir, names, width, lines, out);
      } catch (IOException e) {
        throw new ControlFailure("cannot read the logs in " + logDir + ": " + e.getMessage());
      }
    });
  }

  /** The components asked for: named ones must be in the config or have a log; none means every configured one. */
  private List<String> names(ServiceSettings settings, Path logDir) throws ControlFailure {
    if (components == null || components.isEmpty()) {
      if (settings.components().isEmpty()) {
        throw new ControlFailure("no components in " + settings.configFile());
      }
      return settings.components();
    }
    List<String> names = new ArrayList<>();
    for (String c : components) {
      if (c.isEmpty() || c.contains("/") || c.equals(".") || c.equals("..")) {
        throw new ControlFailure("'" + c + "' is not a component name", 2);
      }
      if (!settings.components().contains(c) && !Files.exists(ComponentLogs.file(logDir, c))) {
        throw new ControlFailure("unknown component '" + c + "': not in " + settings.configFile()
            + " and no " + ComponentLogs.file(logDir, c) + " (components: " + String.join(", ", settings.components())
            + ")");
      }
      if (!names.contains(c)) {
        names.add(c);
      }
    }
    return names;
  }

  private static int follow(Path logDir, List<String> names, int width, int backlog, PrintWriter out)
      throws IOException, ControlFailure {
    try (ComponentLogs.Follower follower = new ComponentLogs.Follower(logDir, names)) {
      List<ComponentLogs.Line> batch = follower.backlog(backlog);
      while (true) {
        for (ComponentLogs.Line l : batch) {
          out.println(ComponentLogs.render(l, width));
        }
        out.flush();
        if (out.checkError()) {
          return 0; // the reader went away (a closed pipe)
        }
        try {
          Thread.sleep(FOLLOW_PERIOD_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ControlFailure("interrupted", 130);
        }
        batch = follower.poll();
      }
    }
  }
}

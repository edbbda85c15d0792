package io.regulator.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * What every control command shares: the config that says where the service listens, and one
 * frame that reads it, runs the command and turns a {@link ControlFailure} into its one line on
 * stderr and its exit code. Nothing here starts an actor system or initialises logging: these
 * commands must answer in well under a second.
 */
final class ControlOptions {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "the service's config file (default: conf/regulator.conf): where it listens, its token, its directories")
  String config;

  /** What a control command does once the config is read. */
  interface Action {
    int run(ServiceClient client, PrintWriter out, PrintWriter err) throws ControlFailure;
  }

  int run(CommandSpec command, Action action) {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    try {
      return action.run(client(), out, err);
    } catch (ControlFailure e) {
      out.flush();
      err.println("regulator: " + e.getMessage());
      return e.exitCode;
    } finally {
      out.flush();
      err.flush();
    }
  }

  ServiceClient client() throws ControlFailure {
    Path path = config == null ? Home.defaultConfig() : Home.userPath(config);
    return new ServiceClient(ServiceSettings.load(path, Home.dir()), System.getenv());
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}; a bare number is seconds; null is {@code fallback}. */
  static Duration duration(String option, String typed, Duration fallback) throws ControlFailure {
    if (typed == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(typed.strip());
    if (!m.matches()) {
      throw new ControlFailure(option + ": '" + typed + "' is not a duration (e.g. 30s, 2m, 500ms)", 2);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }
}

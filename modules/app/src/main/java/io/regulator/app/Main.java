package io.regulator.app;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code regulator} command line: one entry point for every subcommand of {@code bin/regulator}. */
@Command(
    name = "regulator",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Keeps a fleet of long-running services alive: supervision, health, journal, alerts.")
public final class Main {

  /** Every subcommand, in the order help lists them. */
  static final List<Class<?>> COMMANDS = List.of(RunCommand.class, StartCommand.class, StopCommand.class,
      RestartCommand.class, StatusCommand.class, CheckCommand.class, LogsCommand.class, SilenceCommand.class,
      ReloadCommand.class, ValidateCommand.class, EventsCommand.class, IncidentsCommand.class, ReportCommand.class,
      ClassArchiveTraining.class, CommandLine.HelpCommand.class);

  public static void main(String[] args) {
    System.exit(commandLine(args.length == 0 ? "" : args[0]).execute(args));
  }

  /** The command line with every subcommand (help, tests). */
  static CommandLine commandLine() {
    return commandLine("");
  }

  /**
   * The command line for a call whose first word is {@code first}: only that subcommand is built
   * when it names one (reading every command's annotations costs tens of milliseconds, which the
   * short control commands feel), every one otherwise (help, typos, aliases).
   */
  static CommandLine commandLine(String first) {
    CommandLine cli = new CommandLine(new Main());
    Class<?> only = COMMANDS.stream()
        .filter(c -> c.getAnnotation(Command.class) != null && c.getAnnotation(Command.class).name().equals(first))
        .findFirst().orElse(null);
    if (only != null && only != CommandLine.HelpCommand.class) {
      cli.addSubcommand(only);
    } else {
      COMMANDS.forEach(cli::addSubcommand);
    }
    // Errors a user can meet are one line, never a stack trace.
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("regulator: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      return 2;
    });
    return cli;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"regulator " + (v == null ? "development build" : v)};
    }
  }
}

package io.regulator.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code regulator} command line: one entry point for every subcommand of {@code bin/regulator}. */
@Command(
    name = "regulator",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Keeps a fleet of long-running services alive: supervision, health, journal, alerts.",
    subcommands = {RunCommand.class, StartCommand.class, StopCommand.class, RestartCommand.class, StatusCommand.class,
        CheckCommand.class, LogsCommand.class, SilenceCommand.class, ReloadCommand.class, ValidateCommand.class,
        EventsCommand.class, IncidentsCommand.class, ReportCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
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

package io.regulator.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regulator restart COMPONENT}. */
@Command(name = "restart", mixinStandardHelpOptions = true,
    description = {"Restart a component of the running service.",
        "To restart Regulator itself: bin/regulator stop && bin/regulator start."})
final class RestartCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin ControlOptions control;

  @Parameters(index = "0", paramLabel = "COMPONENT", description = "a component of the running service")
  String component;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the journal")
  String reason;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "how long to wait for the answer (default 2m)")
  String timeout;

  @Override
  public Integer call() {
    return control.run(command, (client, out, err) -> ComponentControl.act(client, component, "restart", reason,
        ControlOptions.duration("--timeout", timeout, ComponentControl.DEFAULT_TIMEOUT), out));
  }
}

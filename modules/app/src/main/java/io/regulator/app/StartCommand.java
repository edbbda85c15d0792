package io.regulator.app;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regulator start}: the service in the background; {@code regulator start COMPONENT}: one component. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = {"Start the service in the background, or one component of it.",
        "Without COMPONENT: run the service in its own session (pid in <data-dir>/regulator.pid, console appended"
        + " to <log-dir>/regulator.out) and wait until it is ready.",
        "With COMPONENT: start that component in the running service (also resets FAILED or an open circuit)."})
final class StartCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin ControlOptions control;

  @Parameters(index = "0", arity = "0..1", paramLabel = "COMPONENT", description = "a component of the running service")
  String component;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the journal (with COMPONENT)")
  String reason;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "how long to wait: for the service to be ready (default 30s), or for the service's answer (default 2m)")
  String timeout;

  @Override
  public Integer call() {
    return control.run(command, (client, out, err) -> component == null
        ? BackgroundService.start(client, ControlOptions.duration("--timeout", timeout, Duration.ofSeconds(30)), out, err)
        : ComponentControl.act(client, component, "start", reason,
            ControlOptions.duration("--timeout", timeout, ComponentControl.DEFAULT_TIMEOUT), out));
  }
}

package io.regulator.app;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regulator stop}: the background service; {@code regulator stop COMPONENT}: one component. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = {"Stop the background service, or one component of it.",
        "Without COMPONENT: stop the service started with `start` (SIGTERM: components stop in reverse"
        + " dependency order) and wait for it to exit. Exit code 0 also when it was not running.",
        "With COMPONENT: stop that component and keep it stopped until `start COMPONENT`."})
final class StopCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin ControlOptions control;

  @Parameters(index = "0", arity = "0..1", paramLabel = "COMPONENT", description = "a component of the running service")
  String component;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the journal (with COMPONENT)")
  String reason;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "how long to wait for the service to exit (default 90s), or for the component to stop (default 2m)")
  String timeout;

  @Override
  public Integer call() {
    return control.run(command, (client, out, err) -> component == null
        ? BackgroundService.stop(client, ControlOptions.duration("--timeout", timeout, Duration.ofSeconds(90)), out)
        : ComponentControl.act(client, component, "stop", reason,
            ControlOptions.duration("--timeout", timeout, ComponentControl.DEFAULT_TIMEOUT), out));
  }
}

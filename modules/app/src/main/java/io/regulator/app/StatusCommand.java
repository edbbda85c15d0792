package io.regulator.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regulator status [COMPONENT] [--json]}: the running service's view of its fleet. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the running service's state, health score and components, or one component.",
        "--json prints the API's JSON as it is (GET /api/v1/status, or /api/v1/components/NAME)."})
final class StatusCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin ControlOptions control;

  @Parameters(index = "0", arity = "0..1", paramLabel = "COMPONENT", description = "show this component in detail")
  String component;

  @Option(names = "--json", description = "the API's JSON instead of a table")
  boolean json;

  @Override
  public Integer call() {
    return control.run(command, (client, out, err) -> {
      String one = component == null ? null : "/api/v1/components/" + ServiceClient.segment(component);
      if (json) {
        out.println(client.getRaw(one == null ? "/api/v1/status" : one).strip());
      } else if (one != null) {
        out.print(StatusView.component(client.get(one)));
      } else {
        Json status = client.get("/api/v1/status");
        out.print(StatusView.table(status, client.get("/api/v1/components"), client.baseUrl()));
      }
      return 0;
    });
  }
}

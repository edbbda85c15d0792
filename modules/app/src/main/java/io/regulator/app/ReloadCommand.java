package io.regulator.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code regulator reload}: the running service reads its config file again (the one it was
 * started with), starts added components, stops removed ones, restarts changed ones.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = {"Make the running service read its config file again.",
        "Added components start, removed ones stop, changed ones restart, the others keep running. An invalid"
        + " config changes nothing: every problem is printed.",
        "Only components, groups and defaults are reloaded; http, journal, data-dir, log-dir and alerts need a"
        + " restart of Regulator."})
final class ReloadCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin ControlOptions control;

  @Override
  public Integer call() {
    return control.run(command, (client, out, err) -> {
      ServiceClient.Response r = client.mutate("POST", "/api/v1/reload", null, ComponentControl.DEFAULT_TIMEOUT);
      if (r.status() == 400) {
        List<String> problems = problems(r.json());
        if (!problems.isEmpty()) {
          problems.forEach(err::println);
          throw new ControlFailure("not reloaded: fix the " + (problems.size() == 1 ? "problem" : problems.size()
              + " problems") + " above; nothing changed");
        }
      }
      out.print(summary(client.expectOk(r, "POST", "/api/v1/reload")));
      return 0;
    });
  }

  /** {@code reloaded: 1 added, 0 removed, 1 changed, 3 unchanged}, then the names of each list that has some. */
  static String summary(Json result) {
    StringBuilder b = new StringBuilder("reloaded:");
    String[] kinds = {"added", "removed", "changed", "unchanged"};
    for (int i = 0; i < kinds.length; i++) {
      b.append(i == 0 ? " " : ", ").append(result.get(kinds[i]).items().size()).append(' ').append(kinds[i]);
    }
    b.append('\n');
    for (String kind : kinds) {
      List<String> names = new ArrayList<>();
      result.get(kind).items().forEach(n -> names.add(n.text("?")));
      if (!names.isEmpty()) {
        b.append(kind).append(": ").append(String.join(", ", names)).append('\n');
      }
    }
    return b.toString();
  }

  /**
   * The problems of a refused config, one line each: strings as they are; objects as
   * {@code file:line: key: message}, like {@code bin/regulator validate}.
   */
  static List<String> problems(Json problem) {
    List<String> lines = new ArrayList<>();
    for (Json p : problem.get("problems").items()) {
      if (p.isObject()) {
        String rendered = p.get("rendered").text();
        if (rendered == null) {
          StringBuilder b = new StringBuilder();
          if (!p.get("file").isMissing()) {
            b.append(p.get("file").text());
            if (p.get("line").asLong(0) > 0) {
              b.append(':').append(p.get("line").text());
            }
            b.append(": ");
          }
          if (!p.get("key").isMissing() && !p.get("key").text("").isEmpty()) {
            b.append(p.get("key").text()).append(": ");
          }
          b.append(p.get("message").text(p.get("detail").text(p.toString())));
          rendered = b.toString();
        }
        lines.add(rendered);
      } else {
        lines.add(p.text(p.toString()));
      }
    }
    return lines;
  }
}

package io.regulator.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regulator silence}: mute the alerts of a component (or all) for a while, list silences, remove one. */
@Command(name = "silence", mixinStandardHelpOptions = true,
    description = {"Silence a component's alerts for a while, list the silences, or remove one.",
        "COMPONENT '*' silences every component (quote it in a shell).",
        "  regulator silence web --for 30m --reason \"deploy 1.4\"",
        "  regulator silence --list",
        "  regulator silence --remove ID"})
final class SilenceCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin ControlOptions control;

  @Parameters(index = "0", arity = "0..1", paramLabel = "COMPONENT", description = "the component, or '*' for all")
  String component;

  @Option(names = "--for", paramLabel = "DURATION", description = "how long, e.g. 30m, 2h (with COMPONENT)")
  String duration;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, shown with the silence (with COMPONENT; default: who silenced it)")
  String reason;

  @ArgGroup(exclusive = true)
  Other other;

  /** The modes besides creating one. */
  static final class Other {
    @Option(names = "--list", required = true, description = "list the silences") boolean list;

    @Option(names = "--remove", required = true, paramLabel = "ID", description = "remove the silence with this id")
    String remove;
  }

  @Override
  public Integer call() {
    return control.run(command, (client, out, err) -> {
      if (other != null && (component != null || duration != null || reason != null)) {
        throw new ControlFailure("--list and --remove take no COMPONENT, --for or --reason", 2);
      }
      if (other != null && other.list) {
        out.print(list(client.get("/api/v1/silences")));
      } else if (other != null) {
        Json removed = client.delete("/api/v1/silences/" + ServiceClient.segment(other.remove));
        out.println("removed silence " + removed.get("id").text(other.remove) + " ("
            + subject(removed.get("component").text("?")) + ")");
      } else {
        if (component == null || duration == null) {
          throw new ControlFailure("give a COMPONENT (or '*') and --for DURATION, or --list, or --remove ID", 2);
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("component", component);
        body.put("duration", duration);
        // the alert manager wants a reason; without one, say who silenced it from where
        body.put("reason", reason != null ? reason
            : "silenced with bin/regulator silence by " + System.getProperty("user.name", "someone"));
        out.println(created(client.post("/api/v1/silences", Json.object(body), ServiceClient.READ_TIMEOUT)));
      }
      return 0;
    });
  }

  /** {@code silenced web until 2026-11-24T10:45:30Z (id 3f2a): deploy}. */
  static String created(Json s) {
    String reason = s.get("reason").text("");
    return "silenced " + subject(s.get("component").text("?")) + " until " + s.get("endsAt").text("?")
        + " (id " + s.get("id").text("?") + ")" + (reason.isBlank() ? "" : ": " + reason);
  }

  static String list(Json silences) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "COMPONENT", "FROM", "UNTIL", "REASON"});
    for (Json s : silences.items()) {
      rows.add(new String[] {s.get("id").text("?"), s.get("component").text("?"), s.get("startsAt").text("-"),
          s.get("endsAt").text("-"), s.get("reason").text("")});
    }
    return rows.size() == 1 ? "no silences\n" : StatusView.columns(rows);
  }

  private static String subject(String component) {
    return component.equals("*") ? "every component" : component;
  }
}

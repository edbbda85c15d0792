package io.regulator.app;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code regulator check}: one line and an exit code, as monitoring plugins answer (Nagios,
 * Icinga, cron): 0 OK (UP), 1 WARNING (DEGRADED), 2 CRITICAL (DOWN, or the service does not
 * answer), 3 UNKNOWN (it answered, but not so that the state could be told: a refused token, a
 * bad config, an unexpected answer).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"One line and an exit code for monitors: 0 UP, 1 DEGRADED, 2 DOWN, 3 unknown.",
        "2 also when the service does not answer; 3 when it answered, but not with a state (token refused, bad"
        + " config, unexpected answer).",
        "Output: REGULATOR OK - 5/5 ready, score 100 | score=100;;;0;100 ready=5;;;0;5"})
final class CheckCommand implements Callable<Integer> {

  static final int OK = 0;
  static final int WARNING = 1;
  static final int CRITICAL = 2;
  static final int UNKNOWN = 3;

  @Spec CommandSpec command;

  @Mixin ControlOptions control;

  /** The line to print and the exit code. */
  record Verdict(int exitCode, String line) {}

  @Override
  public Integer call() {
    Verdict verdict;
    try {
      ServiceClient client = control.client();
      try {
        verdict = verdict(client.get("/api/v1/status"));
      } catch (ControlFailure e) {
        // The service not answering is the state a monitor most needs to see: CRITICAL, not UNKNOWN.
        boolean down = e.unreachable;
        verdict = new Verdict(down ? CRITICAL : UNKNOWN, "REGULATOR " + (down ? "CRITICAL" : "UNKNOWN") + " - "
            + e.getMessage());
      }
    } catch (ControlFailure e) {
      verdict = new Verdict(UNKNOWN, "REGULATOR UNKNOWN - " + e.getMessage());
    }
    command.commandLine().getOut().println(verdict.line());
    command.commandLine().getOut().flush();
    return verdict.exitCode();
  }

  /** UP → OK, DEGRADED → WARNING, DOWN → CRITICAL, anything else → UNKNOWN; naming what is not ready. */
  static Verdict verdict(Json status) {
    String state = status.get("state").text("");
    int code = switch (state) {
      case "UP" -> OK;
      case "DEGRADED" -> WARNING;
      case "DOWN" -> CRITICAL;
      default -> UNKNOWN;
    };
    String label = switch (code) {
      case OK -> "OK";
      case WARNING -> "WARNING";
      case CRITICAL -> "CRITICAL";
      default -> "UNKNOWN";
    };
    StatusView.Counts n = StatusView.counts(status);
    StringBuilder line = new StringBuilder("REGULATOR ").append(label).append(" - ");
    if (code == UNKNOWN) {
      line.append("unexpected overall state '").append(state).append("'; ");
    }
    line.append(n.ready()).append('/').append(n.wanted()).append(" ready");
    if (n.down() > 0) {
      line.append(", ").append(n.down()).append(" stopped");
    }
    String score = status.get("score").text("?");
    line.append(", score ").append(score);
    List<String> notReady = StatusView.notReady(status);
    if (!notReady.isEmpty()) {
      line.append("; not ready: ").append(String.join(", ", notReady));
    }
    // Performance data: 'label'=value;warn;crit;min;max
    line.append(" | score=").append(score).append(";;;0;100 ready=").append(n.ready()).append(";;;0;")
        .append(n.wanted());
    return new Verdict(code, line.toString());
  }
}

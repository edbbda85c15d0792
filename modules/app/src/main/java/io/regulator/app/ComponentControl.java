package io.regulator.app;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code regulator start|stop|restart COMPONENT}: the API's
 * {@code POST /api/v1/components/{name}/start|stop|restart} with the admin token, and the state it
 * left the component in, on one line.
 *
 * <p>The service answers a start or restart as soon as the supervisor has taken it, often while
 * the old process is still stopping. So the command then watches the component for a moment,
 * until a new process runs or it is clear none will soon, to print the pid that matters.
 */
final class ComponentControl {

  /** A stop answers once the component is STOPPED, which takes up to its stop.timeout and more. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
  /** How long to watch for the new process after the service has answered. */
  static final Duration SETTLE = Duration.ofSeconds(5);
  /** States in which no process is about to start without something else happening first. */
  private static final Set<String> NO_PROCESS_SOON = Set.of("WAITING", "BACKOFF", "CIRCUIT_OPEN", "FAILED");

  private ComponentControl() {}

  static int act(ServiceClient client, String component, String action, String reason, Duration timeout,
      PrintWriter out) throws ControlFailure {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("reason", reason);
    String path = "/api/v1/components/" + ServiceClient.segment(component);
    Json view = client.post(path + "/" + action, Json.object(body), timeout);
    String before = view.get("state").text("").equals("STOPPING") ? view.get("pid").text() : null;
    if (!action.equals("stop")) {
      Instant deadline = Instant.now().plus(SETTLE);
      while (!settled(view, before) && Instant.now().isBefore(deadline)) {
        pause();
        view = client.get(path);
      }
    }
    out.println(line(action, component, view, before));
    return 0;
  }

  /** A new process runs, or none will without something else happening first. */
  static boolean settled(Json view, String oldPid) {
    String pid = view.get("pid").text();
    return pid != null && !pid.equals(oldPid) || NO_PROCESS_SOON.contains(view.get("state").text(""));
  }

  /** {@code restarted web: STARTING, pid 4243 (was 4242)}. */
  static String line(String action, String component, Json view, String oldPid) {
    String done = switch (action) {
      case "start" -> "started";
      case "stop" -> "stopped";
      default -> action + "ed";
    };
    String pid = view.get("pid").text();
    return done + " " + view.get("name").text(component) + ": " + view.get("state").text("?")
        + (pid == null ? "" : ", pid " + pid)
        + (oldPid == null || oldPid.equals(pid) ? "" : " (was " + oldPid + ")");
  }

  private static void pause() throws ControlFailure {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlFailure("interrupted", 130);
    }
  }
}

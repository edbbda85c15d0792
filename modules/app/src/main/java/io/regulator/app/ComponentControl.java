package io.regulator.app;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code regulator start|stop|restart COMPONENT}: the API's
 * {@code POST /api/v1/components/{name}/start|stop|restart} with the admin token, and the state it
 * left the component in, on one line.
 */
final class ComponentControl {

  /** A stop answers once the component is STOPPED, which takes up to its stop.timeout and more. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private ComponentControl() {}

  static int act(ServiceClient client, String component, String action, String reason, Duration timeout,
      PrintWriter out) throws ControlFailure {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("reason", reason);
    Json view = client.post("/api/v1/components/" + ServiceClient.segment(component) + "/" + action,
        Json.object(body), timeout);
    out.println(line(action, component, view));
    return 0;
  }

  /** {@code restarted web: STARTING, pid 4243}. */
  static String line(String action, String component, Json view) {
    String done = switch (action) {
      case "start" -> "started";
      case "stop" -> "stopped";
      default -> action + "ed";
    };
    String state = view.get("state").text("?");
    String pid = view.get("pid").isMissing() ? "" : ", pid " + view.get("pid").text();
    return done + " " + view.get("name").text(component) + ": " + state + pid;
  }
}

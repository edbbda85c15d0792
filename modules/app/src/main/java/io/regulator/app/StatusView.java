package io.regulator.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How {@code regulator status} shows the API's status and component views (docs/http-api.md):
 * a summary line and a table, or one component's detail. Pure text from JSON, for tests.
 */
final class StatusView {

  private static final String NONE = "-";

  private StatusView() {}

  /** The summary line, a blank line and one row per component. */
  static String table(Json status, Json components, String url) {
    StringBuilder b = new StringBuilder(summary(status, url));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "STATE", "PID", "UPTIME", "RESTARTS", "CIRCUIT", "READY", "LAST EXIT"});
    for (Json c : components.items()) {
      rows.add(new String[] {
          c.get("name").text(NONE),
          c.get("state").text(NONE) + (c.get("wantedUp").isMissing() || c.get("wantedUp").asBoolean() ? "" : " (down)"),
          c.get("pid").text(NONE),
          c.get("pid").isMissing() || c.get("uptimeMillis").isMissing() ? NONE : duration(c.get("uptimeMillis").asLong(0)),
          c.get("restarts").text("0"),
          c.get("circuit").text(NONE),
          c.get("ready").asBoolean() ? "yes" : "no",
          lastExit(c.get("lastExit"))});
    }
    if (rows.size() == 1) {
      return b.append("no components\n").toString();
    }
    return b.append('\n').append(columns(rows)).toString();
  }

  /** {@code UP, score 100: 5/5 ready (node local, http://127.0.0.1:8080)}. */
  static String summary(Json status, String url) {
    Counts n = counts(status);
    StringBuilder b = new StringBuilder(status.get("state").text("UNKNOWN"))
        .append(", score ").append(status.get("score").text("?"))
        .append(": ").append(n.ready()).append('/').append(n.wanted()).append(" ready");
    if (n.down() > 0) {
      b.append(", ").append(n.down()).append(" stopped");
    }
    b.append(" (");
    if (!status.get("node").isMissing()) {
      b.append("node ").append(status.get("node").text()).append(", ");
    }
    return b.append(url).append(")\n").toString();
  }

  /** Components wanted up, the ready ones among them, and the ones wanted down. */
  record Counts(int wanted, int ready, int down) {}

  static Counts counts(Json status) {
    int wanted = 0;
    int ready = 0;
    int down = 0;
    for (Json c : status.get("components").items()) {
      if (!c.get("wantedUp").isMissing() && !c.get("wantedUp").asBoolean()) {
        down++;
      } else {
        wanted++;
        if (c.get("ready").asBoolean()) {
          ready++;
        }
      }
    }
    return new Counts(wanted, ready, down);
  }

  /** The components wanted up that are not ready, as {@code worker (BACKOFF)}. */
  static List<String> notReady(Json status) {
    List<String> out = new ArrayList<>();
    for (Json c : status.get("components").items()) {
      boolean wanted = c.get("wantedUp").isMissing() || c.get("wantedUp").asBoolean();
      if (wanted && !c.get("ready").asBoolean()) {
        out.add(c.get("name").text("?") + " (" + c.get("state").text("?")
            + (c.get("critical").asBoolean() ? ", critical" : "") + ")");
      }
    }
    return out;
  }

  /** One component's view, a field per line. */
  static String component(Json c) {
    List<String[]> rows = new ArrayList<>();
    row(rows, "name", c.get("name").text(NONE));
    row(rows, "state", c.get("state").text(NONE) + (c.get("wantedUp").isMissing() ? ""
        : c.get("wantedUp").asBoolean() ? " (wanted up)" : " (wanted down)"));
    row(rows, "ready", c.get("ready").asBoolean() ? "yes" : "no");
    row(rows, "pid", c.get("pid").text(NONE));
    if (!c.get("pid").isMissing() && !c.get("uptimeMillis").isMissing()) {
      row(rows, "uptime", duration(c.get("uptimeMillis").asLong(0)));
    }
    if (!c.get("since").isMissing()) {
      row(rows, "since", c.get("since").text());
    }
    row(rows, "restarts", c.get("restarts").text("0"));
    row(rows, "circuit", c.get("circuit").text(NONE));
    row(rows, "critical", c.get("critical").asBoolean() ? "yes" : "no");
    if (!c.get("group").isMissing()) {
      row(rows, "group", c.get("group").text());
    }
    List<String> deps = new ArrayList<>();
    for (Json d : c.get("dependsOn").items()) {
      String kind = c.get("dependsOnKinds").get(d.text("")).text();
      deps.add(d.text("?") + (kind == null ? "" : " (" + kind + ")"));
    }
    row(rows, "depends on", deps.isEmpty() ? NONE : String.join(", ", deps));
    Json exit = c.get("lastExit");
    if (exit.isMissing()) {
      row(rows, "last exit", NONE);
    } else {
      String how = !exit.get("signal").isMissing() ? "signal " + exit.get("signal").text()
          : !exit.get("code").isMissing() ? "code " + exit.get("code").text() : "";
      row(rows, "last exit", join(exit.get("time").text(), how, exit.get("cause").text()));
      if (!exit.get("suggestion").isMissing()) {
        row(rows, "", exit.get("suggestion").text());
      }
    }
    Json cause = c.get("lastCause");
    if (!cause.isMissing()) {
      row(rows, "last cause", join(cause.get("category").text(), cause.get("detail").text()));
      if (!cause.get("suggestion").isMissing()) {
        row(rows, "", cause.get("suggestion").text());
      }
    }
    for (Json p : c.get("probes").items()) {
      String latency = p.get("lastLatencyMillis").isMissing() ? null : p.get("lastLatencyMillis").text() + " ms";
      int failures = (int) p.get("consecutiveFailures").asLong(0);
      row(rows, "probe " + p.get("role").text("?"), join(p.get("kind").text(),
          p.get("healthy").isMissing() ? "not checked yet" : p.get("healthy").asBoolean() ? "healthy" : "failing",
          latency, failures > 0 ? failures + " failure" + (failures == 1 ? "" : "s") + " in a row" : null,
          p.get("lastCause").isObject() ? p.get("lastCause").get("detail").text() : p.get("lastCause").text()));
    }
    Json res = c.get("resources");
    if (!res.isMissing()) {
      row(rows, "resources", join(
          res.get("residentMemoryBytes").isMissing() ? null : mib(res.get("residentMemoryBytes").asLong(0)),
          res.get("cpuSeconds").isMissing() ? null : res.get("cpuSeconds").text() + " s CPU",
          res.get("threads").isMissing() ? null : res.get("threads").text() + " threads"));
    }
    Json heartbeat = c.get("heartbeat");
    if (!heartbeat.isMissing()) {
      List<String> metrics = new ArrayList<>();
      for (Map.Entry<String, Json> m : heartbeat.get("metrics").fields().entrySet()) {
        metrics.add(m.getKey() + "=" + m.getValue().text(""));
      }
      row(rows, "heartbeat", join(heartbeat.get("last").text(), metrics.isEmpty() ? null : String.join(" ", metrics)));
    }
    int width = rows.stream().mapToInt(r -> r[0].length() + 1).max().orElse(0);
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      String key = r[0].isEmpty() ? "" : r[0] + ":";
      b.append(key).append(" ".repeat(width - key.length() + 1)).append(r[1]).append('\n');
    }
    List<Json> output = c.get("recentOutput").items();
    if (!output.isEmpty()) {
      b.append("recent output:\n");
      for (Json line : output) {
        b.append("  ").append(line.text("")).append('\n');
      }
    }
    return b.toString();
  }

  /** {@code 850ms}, {@code 45s}, {@code 12m05s}, {@code 3h21m}, {@code 2d03h}. */
  static String duration(long millis) {
    long s = millis / 1000;
    if (millis < 1000) {
      return millis + "ms";
    } else if (s < 60) {
      return s + "s";
    } else if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    } else if (s < 86400) {
      return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
    }
    return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
  }

  /** Left-aligned columns two spaces apart; the last column is not padded. */
  static String columns(List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length - 1; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }

  private static String lastExit(Json exit) {
    if (exit.isMissing()) {
      return NONE;
    }
    String cause = exit.get("cause").text();
    if (cause != null) {
      return cause;
    }
    return !exit.get("signal").isMissing() ? "killed by " + exit.get("signal").text()
        : "exited with code " + exit.get("code").text("?");
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  private static void row(List<String[]> rows, String key, String value) {
    rows.add(new String[] {key, value});
  }

  private static String join(String... parts) {
    List<String> present = new ArrayList<>();
    for (String p : parts) {
      if (p != null && !p.isBlank()) {
        present.add(p);
      }
    }
    return present.isEmpty() ? NONE : String.join(", ", present);
  }
}

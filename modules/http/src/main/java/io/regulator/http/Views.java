package io.regulator.http;

import io.regulator.core.event.Cause;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.FleetSpec;
import io.regulator.core.spec.GroupSpec;
import io.regulator.http.metrics.BusinessMetrics;
import io.regulator.runtime.component.ComponentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JSON shapes of the API (docs/http-api.md): one component, the fleet's overall status. Plain
 * maps in a fixed field order, so the contract is visible here in one place.
 */
public final class Views {

  /** What the views add to a supervisor's status: facts from the config and from other sources. */
  public record Extras(Optional<HealthEvent.ProcessExited> lastExit, Optional<Map<String, Object>> resources,
      Optional<Instant> heartbeat, Optional<BusinessMetrics.Pushed> business) {

    public static Extras none() {
      return new Extras(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  private Views() {}

  public static Map<String, Object> component(ComponentStatus s, FleetSpec fleet, Extras extras, Instant now) {
    ComponentSpec spec = fleet.components().get(s.name());
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", s.name());
    v.put("state", s.state().name());
    v.put("wantedUp", s.wantedUp());
    v.put("pid", s.pid());
    v.put("uptimeMillis", s.pid() == null || s.since() == null ? null
        : Math.max(0, Duration.between(s.since(), now).toMillis()));
    v.put("since", s.since());
    v.put("restarts", s.restarts());
    v.put("circuit", s.circuit().name());
    v.put("ready", s.ready());
    v.put("critical", spec != null && spec.critical());
    v.put("group", fleet.groupOf(s.name()).map(GroupSpec::name).orElse(null));
    v.put("dependsOn", s.dependsOn());
    Map<String, String> kinds = new LinkedHashMap<>();
    if (spec != null) {
      spec.dependsOn().forEach((name, kind) -> kinds.put(name, kind.name().toLowerCase(Locale.ROOT)));
    }
    v.put("dependsOnKinds", kinds);
    v.put("fallback", spec == null ? null : spec.fallback().orElse(null));
    v.put("lastExit", lastExit(s, extras.lastExit()));
    v.put("lastCause", cause(s.lastCause()));
    List<Map<String, Object>> probes = new ArrayList<>();
    for (ComponentStatus.ProbeStatus p : s.probes()) {
      Map<String, Object> probe = new LinkedHashMap<>();
      probe.put("role", p.role());
      probe.put("kind", p.kind());
      probe.put("healthy", p.healthy());
      probe.put("lastLatencyMillis", p.lastLatencyMillis());
      probe.put("consecutiveFailures", p.consecutiveFailures());
      probe.put("lastCheck", p.lastCheck());
      probe.put("lastCause", cause(p.lastCause()));
      probes.add(probe);
    }
    v.put("probes", probes);
    v.put("resources", s.pid() == null ? null : extras.resources().orElse(null));
    Map<String, Object> heartbeat = null;
    if (extras.heartbeat().isPresent() || extras.business().isPresent()) {
      heartbeat = new LinkedHashMap<>();
      heartbeat.put("last", extras.heartbeat().orElse(null));
      heartbeat.put("metrics", extras.business().map(b -> (Object) new TreeMap<>(b.values())).orElse(Map.of()));
    }
    v.put("heartbeat", heartbeat);
    v.put("recentOutput", s.recentOutput());
    return v;
  }

  private static Map<String, Object> lastExit(ComponentStatus s, Optional<HealthEvent.ProcessExited> event) {
    if (event.isPresent()) {
      HealthEvent.ProcessExited e = event.get();
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("code", e.status().code().orElse(null));
      v.put("signal", e.status().signal().orElse(null));
      v.put("time", e.time());
      v.put("pid", e.pid());
      v.put("uptimeMillis", e.uptimeMillis());
      putCause(v, e.cause());
      return v;
    }
    if (s.lastExit() == null) {
      return null;
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("code", s.lastExit().code().orElse(null));
    v.put("signal", s.lastExit().signal().orElse(null));
    v.put("time", null);
    putCause(v, s.lastCause() == null ? Cause.progress(s.lastExit().toString()) : s.lastCause());
    return v;
  }

  private static void putCause(Map<String, Object> v, Cause cause) {
    v.put("cause", cause.detail());
    v.put("category", cause.category().name());
    v.put("suggestion", cause.suggestion().isEmpty() ? null : cause.suggestion());
  }

  static Map<String, Object> cause(Cause cause) {
    if (cause == null) {
      return null;
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("category", cause.category().name());
    v.put("detail", cause.detail());
    v.put("suggestion", cause.suggestion().isEmpty() ? null : cause.suggestion());
    return v;
  }

  /**
   * The fleet's overall state and health score (rules in docs/http-api.md): DOWN when a critical
   * component wanted up is not READY or nothing wanted up is READY, DEGRADED when any other
   * component wanted up is not READY, else UP.
   */
  public static Map<String, Object> status(List<ComponentStatus> statuses, FleetSpec fleet, Instant now) {
    Overall overall = Overall.of(statuses, fleet);
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("state", overall.state());
    v.put("score", overall.score());
    v.put("node", fleet.settings().node());
    v.put("time", now);
    Map<String, Integer> counts = new TreeMap<>();
    statuses.forEach(s -> counts.merge(s.state().name(), 1, Integer::sum));
    v.put("counts", counts);
    List<Map<String, Object>> components = new ArrayList<>();
    for (ComponentStatus s : statuses) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", s.name());
      c.put("state", s.state().name());
      c.put("ready", s.ready());
      c.put("pid", s.pid());
      c.put("restarts", s.restarts());
      c.put("circuit", s.circuit().name());
      ComponentSpec spec = fleet.components().get(s.name());
      c.put("critical", spec != null && spec.critical());
      c.put("wantedUp", s.wantedUp());
      c.put("since", s.since());
      c.put("cause", s.lastCause() == null ? null : s.lastCause().detail());
      components.add(c);
    }
    v.put("components", components);
    return v;
  }

  /** UP / DEGRADED / DOWN and a 0–100 score. */
  public record Overall(String state, int score) {

    static final int CRITICAL_WEIGHT = 3;

    public static Overall of(List<ComponentStatus> statuses, FleetSpec fleet) {
      double weights = 0;
      double healthy = 0;
      int wanted = 0;
      int ready = 0;
      boolean criticalDown = false;
      boolean otherDown = false;
      for (ComponentStatus s : statuses) {
        if (!s.wantedUp()) {
          continue;
        }
        ComponentSpec spec = fleet.components().get(s.name());
        boolean critical = spec != null && spec.critical();
        double weight = critical ? CRITICAL_WEIGHT : 1;
        wanted++;
        weights += weight;
        if (s.state() == ComponentState.READY) {
          ready++;
          healthy += weight;
        } else {
          if (s.state() == ComponentState.STARTING || s.state() == ComponentState.RUNNING) {
            healthy += weight / 2;
          }
          if (critical) {
            criticalDown = true;
          } else {
            otherDown = true;
          }
        }
      }
      int score = weights == 0 ? 100 : (int) Math.round(100 * healthy / weights);
      String state = criticalDown || (wanted > 0 && ready == 0) ? "DOWN" : otherDown ? "DEGRADED" : "UP";
      return new Overall(state, score);
    }
  }
}

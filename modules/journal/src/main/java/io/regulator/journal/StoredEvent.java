package io.regulator.journal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import java.time.Instant;
import java.util.Optional;

/**
 * A {@link HealthEvent} as the journal stores it: one flat JSON object whose {@code type} names the
 * event and whose other fields are set as that event needs them.
 *
 * <p>Schema evolution (see docs/journal.md): fields are only ever added,
 * never renamed or re-typed; unknown fields are ignored and missing ones read as null, so events
 * written by an earlier version read back, and an earlier version reads later events. {@code v}
 * says which version wrote the event; {@link #toHealthEvent} maps every version to today's model.
 * A value this version does not know (a newer state or cause category) reads as a neutral one,
 * never as a failure to read.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredEvent(
    int v,
    String type,
    Instant time,
    String node,
    String component,
    // state changes
    String from,
    String to,
    // cause
    String category,
    String detail,
    String suggestion,
    // processes
    Long pid,
    Long nanoTime,
    String command,
    Integer exitCode,
    String signal,
    Long uptimeMillis,
    // restarts, circuits, groups
    Integer attempt,
    Long delayMillis,
    Long cooldownMillis,
    String failedMember,
    Integer restarts,
    Long withinMillis,
    // probes
    String role,
    String kind,
    Boolean healthy,
    Long latencyMillis,
    String probeDetail,
    // system
    String what,
    String reason,
    Boolean adopted,
    // audit (added in v1: absent from older rows)
    String who) implements JournalSerializable {

  /** The version of this shape that this build writes. */
  public static final int VERSION = 1;

  private static StoredEvent base(String type, HealthEvent e) {
    return new StoredEvent(VERSION, type, e.time(), e.node(), e.component(), null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public static StoredEvent of(HealthEvent event) {
    StoredEvent b = base(event.getClass().getSimpleName(), event);
    if (event instanceof HealthEvent.StateChanged e) {
      return b.withStates(e.from().name(), e.to().name()).withCause(e.cause());
    } else if (event instanceof HealthEvent.ProcessStarted e) {
      return b.withProcess(e.pid(), e.nanoTime(), e.command(), null, null, null);
    } else if (event instanceof HealthEvent.ProcessExited e) {
      return b.withProcess(e.pid(), e.nanoTime(), null, e.status().code().orElse(null),
          e.status().signal().orElse(null), e.uptimeMillis()).withCause(e.cause());
    } else if (event instanceof HealthEvent.CircuitChanged e) {
      return b.withStates(e.from().name(), e.to().name()).withCause(e.cause())
          .withRestart(null, null, e.cooldownMillis(), null, null, null);
    } else if (event instanceof HealthEvent.RestartScheduled e) {
      return b.withRestart(e.attempt(), e.delayMillis(), null, null, null, null);
    } else if (event instanceof HealthEvent.GroupEscalated e) {
      return b.withRestart(null, null, null, e.failedMember(), e.restarts(), e.withinMillis());
    } else if (event instanceof HealthEvent.ProbeChanged e) {
      return b.withProbe(e.role(), e.kind(), e.healthy(), e.latencyMillis(), e.detail()).withCause(e.cause());
    } else if (event instanceof HealthEvent.SystemCritical e) {
      return b.withSystem(null, e.reason(), null);
    } else if (event instanceof HealthEvent.OrphanHandled e) {
      return b.withProcess(e.pid(), null, null, null, null, null).withSystem(null, e.detail(), e.adopted());
    } else if (event instanceof HealthEvent.RegulatorLifecycle e) {
      return b.withSystem(e.what(), e.detail().orElse(null), null);
    } else if (event instanceof HealthEvent.Audit e) {
      return b.withSystem(e.action(), e.outcome(), null).withWho(e.who());
    }
    throw new IllegalArgumentException("no journal mapping for " + event.getClass().getName());
  }

  /** Today's model of the stored event, whichever version wrote it. */
  public HealthEvent toHealthEvent() {
    return switch (type) {
      case "StateChanged" -> new HealthEvent.StateChanged(time, node, component, state(from), state(to), cause());
      case "ProcessStarted" -> new HealthEvent.ProcessStarted(time, node, component, orZero(pid), orZero(nanoTime),
          command == null ? "" : command);
      case "ProcessExited" -> new HealthEvent.ProcessExited(time, node, component, orZero(pid), exitStatus(), cause(),
          orZero(uptimeMillis), orZero(nanoTime));
      case "CircuitChanged" -> new HealthEvent.CircuitChanged(time, node, component, circuit(from), circuit(to),
          orZero(cooldownMillis), cause());
      case "RestartScheduled" -> new HealthEvent.RestartScheduled(time, node, component, attempt == null ? 0 : attempt,
          orZero(delayMillis));
      case "GroupEscalated" -> new HealthEvent.GroupEscalated(time, node, component, failedMember,
          restarts == null ? 0 : restarts, orZero(withinMillis));
      case "ProbeChanged" -> new HealthEvent.ProbeChanged(time, node, component, role, kind,
          Boolean.TRUE.equals(healthy), orZero(latencyMillis), category == null ? null : cause(),
          probeDetail == null ? "" : probeDetail);
      case "SystemCritical" -> new HealthEvent.SystemCritical(time, node, component, reason);
      case "OrphanHandled" -> new HealthEvent.OrphanHandled(time, node, component, orZero(pid),
          Boolean.TRUE.equals(adopted), reason == null ? "" : reason);
      case "RegulatorLifecycle" -> new HealthEvent.RegulatorLifecycle(time, node, component, what,
          Optional.ofNullable(reason));
      case "Audit" -> new HealthEvent.Audit(time, node, component, who == null ? "" : who, what == null ? "" : what,
          reason == null ? "" : reason);
      default -> new HealthEvent.RegulatorLifecycle(time, node, component, "unknown event " + type, Optional.empty());
    };
  }

  private ExitStatus exitStatus() {
    return new ExitStatus(Optional.ofNullable(exitCode), Optional.ofNullable(signal));
  }

  private Cause cause() {
    CauseCategory c = null;
    if (category != null) {
      try {
        c = CauseCategory.valueOf(category);
      } catch (IllegalArgumentException unknownToThisVersion) {
        c = CauseCategory.PROGRESS;
      }
    }
    return new Cause(c == null ? CauseCategory.PROGRESS : c, detail == null ? "" : detail,
        suggestion == null ? "" : suggestion);
  }

  private static ComponentState state(String name) {
    try {
      return name == null ? ComponentState.STOPPED : ComponentState.valueOf(name);
    } catch (IllegalArgumentException e) {
      return ComponentState.STOPPED;
    }
  }

  private static CircuitState circuit(String name) {
    try {
      return name == null ? CircuitState.CLOSED : CircuitState.valueOf(name);
    } catch (IllegalArgumentException e) {
      return CircuitState.CLOSED;
    }
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  private StoredEvent withStates(String f, String t) {
    return new StoredEvent(v, type, time, node, component, f, t, category, detail, suggestion, pid, nanoTime, command,
        exitCode, signal, uptimeMillis, attempt, delayMillis, cooldownMillis, failedMember, restarts, withinMillis,
        role, kind, healthy, latencyMillis, probeDetail, what, reason, adopted, who);
  }

  private StoredEvent withCause(Cause c) {
    if (c == null) {
      return this;
    }
    return new StoredEvent(v, type, time, node, component, from, to, c.category().name(), c.detail(),
        c.suggestion().isEmpty() ? null : c.suggestion(), pid, nanoTime, command, exitCode, signal, uptimeMillis,
        attempt, delayMillis, cooldownMillis, failedMember, restarts, withinMillis, role, kind, healthy,
        latencyMillis, probeDetail, what, reason, adopted, who);
  }

  private StoredEvent withProcess(Long p, Long n, String cmd, Integer code, String sig, Long up) {
    return new StoredEvent(v, type, time, node, component, from, to, category, detail, suggestion, p, n, cmd, code,
        sig, up, attempt, delayMillis, cooldownMillis, failedMember, restarts, withinMillis, role, kind, healthy,
        latencyMillis, probeDetail, what, reason, adopted, who);
  }

  private StoredEvent withRestart(Integer att, Long delay, Long cool, String member, Integer count, Long within) {
    return new StoredEvent(v, type, time, node, component, from, to, category, detail, suggestion, pid, nanoTime,
        command, exitCode, signal, uptimeMillis, att, delay, cool, member, count, within, role, kind, healthy,
        latencyMillis, probeDetail, what, reason, adopted, who);
  }

  private StoredEvent withProbe(String r, String k, Boolean h, Long latency, String d) {
    return new StoredEvent(v, type, time, node, component, from, to, category, detail, suggestion, pid, nanoTime,
        command, exitCode, signal, uptimeMillis, attempt, delayMillis, cooldownMillis, failedMember, restarts,
        withinMillis, r, k, h, latency, d, what, reason, adopted, who);
  }

  private StoredEvent withWho(String w) {
    return new StoredEvent(v, type, time, node, component, from, to, category, detail, suggestion, pid, nanoTime,
        command, exitCode, signal, uptimeMillis, attempt, delayMillis, cooldownMillis, failedMember, restarts,
        withinMillis, role, kind, healthy, latencyMillis, probeDetail, what, reason, adopted, w);
  }

  private StoredEvent withSystem(String w, String r, Boolean a) {
    return new StoredEvent(v, type, time, node, component, from, to, category, detail, suggestion, pid, nanoTime,
        command, exitCode, signal, uptimeMillis, attempt, delayMillis, cooldownMillis, failedMember, restarts,
        withinMillis, role, kind, healthy, latencyMillis, probeDetail, w, r, a, who);
  }
}

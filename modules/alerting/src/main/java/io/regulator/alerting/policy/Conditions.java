package io.regulator.alerting.policy;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.EventText;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.FleetSpec;
import io.regulator.core.spec.ProbeRole;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link HealthEvent} means for alerting, as a list of signals applied in order: a condition
 * raised on a component, a component's conditions recovered, its health changed. Pure; the
 * {@link Rules} then give a raised condition its severity.
 *
 * <pre>
 * event                                                   condition          recovers
 * ProcessExited, unexpected (exit code / signal)          crashed
 * StateChanged -> CIRCUIT_OPEN                            circuit-open
 * StateChanged -> FAILED                                  failed
 * StateChanged -> UNHEALTHY, liveness probe failing       unhealthy
 * StateChanged READY -> RUNNING, readiness probe failing  not-ready
 * startup probe failing                                   startup-failed
 * GroupEscalated (and the root's SystemCritical about it) group-escalated    (on "system")
 * SystemCritical, any other                               critical           (on "system")
 * RegulatorLifecycle "journal degraded"                   journal-degraded   "journal recovered"
 * OrphanHandled                                           orphan             (a one-shot notice)
 * StateChanged -> READY                                                      every condition of the component
 * StateChanged -> STOPPED on request                                         every condition of the component
 * </pre>
 *
 * {@code flapping} is raised by the flap detector, not by an event. The root publishes a
 * SystemCritical right after each GroupEscalated; that one is recognised by the root's wording
 * ({@value #ROOT_ESCALATION_PREFIX}...) and is the same alert, so one escalation pages once.
 */
public final class Conditions {

  public static final String CRASHED = "crashed";
  public static final String CIRCUIT_OPEN = "circuit-open";
  public static final String FAILED = "failed";
  public static final String UNHEALTHY = "unhealthy";
  public static final String NOT_READY = "not-ready";
  public static final String STARTUP_FAILED = "startup-failed";
  public static final String FLAPPING = "flapping";
  public static final String GROUP_ESCALATED = "group-escalated";
  public static final String CRITICAL = "critical";
  public static final String JOURNAL_DEGRADED = "journal-degraded";
  public static final String ORPHAN = "orphan";

  /** Every condition, the keys of {@code regulator.alerts.rules}. */
  public static final Set<String> ALL = Set.copyOf(new LinkedHashSet<>(List.of(CRASHED, CIRCUIT_OPEN, FAILED,
      UNHEALTHY, NOT_READY, STARTUP_FAILED, FLAPPING, GROUP_ESCALATED, CRITICAL, JOURNAL_DEGRADED, ORPHAN)));

  /** How the root's SystemCritical about a group escalation begins (runtime's Guardian). */
  static final String ROOT_ESCALATION_PREFIX = "group '";

  /** Conditions that are notices: sent once, never escalated, repeated or resolved. */
  public static final Set<String> ONE_SHOT = Set.of(ORPHAN);

  /** How an exit that nobody asked for looks: these categories are crashes (unless the code counts as clean). */
  private static final Set<CauseCategory> CRASH_CAUSES =
      EnumSet.of(CauseCategory.EXIT_CODE, CauseCategory.SIGNAL, CauseCategory.ADDRESS_IN_USE,
          CauseCategory.OUT_OF_MEMORY);

  private static final Set<ComponentState> PROBLEM_STATES =
      EnumSet.of(ComponentState.BACKOFF, ComponentState.CIRCUIT_OPEN, ComponentState.FAILED, ComponentState.UNHEALTHY);

  private Conditions() {}

  /** A component's health as alerting sees it. */
  public enum Health {
    /** READY. */
    OK,
    /** Crashed, failing a probe, in backoff, circuit open or failed: down for its dependents. */
    PROBLEM,
    /** Stopped on purpose: neither up nor a problem, and not sampled for flapping. */
    STOPPED
  }

  public sealed interface Signal {
    String component();
  }

  /** A condition started (or is still there: the alert manager deduplicates). */
  public record Raised(String component, String condition, Cause cause, String title, java.time.Instant since)
      implements Signal {}

  /**
   * A component recovered.
   *
   * @param condition the condition that is over; empty for every condition of the component
   *     except {@code flapping}, which only the flap detector ends
   */
  public record Recovered(String component, Optional<String> condition, String why) implements Signal {}

  public record HealthChanged(String component, Health health) implements Signal {}

  public static List<Signal> of(HealthEvent event, FleetSpec fleet) {
    String c = event.component();
    if (event instanceof HealthEvent.StateChanged e) {
      return ofStateChange(e);
    } else if (event instanceof HealthEvent.ProcessExited e) {
      if (!crashed(e, fleet.components().get(c))) {
        return List.of();
      }
      return List.of(new HealthChanged(c, Health.PROBLEM),
          new Raised(c, CRASHED, e.cause(), c + " crashed: " + e.cause().detail(), e.time()));
    } else if (event instanceof HealthEvent.ProbeChanged e) {
      if (e.healthy()) {
        return e.role().equals(ProbeRole.READINESS.configName())
            ? List.of(new Recovered(c, Optional.of(NOT_READY), "readiness probe passing again"))
            : List.of();
      }
      String condition = probeCondition(e.role());
      if (condition == null) {
        return List.of();
      }
      Cause cause = e.cause() != null ? e.cause() : Cause.of(CauseCategory.PROBE_ERROR, e.detail());
      return List.of(new HealthChanged(c, Health.PROBLEM), new Raised(c, condition, cause,
          c + " " + e.role() + " probe (" + e.kind() + ") failing: " + cause.detail(), e.time()));
    } else if (event instanceof HealthEvent.GroupEscalated e) {
      Cause cause = new Cause(CauseCategory.INTENSITY_EXCEEDED, EventText.describe(e),
          "look at " + e.failedMember() + "'s log and last exit; the rest of the system keeps running");
      return List.of(new Raised(HealthEvent.SYSTEM, GROUP_ESCALATED, cause,
          "group " + e.component() + " exceeded its restart intensity (last failure: " + e.failedMember() + ")",
          e.time()));
    } else if (event instanceof HealthEvent.SystemCritical e) {
      if (e.reason().startsWith(ROOT_ESCALATION_PREFIX)) {
        Cause cause = Cause.of(CauseCategory.INTENSITY_EXCEEDED, e.reason());
        return List.of(new Raised(HealthEvent.SYSTEM, GROUP_ESCALATED, cause, "CRITICAL: " + e.reason(), e.time()));
      }
      // e.g. an alert receiver was disabled (403/404/410): nothing recovers it but a person
      Cause cause = Cause.of(CauseCategory.LIFECYCLE, e.reason());
      return List.of(new Raised(HealthEvent.SYSTEM, CRITICAL, cause, "CRITICAL: " + e.reason(), e.time()));
    } else if (event instanceof HealthEvent.RegulatorLifecycle e) {
      if (e.what().equals("journal degraded")) {
        Cause cause = new Cause(CauseCategory.LIFECYCLE, e.detail().orElse("the journal store cannot be written"),
            "check the journal store (regulator.journal); supervision goes on and events are buffered");
        return List.of(new Raised(HealthEvent.SYSTEM, JOURNAL_DEGRADED, cause,
            "journal degraded: " + cause.detail(), e.time()));
      }
      if (e.what().equals("journal recovered")) {
        return List.of(new Recovered(HealthEvent.SYSTEM, Optional.of(JOURNAL_DEGRADED),
            e.detail().orElse("journal writes succeed again")));
      }
      return List.of();
    } else if (event instanceof HealthEvent.OrphanHandled e) {
      Cause cause = Cause.of(CauseCategory.ORPHAN, e.detail());
      return List.of(new Raised(c, ORPHAN, cause, EventText.describe(e), e.time()));
    }
    // ProcessStarted, CircuitChanged, RestartScheduled: the state changes around them say it
    return List.of();
  }

  private static List<Signal> ofStateChange(HealthEvent.StateChanged e) {
    String c = e.component();
    ComponentState to = e.to();
    if (to == ComponentState.READY) {
      // recovered first, then the health: dependents see their root cause gone after its alerts closed
      return List.of(new Recovered(c, Optional.empty(), "ready again"), new HealthChanged(c, Health.OK));
    }
    if (to == ComponentState.STOPPED && isRequested(e.cause())) {
      return List.of(new Recovered(c, Optional.empty(), "stopped on request"), new HealthChanged(c, Health.STOPPED));
    }
    String condition = switch (to) {
      case CIRCUIT_OPEN -> CIRCUIT_OPEN;
      case FAILED -> FAILED;
      case UNHEALTHY -> UNHEALTHY;
      case RUNNING -> e.from() == ComponentState.READY ? NOT_READY : null;
      default -> null;
    };
    boolean problem = PROBLEM_STATES.contains(to) || condition != null;
    if (!problem) {
      return List.of();
    }
    if (condition == null) {
      return List.of(new HealthChanged(c, Health.PROBLEM)); // BACKOFF: the exit before it raised "crashed"
    }
    return List.of(new HealthChanged(c, Health.PROBLEM),
        new Raised(c, condition, e.cause(), c + " " + phrase(condition) + ": " + e.cause().detail(), e.time()));
  }

  private static String phrase(String condition) {
    return switch (condition) {
      case CIRCUIT_OPEN -> "restart circuit opened";
      case FAILED -> "cannot start";
      case UNHEALTHY -> "is unhealthy";
      case NOT_READY -> "is not ready";
      default -> condition;
    };
  }

  private static String probeCondition(String role) {
    if (role.equals(ProbeRole.LIVENESS.configName())) {
      return UNHEALTHY;
    } else if (role.equals(ProbeRole.READINESS.configName())) {
      return NOT_READY;
    } else if (role.equals(ProbeRole.STARTUP.configName())) {
      return STARTUP_FAILED;
    }
    return null;
  }

  private static boolean isRequested(Cause cause) {
    return cause != null
        && (cause.category() == CauseCategory.REQUESTED || cause.category() == CauseCategory.LIFECYCLE);
  }

  /**
   * An exit nobody asked for, by a code or signal: stops, group restarts and dependency losses are
   * not crashes, exits after a failing probe are that probe's condition, and an exit code listed in
   * the component's {@code success-exit-codes} is clean.
   */
  static boolean crashed(HealthEvent.ProcessExited e, ComponentSpec spec) {
    if (e.cause() == null || !CRASH_CAUSES.contains(e.cause().category())) {
      return false;
    }
    Optional<Integer> code = e.status().code();
    return !(code.isPresent() && e.status().signal().isEmpty() && spec != null
        && spec.successExitCodes().contains(code.get()));
  }
}

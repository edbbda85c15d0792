package io.regulator.alerting;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.regulator.alerting.policy.EscalationPolicy;
import io.regulator.alerting.policy.FlapDetector;
import io.regulator.alerting.policy.Rules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The alert manager's settings, read from {@code regulator.alerts} (defaults in this module's
 * {@code reference.conf}). Receivers' own keys ({@code type}, webhook URLs, delivery) belong to
 * the delivery side; here only their names matter, to route alerts.
 *
 * @param groupWait how long the first alert for a receiver waits for related ones
 * @param groupWaitCritical the same for CRITICAL alerts; zero sends at once
 * @param repeatInterval an unresolved alert is sent again after this, and never more often
 * @param healedNotifications a problem that healed before its group went out is still sent once
 *     (saying it recovered), at most once per {@code repeatInterval} per alert
 * @param rateLimitMax at most this many messages per receiver within {@code rateLimitPer}
 * @param flapInterval how often the health of a component with recent changes is sampled
 * @param receivers every configured receiver, by name (sorted)
 * @param route the receivers of every alert (before escalation adds more)
 * @param dashboardUrl link put into every notification, if set
 */
public record AlertSettings(
    Duration groupWait,
    Duration groupWaitCritical,
    Duration repeatInterval,
    int rateLimitMax,
    Duration rateLimitPer,
    boolean resolvedNotifications,
    boolean healedNotifications,
    EscalationPolicy escalation,
    FlapDetector flap,
    Duration flapInterval,
    Rules rules,
    List<String> receivers,
    List<String> route,
    Optional<String> dashboardUrl) {

  /** In {@code route.receivers}: every configured receiver. */
  public static final String ALL_RECEIVERS = "*";

  private static final String PREFIX = "regulator.alerts.";

  public AlertSettings {
    receivers = List.copyOf(receivers);
    route = List.copyOf(route);
  }

  /** Reads {@code alerts} from the resolved {@code regulator} block ({@code FleetSpec.regulator()}). */
  public static AlertSettings from(Config regulator) {
    Config a = regulator.getConfig("alerts");
    // `name = null` removes a receiver (such as the default log receiver)
    List<String> receivers = a.getObject("receivers").entrySet().stream()
        .filter(e -> e.getValue().valueType() == ConfigValueType.OBJECT).map(Map.Entry::getKey).sorted().toList();
    List<String> route = receiverList(a, "route.receivers", "route.receivers", receivers, true);
    return new AlertSettings(
        positiveOrZero(a, "group-wait"),
        positiveOrZero(a, "group-wait-critical"),
        positive(a, "repeat-interval"),
        rateLimitMax(a),
        positive(a, "rate-limit.per"),
        a.getBoolean("resolved-notifications"),
        a.getBoolean("healed-notifications"),
        escalation(a, receivers),
        flap(a),
        positive(a, "flap.interval"),
        Rules.from(a.getConfig("rules")),
        receivers,
        route,
        Optional.of(a.getString("dashboard-url").trim()).filter(s -> !s.isEmpty()));
  }

  /** How long an alert of {@code severity} waits in its receiver's group before it is sent. */
  public Duration groupWaitFor(Severity severity) {
    return severity == Severity.CRITICAL ? groupWaitCritical : groupWait;
  }

  private static int rateLimitMax(Config a) {
    int max = a.getInt("rate-limit.max");
    if (max < 1) {
      throw bad(a, "rate-limit.max", "must be at least 1, not " + max);
    }
    return max;
  }

  private static EscalationPolicy escalation(Config a, List<String> receivers) {
    List<EscalationPolicy.Step> steps = new ArrayList<>();
    List<? extends Config> configured = a.getConfigList("escalation.steps");
    for (int i = 0; i < configured.size(); i++) {
      Config step = configured.get(i);
      String at = "escalation.steps[" + i + "]";
      Duration after = step.getDuration("after");
      if (after.isNegative() || after.isZero()) {
        throw new ConfigException.BadValue(step.origin(), PREFIX + at + ".after", "must be a positive duration");
      }
      if (!steps.isEmpty() && after.compareTo(steps.get(steps.size() - 1).after()) <= 0) {
        throw new ConfigException.BadValue(step.origin(), PREFIX + at + ".after",
            "must be later than the step before it (" + steps.get(steps.size() - 1).after()
                + "): `after` counts from when the alert was raised");
      }
      Optional<Severity> severity = step.hasPath("severity")
          ? Optional.of(severity(step, "severity", at)) : Optional.empty();
      List<String> added = step.hasPath("receivers")
          ? receiverList(step, "receivers", at + ".receivers", receivers, false) : List.of();
      steps.add(new EscalationPolicy.Step(after, severity, added));
    }
    return new EscalationPolicy(steps);
  }

  private static FlapDetector flap(Config a) {
    try {
      return new FlapDetector(a.getInt("flap.samples"), a.getDouble("flap.low"), a.getDouble("flap.high"),
          a.getDouble("flap.weight-oldest"), a.getDouble("flap.weight-newest"));
    } catch (IllegalArgumentException e) {
      throw bad(a, "flap", e.getMessage());
    }
  }

  private static Severity severity(Config c, String key, String at) {
    String value = c.getString(key).trim();
    try {
      return Severity.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(c.getValue(key).origin(), PREFIX + at + "." + key,
          "'" + value + "' is not a severity; use INFO, WARNING, ERROR or CRITICAL");
    }
  }

  private static List<String> receiverList(Config c, String key, String shown, List<String> known,
      boolean allowAll) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : c.getStringList(key)) {
      if (allowAll && name.equals(ALL_RECEIVERS)) {
        names.addAll(known);
      } else if (known.contains(name)) {
        names.add(name);
      } else {
        throw new ConfigException.BadValue(c.getValue(key).origin(), PREFIX + shown,
            "unknown receiver '" + name + "'; define it under regulator.alerts.receivers (known: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
      }
    }
    return new ArrayList<>(names);
  }

  private static Duration positive(Config a, String key) {
    Duration d = a.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw bad(a, key, "must be a positive duration, not " + d);
    }
    return d;
  }

  private static Duration positiveOrZero(Config a, String key) {
    Duration d = a.getDuration(key);
    if (d.isNegative()) {
      throw bad(a, key, "must not be negative");
    }
    return d;
  }

  private static ConfigException bad(Config a, String key, String message) {
    return new ConfigException.BadValue(a.hasPath(key) ? a.getValue(key).origin() : a.origin(), PREFIX + key,
        message);
  }
}

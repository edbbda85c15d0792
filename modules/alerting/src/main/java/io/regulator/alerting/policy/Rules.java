package io.regulator.alerting.policy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.regulator.alerting.Severity;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The severity of each condition ({@code regulator.alerts.rules}): INFO, WARNING, ERROR,
 * CRITICAL, or {@code off} for no alert at all. A critical component's alerts are one level higher.
 */
public record Rules(Map<String, Optional<Severity>> severities) {

  public static final String OFF = "off";

  public Rules {
    severities = Map.copyOf(severities);
  }

  /** Reads the {@code rules} block: every key a condition of {@link Conditions#ALL}. */
  public static Rules from(Config rules) {
    Map<String, Optional<Severity>> severities = new TreeMap<>();
    for (String condition : rules.root().keySet()) {
      if (!Conditions.ALL.contains(condition)) {
        throw new ConfigException.BadValue(rules.origin(), "regulator.alerts.rules." + condition,
            "unknown condition; the conditions are " + String.join(", ", Conditions.ALL.stream().sorted().toList()));
      }
      severities.put(condition, parse(rules, condition));
    }
    for (String condition : Conditions.ALL) {
      if (!severities.containsKey(condition)) {
        throw new ConfigException.Missing(rules.origin(), "regulator.alerts.rules." + condition);
      }
    }
    return new Rules(severities);
  }

  private static Optional<Severity> parse(Config rules, String condition) {
    String value = rules.getString("\"" + condition + "\"").trim();
    if (value.equalsIgnoreCase(OFF)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Severity.valueOf(value.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(rules.getValue("\"" + condition + "\"").origin(),
          "regulator.alerts.rules." + condition, "'" + value + "' is not a severity; use one of "
              + Arrays.toString(Severity.values()) + " or " + OFF);
    }
  }

  /** The severity of {@code condition} on a component, raised one level for a critical one; empty when off. */
  public Optional<Severity> severity(String condition, boolean criticalComponent) {
    Optional<Severity> s = severities.getOrDefault(condition, Optional.empty());
    return criticalComponent ? s.map(Severity::raised) : s;
  }
}

package io.regulator.core.config;

import static io.regulator.core.config.FleetReader.append;
import static io.regulator.core.config.FleetReader.object;
import static io.regulator.core.config.FleetReader.valid;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import io.regulator.core.config.Kinds.StatusRange;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.core.spec.ProbeRole;
import io.regulator.core.spec.ProbeSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code probes} of components (DESIGN §3): the rules that span keys, once the schema pass has
 * checked each value, and the building into {@link ProbeSpec}s. A probe's timing falls back to
 * {@code regulator.probe-defaults}, a check's settings to {@code regulator.probe-kinds.<kind>}.
 */
final class ProbeReader {

  private static final Kind WHOLE = Kinds.wholeNumber(1, Integer.MAX_VALUE);
  private static final String TIMEOUT_WHY = "a probe must end before the next one starts";
  private static final String KINDS_LISTED = listed(Schema.CHECK_NAMES, "or");

  private final Config defaults;
  private final ConfigObject kinds;
  private final Path baseDir;
  private final Problems problems;

  /**
   * @param regulator the merged {@code regulator} block (the user's over reference.conf)
   * @param baseDir absolute; relative files and directories of checks are taken from here
   */
  ProbeReader(ConfigObject regulator, Path baseDir, Problems problems) {
    this.defaults = object(regulator, "probe-defaults").map(ConfigObject::toConfig).orElse(ConfigFactory.empty());
    this.kinds = object(regulator, "probe-kinds").orElse(ConfigFactory.empty().root());
    this.baseDir = baseDir;
    this.problems = problems;
  }

  // ---- rules that span keys ----

  /** {@code regulator.probe-defaults} itself, reported once there rather than on every probe. */
  void checkDefaults(List<String> path) {
    FleetReader.checkOrder(problems, defaults, null, path, "timeout", "period", TIMEOUT_WHY);
  }

  /** The {@code probes} value of one component; anything but an object was reported by the schema pass. */
  void check(ConfigValue probes, List<String> path) {
    if (!(probes instanceof ConfigObject roles)) {
      return;
    }
    for (ProbeRole role : ProbeRole.values()) {
      if (roles.get(role.configName()) instanceof ConfigObject own) {
        checkProbe(role, own, append(path, role.configName()));
      }
    }
  }

  private void checkProbe(ProbeRole role, ConfigObject own, List<String> at) {
    List<String> checks = checksIn(own);
    if (checks.isEmpty()) {
      problems.add(own, at, "expected one check (" + KINDS_LISTED + "), got none; e.g. " + role.configName()
          + " { http { url = \"http://127.0.0.1:5051/health\" } }");
    } else if (checks.size() > 1) {
      problems.add(own, at, "expected one check (" + KINDS_LISTED + "), got " + checks.size() + ": "
          + listed(checks, "and") + "; a probe checks one thing, so keep one (each role has its own probe)");
    }
    for (String kind : checks) {
      if (own.get(kind) instanceof ConfigObject check) {
        checkCheck(kind, check, append(at, kind));
      }
    }
    Config probe = own.toConfig().withFallback(defaults);
    FleetReader.checkOrder(problems, probe, own, at, "timeout", "period", TIMEOUT_WHY);
    checkSuccessThreshold(role, probe, own, at);
    if (role == ProbeRole.STARTUP) {
      checkDeadline(probe, own, at);
    }
  }

  /** Kubernetes' rule: only readiness may ask for several successes in a row. */
  private void checkSuccessThreshold(ProbeRole role, Config probe, ConfigObject own, List<String> at) {
    Optional<ConfigValue> value = valid(probe, "success-threshold", WHOLE);
    if (role == ProbeRole.READINESS || value.isEmpty() || probe.getInt("success-threshold") == 1) {
      return;
    }
    String why = (role == ProbeRole.LIVENESS ? "one success shows it is alive" : "the first success ends startup")
        + " (as in Kubernetes, only a readiness probe may ask for several successes in a row)";
    String got = Kinds.string(value.get());
    if (own.containsKey("success-threshold")) {
      problems.add(value.get(), append(at, "success-threshold"), "expected 1 for a " + role.configName() + " probe, got "
          + got + ": " + why + "; remove it or set 1");
    } else {
      problems.add(own, append(at, "success-threshold"), "expected 1 for a " + role.configName() + " probe, got " + got
          + " from regulator.probe-defaults.success-threshold: " + why + "; set success-threshold = 1 here");
    }
  }

  /** The startup deadline, set or derived, must leave room for the first check after initial-delay. */
  private void checkDeadline(Config probe, ConfigObject own, List<String> at) {
    if (valid(probe, "initial-delay", Kinds.DURATION).isEmpty()) {
      return;
    }
    Duration delay = probe.getDuration("initial-delay");
    String shownDelay = Kinds.string(probe.getValue("initial-delay"));
    String why = ": the startup probe would fail before its first check";
    if (own.containsKey("deadline")) {
      Optional<ConfigValue> deadline = valid(probe, "deadline", Kinds.POSITIVE_DURATION);
      if (deadline.isPresent() && probe.getDuration("deadline").compareTo(delay) <= 0) {
        problems.add(deadline.get(), append(at, "deadline"), "expected more than initial-delay (" + shownDelay + "), got "
            + Kinds.string(deadline.get()) + why + "; raise it or lower initial-delay");
      }
    } else if (valid(probe, "period", Kinds.POSITIVE_DURATION).isPresent() && valid(probe, "failure-threshold", WHOLE).isPresent()) {
      Duration derived = derivedDeadline(probe);
      if (derived.compareTo(delay) <= 0) {
        problems.add(own, append(at, "deadline"), "expected more than initial-delay (" + shownDelay + "), got period *"
            + " failure-threshold = " + shortDuration(derived) + " (deadline is not set)" + why
            + "; set deadline, or lower initial-delay");
      }
    }
  }

  private void checkCheck(String kind, ConfigObject own, List<String> at) {
    switch (kind) {
      case "http" -> {
        if (own.containsKey("json-value") && !own.containsKey("json-pointer")) {
          problems.add(own.get("json-value"), append(at, "json-value"), "json-value needs json-pointer to say which"
              + " value of the body to compare, e.g. json-pointer = \"/status\"; add one or remove json-value");
        }
      }
      case "log" -> {
        if (!own.containsKey("failure-pattern") && !own.containsKey("repeat-limit") && !own.containsKey("silent-for")) {
          problems.add(own, at, "expected at least one rule: failure-pattern (a line that means failure), repeat-limit"
              + " (the same line this many times in a row) or silent-for (no output for this long)");
        }
        onlyWith(own, at, "queue-directory", "repeat-limit",
            "a line repeated while this queue has work is the deadlock it looks for");
      }
      case "resources" -> {
        if (List.of("max-memory", "max-cpu-percent", "max-open-files", "max-threads").stream().noneMatch(own::containsKey)) {
          problems.add(own, at, "expected at least one limit: max-memory, max-cpu-percent, max-open-files or max-threads");
        }
        onlyWith(own, at, "cpu-sustained-for", "max-cpu-percent", "it says how long CPU may stay above that limit");
      }
      case "tunnel" -> {
        Config tunnel = own.toConfig().withFallback(kindDefaults(kind));
        if (own.containsKey("end-to-end-path") && valid(tunnel, "end-to-end", Kinds.BOOLEAN).isPresent()
            && !tunnel.getBoolean("end-to-end")) {
          problems.add(own.get("end-to-end-path"), append(at, "end-to-end-path"), "end-to-end-path is only used with"
              + " end-to-end = true (a GET through the public URL); set end-to-end = true or remove end-to-end-path");
        }
      }
      default -> {
        // http, tcp, exec, heartbeat, queue: the schema pass checked every key
      }
    }
  }

  private void onlyWith(ConfigObject own, List<String> at, String key, String needs, String why) {
    if (own.containsKey(key) && !own.containsKey(needs)) {
      problems.add(own.get(key), append(at, key), key + " is only used with " + needs + ": " + why + "; add " + needs
          + " or remove " + key);
    }
  }

  // ---- building (only reached when every check passed) ----

  /** The probes of one component in role order: startup, readiness, liveness. */
  List<ProbeSpec> build(ConfigValue probes) {
    List<ProbeSpec> out = new ArrayList<>();
    if (probes instanceof ConfigObject roles) {
      for (ProbeRole role : ProbeRole.values()) {
        if (roles.get(role.configName()) instanceof ConfigObject own) {
          out.add(probe(role, own));
        }
      }
    }
    return out;
  }

  private ProbeSpec probe(ProbeRole role, ConfigObject own) {
    Config c = own.toConfig().withFallback(defaults);
    String kind = checksIn(own).get(0);
    Config check = own.toConfig().getConfig(kind).withFallback(kindDefaults(kind));
    // only a startup probe has a deadline of its own; for the others it is when failure-threshold is reached
    Duration deadline = role == ProbeRole.STARTUP && own.containsKey("deadline") ? c.getDuration("deadline") : derivedDeadline(c);
    return new ProbeSpec(role, check(kind, check), c.getDuration("period"), c.getDuration("timeout"),
        c.getDuration("initial-delay"), c.getInt("failure-threshold"), c.getInt("success-threshold"), deadline);
  }

  private ProbeCheck check(String kind, Config c) {
    return switch (kind) {
      case "http" -> {
        StatusRange status = Kinds.statusRange(c.getValue("status")).orElseThrow();
        yield new ProbeCheck.Http(c.getString("url").trim(), status.min(), status.max(), text(c, "body-contains"),
            text(c, "json-pointer"), text(c, "json-value"));
      }
      case "tcp" -> new ProbeCheck.Tcp(c.getString("host").trim(), c.getInt("port"));
      case "exec" -> new ProbeCheck.Exec(c.getStringList("command"));
      case "heartbeat" -> new ProbeCheck.Heartbeat(text(c, "file").map(this::resolve), c.getDuration("stale-after"));
      case "queue" -> new ProbeCheck.Queue(resolve(c.getString("directory")), c.getDuration("max-age"));
      case "log" -> new ProbeCheck.Log(text(c, "failure-pattern"),
          c.hasPath("repeat-limit") ? OptionalInt.of(c.getInt("repeat-limit")) : OptionalInt.empty(),
          text(c, "queue-directory").map(this::resolve),
          c.hasPath("silent-for") ? Optional.of(c.getDuration("silent-for")) : Optional.empty());
      case "tunnel" -> new ProbeCheck.Tunnel(c.getString("api").trim(), c.getString("upstream"), c.getBoolean("end-to-end"),
          c.getString("end-to-end-path"));
      case "resources" -> new ProbeCheck.Resources(
          c.hasPath("max-memory") ? OptionalLong.of(c.getBytes("max-memory")) : OptionalLong.empty(),
          c.hasPath("max-cpu-percent") ? OptionalDouble.of(c.getDouble("max-cpu-percent")) : OptionalDouble.empty(),
          c.getDuration("cpu-sustained-for"),
          c.hasPath("max-open-files") ? OptionalInt.of(c.getInt("max-open-files")) : OptionalInt.empty(),
          c.hasPath("max-threads") ? OptionalInt.of(c.getInt("max-threads")) : OptionalInt.empty());
      default -> throw new IllegalStateException("no builder for the probe check '" + kind + "'");
    };
  }

  // ---- helpers ----

  /** The check keys written in a probe, in the order of {@link Schema#CHECK_NAMES}. */
  private static List<String> checksIn(ConfigObject probe) {
    return Schema.CHECK_NAMES.stream().filter(probe::containsKey).toList();
  }

  private Config kindDefaults(String kind) {
    return kinds.get(kind) instanceof ConfigObject o ? o.toConfig() : ConfigFactory.empty();
  }

  private static Duration derivedDeadline(Config probe) {
    return probe.getDuration("period").multipliedBy(probe.getInt("failure-threshold"));
  }

  private String resolve(String path) {
    return baseDir.resolve(path).normalize().toString();
  }

  private static Optional<String> text(Config c, String key) {
    return c.hasPath(key) ? Optional.of(c.getString(key)) : Optional.empty();
  }

  /** "a, b or c" */
  private static String listed(List<String> items, String conjunction) {
    int last = items.size() - 1;
    return last == 0 ? items.get(0) : String.join(", ", items.subList(0, last)) + " " + conjunction + " " + items.get(last);
  }

  /** 30s, 1500ms, 2m: the largest unit that is whole. */
  private static String shortDuration(Duration d) {
    if (d.toNanos() % 1_000_000 != 0) {
      return d.toNanos() + "ns";
    } else if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    } else if (d.getSeconds() % 3600 == 0 && !d.isZero()) {
      return d.toHours() + "h";
    } else if (d.getSeconds() % 60 == 0 && !d.isZero()) {
      return d.toMinutes() + "m";
    }
    return d.getSeconds() + "s";
  }
}

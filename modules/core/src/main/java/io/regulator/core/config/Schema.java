package io.regulator.core.config;

import io.regulator.core.spec.GroupStrategy;
import io.regulator.core.spec.OnDependencyLoss;
import io.regulator.core.spec.ProbeRole;
import io.regulator.core.spec.RestartMode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The shape of Regulator's config as data: which keys each level knows and what each holds. The
 * validator walks a config against it; the defaults themselves live in reference.conf.
 */
final class Schema {

  private Schema() {}

  /** What a known key holds. */
  sealed interface Field permits Leaf, Nested, Entries, Opaque {}

  /** A value of one kind; {@code nullable} ones treat {@code null} as "not set". */
  record Leaf(Kind kind, boolean required, boolean nullable) implements Field {}

  /** An object with known keys of its own. */
  record Nested(Block block) implements Field {}

  /**
   * An object of user-named entries, each shaped by {@code block}.
   *
   * @param what "component", "group"
   * @param example the body of a minimal entry, for messages
   */
  record Entries(String what, String example, Block block) implements Field {}

  /** Known, but owned by later work: its insides are not checked. */
  record Opaque() implements Field {}

  /**
   * One level of the tree.
   *
   * @param misplaced keys that belong elsewhere, with the message that says where
   * @param open whether unknown keys are fine here unless they look like a misspelt known key
   *     (the file's root, which may also hold other libraries' settings)
   */
  record Block(Map<String, Field> fields, Map<String, String> misplaced, boolean open) {

    Block {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
      misplaced = Collections.unmodifiableMap(new LinkedHashMap<>(misplaced));
    }

    static Block of() {
      return new Block(Map.of(), Map.of(), false);
    }

    Block with(String key, Field field) {
      Map<String, Field> more = new LinkedHashMap<>(fields);
      more.put(key, field);
      return new Block(more, misplaced, open);
    }

    Block leaf(String key, Kind kind) {
      return with(key, new Leaf(kind, false, false));
    }

    Block required(String key, Kind kind) {
      return with(key, new Leaf(kind, true, false));
    }

    /** This block with only {@code keys}; each other key is misplaced, with a message built from its name. */
    Block only(Set<String> keys, Function<String, String> elsewhere) {
      Block b = new Block(Map.of(), misplaced, open);
      for (Map.Entry<String, Field> e : fields.entrySet()) {
        b = keys.contains(e.getKey()) ? b.with(e.getKey(), e.getValue()) : b.misplaced(e.getKey(), elsewhere.apply(e.getKey()));
      }
      return b;
    }

    Block misplaced(String key, String message) {
      Map<String, String> more = new LinkedHashMap<>(misplaced);
      more.put(key, message);
      return new Block(fields, more, open);
    }

    Block opened() {
      return new Block(fields, misplaced, true);
    }

    String keyList() {
      return String.join(", ", fields.keySet());
    }
  }

  /** The config name of an enum constant: {@code ON_FAILURE} is {@code on-failure}. */
  static String configName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static List<String> configNames(Enum<?>[] values) {
    return Arrays.stream(values).map(Schema::configName).toList();
  }

  static final Block BACKOFF = Block.of()
      .leaf("min", Kinds.DURATION)
      .leaf("max", Kinds.DURATION)
      .leaf("random-factor", Kinds.FRACTION)
      .leaf("reset-after", Kinds.DURATION);

  static final Block INTENSITY = Block.of()
      .leaf("max-restarts", Kinds.wholeNumber(0, Integer.MAX_VALUE))
      .leaf("within", Kinds.POSITIVE_DURATION);

  static final Block CIRCUIT = Block.of()
      .leaf("cooldown", Kinds.DURATION)
      .leaf("max-cooldown", Kinds.DURATION);

  static final Block STOP = Block.of()
      .leaf("signal", Kinds.SIGNAL)
      .leaf("timeout", Kinds.DURATION);

  static final Block LOG = Block.of()
      .leaf("max-file-size", Kinds.SIZE)
      .leaf("max-files", Kinds.wholeNumber(1, Integer.MAX_VALUE))
      .leaf("tail-lines", Kinds.wholeNumber(0, Integer.MAX_VALUE));

  /** Every key of {@code regulator.defaults}; each may also be set per component. */
  static final Block SETTINGS = Block.of()
      .leaf("restart", Kinds.oneOf(configNames(RestartMode.values())))
      .leaf("success-exit-codes", Kinds.EXIT_CODES)
      .with("backoff", new Nested(BACKOFF))
      .with("intensity", new Nested(INTENSITY))
      .with("circuit", new Nested(CIRCUIT))
      .with("stop", new Nested(STOP))
      .leaf("ready-after", Kinds.DURATION)
      .leaf("critical", Kinds.BOOLEAN)
      .leaf("shell", Kinds.BOOLEAN)
      .leaf("autostart", Kinds.BOOLEAN)
      .leaf("on-dependency-loss", Kinds.oneOf(configNames(OnDependencyLoss.values())))
      .leaf("adopt-orphans", Kinds.BOOLEAN)
      .leaf("env", Kinds.ENV)
      .with("log", new Nested(LOG));

  // ---- probes (DESIGN §3): probes.<role> { <kind> { ... }, timing } ----

  /** Timing of one probe; every key also in regulator.probe-defaults. */
  static final Block PROBE_TIMING = Block.of()
      .leaf("period", Kinds.POSITIVE_DURATION)
      .leaf("timeout", Kinds.POSITIVE_DURATION)
      .leaf("initial-delay", Kinds.DURATION)
      .leaf("failure-threshold", Kinds.wholeNumber(1, Integer.MAX_VALUE))
      .leaf("success-threshold", Kinds.wholeNumber(1, Integer.MAX_VALUE));

  static final Block HTTP_CHECK = Block.of()
      .required("url", Kinds.HTTP_URL)
      .leaf("status", Kinds.HTTP_STATUS)
      .leaf("body-contains", Kinds.TEXT)
      .leaf("json-pointer", Kinds.JSON_POINTER)
      .leaf("json-value", Kinds.SCALAR);

  static final Block TCP_CHECK = Block.of()
      .leaf("host", Kinds.HOST)
      .required("port", Kinds.PORT);

  static final Block EXEC_CHECK = Block.of()
      .required("command", Kinds.ARGV);

  static final Block HEARTBEAT_CHECK = Block.of()
      .leaf("file", Kinds.FILE)
      .required("stale-after", Kinds.POSITIVE_DURATION);

  static final Block QUEUE_CHECK = Block.of()
      .required("directory", Kinds.PATH)
      .required("max-age", Kinds.POSITIVE_DURATION);

  static final Block LOG_CHECK = Block.of()
      .leaf("failure-pattern", Kinds.REGEX)
      .leaf("repeat-limit", Kinds.wholeNumber(2, Integer.MAX_VALUE))
      .leaf("queue-directory", Kinds.PATH)
      .leaf("silent-for", Kinds.POSITIVE_DURATION);

  static final Block TUNNEL_CHECK = Block.of()
      .leaf("api", Kinds.HTTP_URL)
      .required("upstream", Kinds.UPSTREAM)
      .leaf("end-to-end", Kinds.BOOLEAN)
      .leaf("end-to-end-path", Kinds.URL_PATH);

  static final Block RESOURCES_CHECK = Block.of()
      .leaf("max-memory", Kinds.SIZE)
      .leaf("max-cpu-percent", Kinds.CPU_PERCENT)
      .leaf("cpu-sustained-for", Kinds.POSITIVE_DURATION)
      .leaf("max-open-files", Kinds.wholeNumber(1, Integer.MAX_VALUE))
      .leaf("max-threads", Kinds.wholeNumber(1, Integer.MAX_VALUE));

  /**
   * A kind of probe check.
   *
   * @param name its config key, also {@link io.regulator.core.spec.ProbeCheck#kind()}
   * @param defaulted the keys with a fleet-wide default in regulator.probe-kinds.&lt;name&gt;; the
   *     others say what to check, which only makes sense per probe
   */
  record CheckKind(String name, Block block, Set<String> defaulted) {}

  /** Every kind of check, in the order messages list them. */
  static final List<CheckKind> CHECKS = List.of(
      new CheckKind("http", HTTP_CHECK, Set.of("status")),
      new CheckKind("tcp", TCP_CHECK, Set.of("host")),
      new CheckKind("exec", EXEC_CHECK, Set.of()),
      new CheckKind("heartbeat", HEARTBEAT_CHECK, Set.of()),
      new CheckKind("queue", QUEUE_CHECK, Set.of()),
      new CheckKind("log", LOG_CHECK, Set.of()),
      new CheckKind("tunnel", TUNNEL_CHECK, Set.of("api", "end-to-end", "end-to-end-path")),
      new CheckKind("resources", RESOURCES_CHECK, Set.of("cpu-sustained-for")));

  static final List<String> CHECK_NAMES = CHECKS.stream().map(CheckKind::name).toList();

  static final String DEADLINE = "deadline";

  static final Block PROBE = withChecks(PROBE_TIMING);

  static final Block STARTUP_PROBE = PROBE.leaf(DEADLINE, Kinds.POSITIVE_DURATION);

  static final Block OTHER_PROBE = PROBE.misplaced(DEADLINE,
      "deadline applies only to the startup probe (how long the component may take to first pass it); remove it here,"
          + " or move the check to probes.startup");

  static final Block PROBES = probes();

  static final Block PROBE_DEFAULTS = probeDefaults();

  static final Block PROBE_KINDS = probeKinds();

  private static Block withChecks(Block timing) {
    Block b = timing;
    for (CheckKind check : CHECKS) {
      b = b.with(check.name(), new Nested(check.block()));
    }
    return b;
  }

  private static Block probes() {
    Block b = Block.of();
    for (ProbeRole role : ProbeRole.values()) {
      b = b.with(role.configName(), new Nested(role == ProbeRole.STARTUP ? STARTUP_PROBE : OTHER_PROBE));
    }
    // a check or a timing key one level too high: the role is missing
    for (String kind : CHECK_NAMES) {
      b = b.misplaced(kind, "a probe needs a role: write probes.liveness." + kind + " { ... } (or startup, readiness)");
    }
    for (String key : PROBE_TIMING.fields().keySet()) {
      b = b.misplaced(key, key + " is set per probe: write probes.liveness." + key + " (or startup, readiness)");
    }
    return b.misplaced(DEADLINE, "deadline is set on the startup probe: write probes.startup.deadline");
  }

  private static Block probeDefaults() {
    Block b = PROBE_TIMING.misplaced(DEADLINE,
        "deadline can only be set on a startup probe, in regulator.components.<name>.probes.startup.deadline");
    for (String kind : CHECK_NAMES) {
      b = b.misplaced(kind, kind + " is a check, set per probe in regulator.components.<name>.probes.<role>." + kind
          + "; defaults of its settings go in regulator.probe-kinds." + kind);
    }
    return b;
  }

  private static Block probeKinds() {
    Block b = Block.of();
    for (CheckKind check : CHECKS) {
      b = b.with(check.name(), new Nested(check.block().only(check.defaulted(), key -> key
          + " can only be set per probe, in regulator.components.<name>.probes.<role>." + check.name() + "." + key)));
    }
    return b;
  }

  static final Block COMPONENT = SETTINGS
      .with("command", new Leaf(Kinds.COMMAND, true, false))
      .with("cwd", new Leaf(Kinds.PATH, false, true))
      .with("user", new Leaf(Kinds.TEXT, false, true))
      .with("depends-on", new Leaf(Kinds.DEPENDS_ON, false, true))
      .with("fallback", new Leaf(Kinds.TEXT, false, true))
      .with("probes", new Nested(PROBES));

  static final Block DEFAULTS = perComponentOnly(SETTINGS);

  static final Block GROUP_SETTINGS = Block.of()
      .leaf("strategy", Kinds.oneOf(configNames(GroupStrategy.values())))
      .with("intensity", new Nested(INTENSITY));

  static final Block GROUP = GROUP_SETTINGS.with("members", new Leaf(Kinds.MEMBERS, true, false));

  static final Block GROUP_DEFAULTS = GROUP_SETTINGS.misplaced("members",
      "members can only be set per group, in regulator.groups.<name>.members");

  // ---- read at start by the modules around the supervision tree (docs/configuration.md, docs/journal.md) ----

  static final Block HTTP = Block.of()
      .leaf("host", Kinds.HOST)
      .leaf("port", Kinds.LISTEN_PORT)
      .leaf("token", Kinds.SECRET)
      .leaf("read-token", Kinds.SECRET)
      .leaf("max-body", Kinds.SIZE)
      .with("rate-limit", new Nested(Block.of()
          .leaf("requests-per-second", Kinds.POSITIVE_NUMBER)
          .leaf("burst", Kinds.wholeNumber(1, Integer.MAX_VALUE))))
      .with("tls", new Nested(Block.of()
          .leaf("keystore", Kinds.OPTIONAL_PATH)
          .leaf("password", Kinds.SECRET)
          .leaf("type", Kinds.TEXT)))
      .leaf("ask-timeout", Kinds.POSITIVE_DURATION)
      .leaf("sse-keep-alive", Kinds.POSITIVE_DURATION)
      .leaf("resource-sample-interval", Kinds.POSITIVE_DURATION);

  static final Block JOURNAL = Block.of()
      .leaf("store", Kinds.oneOf(List.of("h2", "postgres")))
      .leaf("retention", Kinds.POSITIVE_DURATION)
      .leaf("purge-interval", Kinds.POSITIVE_DURATION)
      .leaf("snapshot-every", Kinds.wholeNumber(1, Integer.MAX_VALUE))
      .leaf("buffer-size", Kinds.wholeNumber(1, Integer.MAX_VALUE))
      .with("postgres", new Nested(Block.of()
          .leaf("url", Kinds.POSTGRES_URL)
          .leaf("user", Kinds.TEXT)
          .leaf("password", Kinds.SECRET)))
      .with("writer", new Nested(Block.of()
          .leaf("timeout", Kinds.POSITIVE_DURATION)
          .with("backoff", new Nested(Block.of()
              .leaf("min", Kinds.DURATION)
              .leaf("max", Kinds.DURATION)
              .leaf("random-factor", Kinds.FRACTION)))
          .leaf("max-batch", Kinds.wholeNumber(1, Integer.MAX_VALUE))
          .leaf("parallelism", Kinds.wholeNumber(1, Integer.MAX_VALUE))))
      .with("pool", new Nested(Block.of()
          .leaf("connections", Kinds.wholeNumber(1, Integer.MAX_VALUE))
          .leaf("connection-timeout", Kinds.POSITIVE_DURATION)));

  static final Block REGULATOR = Block.of()
      .leaf("node", Kinds.TEXT)
      .leaf("data-dir", Kinds.PATH)
      .leaf("log-dir", Kinds.PATH)
      .with("http", new Nested(HTTP))
      .with("journal", new Nested(JOURNAL))
      .with("defaults", new Nested(DEFAULTS))
      .with("group-defaults", new Nested(GROUP_DEFAULTS))
      .with("probe-defaults", new Nested(PROBE_DEFAULTS))
      .with("probe-kinds", new Nested(PROBE_KINDS))
      .with("groups", new Entries("group", "{ members = [runner, tunnel] }", GROUP))
      .with("components", new Entries("component", "{ command = [\"python3\", \"app.py\"] }", COMPONENT))
      .with("alerts", new Opaque());

  static final Block ROOT = Block.of().with("regulator", new Nested(REGULATOR)).opened();

  private static Block perComponentOnly(Block settings) {
    Block b = settings;
    for (String key : COMPONENT.fields().keySet()) {
      if (!settings.fields().containsKey(key)) {
        b = b.misplaced(key, key + " can only be set per component, in regulator.components.<name>." + key);
      }
    }
    return b;
  }
}

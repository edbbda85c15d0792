package io.regulator.core.config;

import io.regulator.core.spec.GroupStrategy;
import io.regulator.core.spec.OnDependencyLoss;
import io.regulator.core.spec.RestartMode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

  static final Block COMPONENT = SETTINGS
      .with("command", new Leaf(Kinds.COMMAND, true, false))
      .with("cwd", new Leaf(Kinds.PATH, false, true))
      .with("user", new Leaf(Kinds.TEXT, false, true))
      .with("depends-on", new Leaf(Kinds.DEPENDS_ON, false, true))
      .with("fallback", new Leaf(Kinds.TEXT, false, true))
      .with("probes", new Opaque());

  static final Block DEFAULTS = perComponentOnly(SETTINGS);

  static final Block GROUP_SETTINGS = Block.of()
      .leaf("strategy", Kinds.oneOf(configNames(GroupStrategy.values())))
      .with("intensity", new Nested(INTENSITY));

  static final Block GROUP = GROUP_SETTINGS.with("members", new Leaf(Kinds.MEMBERS, true, false));

  static final Block GROUP_DEFAULTS = GROUP_SETTINGS.misplaced("members",
      "members can only be set per group, in regulator.groups.<name>.members");

  static final Block REGULATOR = Block.of()
      .leaf("node", Kinds.TEXT)
      .leaf("data-dir", Kinds.PATH)
      .leaf("log-dir", Kinds.PATH)
      .with("http", new Opaque())
      .with("journal", new Opaque())
      .with("defaults", new Nested(DEFAULTS))
      .with("group-defaults", new Nested(GROUP_DEFAULTS))
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

package io.regulator.core.config;

import static io.regulator.core.config.Problems.shown;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.regulator.core.config.Schema.Block;
import io.regulator.core.config.Schema.Entries;
import io.regulator.core.config.Schema.Field;
import io.regulator.core.config.Schema.Leaf;
import io.regulator.core.config.Schema.Nested;
import io.regulator.core.config.Schema.Opaque;
import io.regulator.core.graph.DependencyGraph;
import io.regulator.core.spec.BackoffSpec;
import io.regulator.core.spec.CircuitSpec;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.DependencyKind;
import io.regulator.core.spec.FleetSpec;
import io.regulator.core.spec.GroupSpec;
import io.regulator.core.spec.GroupStrategy;
import io.regulator.core.spec.IntensitySpec;
import io.regulator.core.spec.OnDependencyLoss;
import io.regulator.core.spec.OutputSpec;
import io.regulator.core.spec.ProbeSpec;
import io.regulator.core.spec.RegulatorSettings;
import io.regulator.core.spec.RestartMode;
import io.regulator.core.spec.StopSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns a merged, resolved config into a {@link FleetSpec}, in three passes: the tree against
 * {@link Schema} (unknown keys, types, ranges), then the rules that span keys (min &lt;= max,
 * a single-string command needs shell, one check per probe: see {@link ProbeReader}) and
 * components (dependencies, cycles, groups, fallbacks). Every pass keeps going after a problem;
 * the spec is built only when none was found.
 */
final class FleetReader {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
  private static final String RESERVED = io.regulator.core.event.HealthEvent.SYSTEM;
  private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{\\??\\s*([^}]+?)\\s*}");
  private static final List<String> REGULATOR = List.of("regulator");

  private final Config reference;
  private final Path baseDir;
  private final Problems problems = new Problems();

  private FleetReader(Config reference, Path baseDir) {
    this.reference = reference;
    this.baseDir = baseDir;
  }

  /**
   * @param merged the user's config over {@code reference}, resolved with unresolved values allowed
   * @param reference what the defaults came from; keys it defines are never "unknown"
   * @param baseDir absolute; relative directories are taken from here
   */
  static FleetSpec read(Config merged, Config reference, Path baseDir) throws ConfigValidationException {
    FleetReader reader = new FleetReader(reference, baseDir);
    Optional<FleetSpec> fleet;
    try {
      fleet = reader.validateAndBuild(merged);
    } catch (ConfigException e) {
      // the passes guard every read; this is the last line so a user never sees a stack trace
      reader.problems.add(Problems.fromException(e, "cannot read the config"));
      fleet = Optional.empty();
    }
    if (fleet.isEmpty() && reader.problems.isEmpty()) {
      reader.problems.add(merged.origin(), List.of(), "no usable regulator { ... } block; start from conf/regulator.conf");
    }
    if (!reader.problems.isEmpty()) {
      throw new ConfigValidationException(reader.problems.sorted());
    }
    return fleet.get();
  }

  private Optional<FleetSpec> validateAndBuild(Config merged) {
    Config config = dropUnresolved(merged);
    walk(config.root(), Schema.ROOT, List.of());

    Optional<ConfigObject> regulator = object(config.root(), "regulator");
    if (regulator.isEmpty()) {
      return Optional.empty();
    }
    ConfigObject defaults = object(regulator.get(), "defaults").orElse(null);
    ConfigObject groupDefaults = object(regulator.get(), "group-defaults").orElse(null);
    Map<String, ConfigObject> components = entries(regulator.get(), "components");
    Map<String, ConfigObject> groups = entries(regulator.get(), "groups");
    // every name under components counts, even one whose block is broken: that is reported
    // once, not again by each reference to it
    Set<String> names = object(regulator.get(), "components")
        .map(o -> (Set<String>) new TreeSet<>(o.keySet()))
        .orElse(Set.of());

    if (defaults != null) {
      checkSettings(defaults.toConfig(), null, path("defaults"));
    }
    object(regulator.get(), "journal").ifPresent(journal -> checkJournal(journal.toConfig()));
    ProbeReader probes = new ProbeReader(regulator.get(), baseDir, problems);
    probes.checkDefaults(path("probe-defaults"));
    Map<String, Config> settings = new TreeMap<>();
    components.forEach((name, own) -> {
      Config effective = defaults == null ? own.toConfig() : own.toConfig().withFallback(defaults);
      settings.put(name, effective);
      checkSettings(effective, own, path("components", name));
      checkCommand(effective, own, path("components", name));
      probes.check(own.get("probes"), path("components", name, "probes"));
    });
    Map<String, Map<String, DependencyKind>> dependencies = dependencies(components, names);
    Set<String> fallbacks = fallbacks(components, names);
    checkGroups(groups, names);

    if (!problems.isEmpty()) {
      return Optional.empty();
    }
    Config top = regulator.get().toConfig();
    RegulatorSettings fleetSettings = new RegulatorSettings(
        top.getString("node"), directory(top.getString("data-dir")), directory(top.getString("log-dir")));
    Map<String, ComponentSpec> built = new LinkedHashMap<>();
    components.forEach((name, own) -> built.put(name, component(name, own.toConfig(), settings.get(name),
        dependencies.get(name), fallbacks.contains(name), probes.build(own.get("probes")))));
    Map<String, GroupSpec> builtGroups = new LinkedHashMap<>();
    groups.forEach((name, own) -> builtGroups.put(name,
        group(name, own.toConfig(), groupDefaults == null ? own.toConfig() : own.toConfig().withFallback(groupDefaults))));
    return Optional.of(new FleetSpec(fleetSettings, built, builtGroups, new DependencyGraph(dependencies),
        top.resolve()));
  }

  // ---- pass 0: substitutions that did not resolve ----

  /** Reports each unresolved {@code ${X}} where it is used and removes it, so the passes can go on. */
  private Config dropUnresolved(Config config) {
    Map<List<String>, ConfigValue> unresolved = new LinkedHashMap<>();
    findUnresolved(config.root(), List.of(), unresolved);
    for (Map.Entry<List<String>, ConfigValue> e : unresolved.entrySet()) {
      String expression = e.getValue().render();
      Matcher m = SUBSTITUTION.matcher(expression);
      String name = m.find() ? m.group(1) : expression;
      problems.add(e.getValue(), e.getKey(), "cannot resolve ${" + name + "}: there is no such key and no environment"
          + " variable " + name + "; set one, or write ${?" + name + "} to make it optional");
      problems.silence(e.getKey());
      config = config.withoutPath(ConfigUtil.joinPath(e.getKey()));
    }
    return config;
  }

  private static void findUnresolved(ConfigObject object, List<String> path, Map<List<String>, ConfigValue> out) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      List<String> at = append(path, e.getKey());
      if (!isResolved(e.getValue())) {
        out.put(at, e.getValue());
      } else if (e.getValue() instanceof ConfigObject nested) {
        findUnresolved(nested, at, out);
      } else if (e.getValue() instanceof ConfigList list && !list.stream().allMatch(FleetReader::isResolved)) {
        out.put(at, list.stream().filter(v -> !isResolved(v)).findFirst().orElse(list));
      }
    }
  }

  private static boolean isResolved(ConfigValue value) {
    try {
      value.valueType();
      return true;
    } catch (ConfigException.NotResolved e) {
      return false;
    }
  }

  // ---- pass 1: the tree against the schema ----

  private void walk(ConfigObject object, Block block, List<String> path) {
    for (String key : new TreeSet<>(object.keySet())) {
      ConfigValue value = object.get(key);
      List<String> at = append(path, key);
      Field field = block.fields().get(key);
      if (field == null) {
        unknownKey(value, key, block, at);
      } else {
        check(value, field, at);
      }
    }
    block.fields().forEach((key, field) -> {
      if (field instanceof Leaf leaf && leaf.required() && !object.containsKey(key)) {
        problems.add(object, append(path, key), "missing: expected " + leaf.kind().expected());
      }
    });
  }

  private void check(ConfigValue value, Field field, List<String> at) {
    if (field instanceof Opaque) {
      return;
    }
    if (value.valueType() == ConfigValueType.NULL) {
      if (!(field instanceof Leaf leaf && leaf.nullable())) {
        problems.add(value, at, "expected " + describe(field) + ", got null");
      }
      return;
    }
    if (field instanceof Leaf leaf) {
      leaf.kind().check(value, (where, subKey, message) ->
          problems.add(where, subKey == null ? at : append(at, subKey), message));
    } else if (field instanceof Nested nested) {
      if (value instanceof ConfigObject object) {
        walk(object, nested.block(), at);
      } else {
        problems.add(value, at, "expected " + describe(field) + ", got " + shown(value));
      }
    } else if (field instanceof Entries entries) {
      if (!(value instanceof ConfigObject object)) {
        problems.add(value, at, "expected " + describe(field) + ", got " + shown(value));
        return;
      }
      for (String name : new TreeSet<>(object.keySet())) {
        ConfigValue entry = object.get(name);
        List<String> entryPath = append(at, name);
        if (!NAME.matcher(name).matches()) {
          problems.add(entry, entryPath, "invalid " + entries.what() + " name '" + name + "': use letters, digits, '-' and"
              + " '_', starting with a letter or digit (names become file names, URLs and actor names)");
        } else if (name.equals(RESERVED)) {
          problems.add(entry, entryPath, "the name '" + RESERVED + "' is reserved for Regulator's own events; choose"
              + " another name");
        }
        if (entry instanceof ConfigObject entryObject) {
          walk(entryObject, entries.block(), entryPath);
        } else {
          problems.add(entry, entryPath, "expected an object describing " + entries.what() + " '" + name
              + "' such as " + name + " " + entries.example() + ", got " + shown(entry));
        }
      }
    }
  }

  private void unknownKey(ConfigValue value, String key, Block block, List<String> at) {
    String misplaced = block.misplaced().get(key);
    if (misplaced != null) {
      problems.add(value, at, misplaced);
      return;
    }
    if (definedByReference(at)) {
      return; // another module's reference.conf owns it
    }
    Optional<String> suggestion = suggest(key, block);
    if (suggestion.isPresent()) {
      problems.add(value, at, "unknown key (did you mean '" + suggestion.get() + "'?)");
    } else if (!block.open()) {
      problems.add(value, at, "unknown key; the keys known here are " + block.keyList());
    }
  }

  private boolean definedByReference(List<String> path) {
    try {
      return reference.hasPathOrNull(ConfigUtil.joinPath(path));
    } catch (ConfigException e) {
      return false;
    }
  }

  /** The nearest key at this level, else a key one level down ({@code max-restarts} for {@code intensity.max-restarts}). */
  private static Optional<String> suggest(String typed, Block block) {
    Optional<String> here = DidYouMean.nearest(typed, block.fields().keySet());
    if (here.isPresent()) {
      return here;
    }
    Map<String, String> deeper = new LinkedHashMap<>();
    block.fields().forEach((key, field) -> {
      if (field instanceof Nested nested) {
        nested.block().fields().keySet().forEach(k -> deeper.putIfAbsent(k, key + "." + k));
      }
    });
    return DidYouMean.nearest(typed, deeper.keySet()).map(deeper::get);
  }

  private static String describe(Field field) {
    if (field instanceof Leaf leaf) {
      return leaf.kind().expected();
    } else if (field instanceof Nested nested) {
      return "an object with keys " + nested.block().keyList();
    } else if (field instanceof Entries entries) {
      return "an object of " + entries.what() + "s by name, such as { my-" + entries.what() + " " + entries.example() + " }";
    }
    return "a value";
  }

  // ---- pass 2: rules that span keys ----

  /**
   * Bounds that must be ordered. For a component, only reported when the component sets one of the
   * two itself; otherwise it is the defaults' problem, reported once there.
   */
  private void checkSettings(Config merged, ConfigObject own, List<String> path) {
    checkOrder(problems, merged, own, path, "backoff.min", "backoff.max", "");
    checkOrder(problems, merged, own, path, "circuit.cooldown", "circuit.max-cooldown", "");
  }

  /**
   * {@code lower <= upper}, reported where one of them was set ({@code own} for an entry, null
   * for a defaults block).
   *
   * @param why the reason for the order, or empty
   */
  static void checkOrder(Problems problems, Config merged, ConfigObject own, List<String> path, String lower, String upper,
      String why) {
    Optional<ConfigValue> lo = valid(merged, lower, Kinds.DURATION);
    Optional<ConfigValue> hi = valid(merged, upper, Kinds.DURATION);
    if (lo.isEmpty() || hi.isEmpty()) {
      return;
    }
    boolean setLo = setHere(merged, own, lower);
    boolean setHi = setHere(merged, own, upper);
    if ((!setLo && !setHi) || merged.getDuration(lower).compareTo(merged.getDuration(upper)) <= 0) {
      return;
    }
    String low = Kinds.string(lo.get());
    String high = Kinds.string(hi.get());
    String because = why.isEmpty() ? "" : ": " + why;
    if (setHi) {
      problems.add(hi.get(), append(path, upper.split("\\.")),
          "expected at least " + lower + " (" + low + "), got " + high + because + "; raise it or lower " + lower);
    } else {
      problems.add(lo.get(), append(path, lower.split("\\.")),
          "expected at most " + upper + " (" + high + "), got " + low + because + "; lower it or raise " + upper);
    }
  }

  /** The journal's rules that span keys: a postgres store needs its URL; the writer's backoff is ordered. */
  private void checkJournal(Config journal) {
    Optional<ConfigValue> store = valid(journal, "store", Kinds.oneOf(List.of("h2", "postgres")));
    boolean postgres = store.isPresent() && Kinds.string(store.get()).trim().equalsIgnoreCase("postgres");
    // a wrongly typed URL is the schema's to report; here only a missing or empty one
    boolean noUrl = !journal.hasPath("postgres.url")
        || valid(journal, "postgres.url", Kinds.POSTGRES_URL).map(v -> Kinds.string(v).isBlank()).orElse(false);
    if (postgres && noUrl) {
      problems.add(store.get(), path("journal", "postgres", "url"), "journal.store = postgres needs journal.postgres.url"
          + " (e.g. jdbc:postgresql://127.0.0.1:5432/regulator); set it, or use journal.store = h2");
    }
    if (journal.hasPath("writer") && journal.getValue("writer") instanceof ConfigObject) {
      checkOrder(problems, journal.getConfig("writer"), null, path("journal", "writer"), "backoff.min", "backoff.max", "");
    }
  }

  /** Whether a value was written at this level: by the component itself, or for defaults by the user rather than reference.conf. */
  private static boolean setHere(Config merged, ConfigObject own, String key) {
    if (own != null) {
      return own.toConfig().hasPathOrNull(key);
    }
    return merged.getValue(key).origin().resource() == null;
  }

  private void checkCommand(Config merged, ConfigObject own, List<String> path) {
    ConfigValue command = own.get("command");
    if (command == null || command.valueType() != ConfigValueType.STRING || ((String) command.unwrapped()).isBlank()) {
      return;
    }
    Optional<ConfigValue> shell = valid(merged, "shell", Kinds.BOOLEAN);
    if (shell.isPresent() && !merged.getBoolean("shell")) {
      problems.add(command, append(path, "command"), "expected " + Kinds.COMMAND.expected() + ", got the single string "
          + shown(command) + "; split it into a list, or set shell = true to run it with /bin/sh -c");
    }
  }

  // ---- pass 3: rules that span components ----

  /** Dependencies by component, known names only, object entries in the order they were written. */
  private Map<String, Map<String, DependencyKind>> dependencies(Map<String, ConfigObject> components, Set<String> names) {
    Map<String, Map<String, DependencyKind>> graph = new TreeMap<>();
    Map<String, Map<String, ConfigValue>> written = new HashMap<>();
    components.forEach((name, own) -> {
      List<String> at = path("components", name, "depends-on");
      Map<String, DependencyKind> deps = new LinkedHashMap<>();
      Map<String, ConfigValue> where = new HashMap<>();
      for (Map.Entry<String, ConfigValue> dep : declaredDependencies(own.get("depends-on"))) {
        String target = dep.getKey();
        ConfigValue value = dep.getValue();
        if (target.equals(name)) {
          problems.add(value, at, "'" + name + "' depends on itself; remove it from depends-on");
        } else if (!names.contains(target)) {
          problems.add(value, at, unknownComponent(target, names));
        } else {
          // a list names hard dependencies; an object says which kind each one is
          DependencyKind kind = own.get("depends-on") instanceof ConfigObject
              ? DependencyKind.valueOf(Kinds.string(value).trim().toUpperCase(Locale.ROOT))
              : DependencyKind.REQUIRES;
          deps.putIfAbsent(target, kind);
          where.putIfAbsent(target, value);
        }
      }
      graph.put(name, deps);
      written.put(name, where);
    });
    reportCycles(graph, written);
    return graph;
  }

  /** The valid entries of a depends-on value (name to the value that names it); the schema pass reported the rest. */
  private static List<Map.Entry<String, ConfigValue>> declaredDependencies(ConfigValue value) {
    List<Map.Entry<String, ConfigValue>> out = new ArrayList<>();
    if (value instanceof ConfigObject object) {
      List<String> kinds = Stream.of(DependencyKind.values()).map(DependencyKind::configName).toList();
      object.entrySet().stream()
          .filter(e -> Kinds.enumName(e.getValue(), kinds).isPresent())
          // a HOCON object does not keep its order; the line it was written on does
          .sorted(Comparator.comparingInt((Map.Entry<String, ConfigValue> e) -> e.getValue().origin().lineNumber())
              .thenComparing(Map.Entry::getKey))
          .forEach(out::add);
    } else if (value instanceof ConfigList list) {
      list.stream().filter(Kinds::isScalar).forEach(v -> out.add(Map.entry(Kinds.string(v), v)));
    }
    return out;
  }

  /** Every cycle once, as {@code a -> b -> a} starting at its first name; each is cut after reporting to find the next. */
  private void reportCycles(Map<String, Map<String, DependencyKind>> graph, Map<String, Map<String, ConfigValue>> written) {
    Map<String, Map<String, DependencyKind>> remaining = new TreeMap<>();
    graph.forEach((name, deps) -> remaining.put(name, new LinkedHashMap<>(deps)));
    while (true) {
      Optional<List<String>> cycle = new DependencyGraph(remaining).findCycle();
      if (cycle.isEmpty()) {
        return;
      }
      List<String> loop = cycle.get().subList(0, cycle.get().size() - 1);
      int first = loop.indexOf(loop.stream().min(Comparator.naturalOrder()).orElseThrow());
      List<String> ordered = new ArrayList<>(loop.subList(first, loop.size()));
      ordered.addAll(loop.subList(0, first));
      ordered.add(ordered.get(0));
      String from = ordered.get(0);
      String to = ordered.get(1);
      problems.add(written.get(from).get(to), path("components", from, "depends-on"),
          "dependency cycle " + String.join(" -> ", ordered) + ": none of these can start first; remove one of these dependencies");
      remaining.get(from).remove(to);
    }
  }

  /** Checks each {@code fallback} and returns the components named as one. */
  private Set<String> fallbacks(Map<String, ConfigObject> components, Set<String> names) {
    Set<String> targets = new HashSet<>();
    components.forEach((name, own) -> {
      ConfigValue fallback = own.get("fallback");
      if (fallback == null || !Kinds.isScalar(fallback) || Kinds.string(fallback).isBlank()) {
        return;
      }
      String target = Kinds.string(fallback);
      List<String> at = path("components", name, "fallback");
      if (target.equals(name)) {
        problems.add(fallback, at, "a component cannot be its own fallback; name another component, or remove fallback");
      } else if (!names.contains(target)) {
        problems.add(fallback, at, unknownComponent(target, names));
      } else {
        targets.add(target);
      }
    });
    return targets;
  }

  private void checkGroups(Map<String, ConfigObject> groups, Set<String> names) {
    Map<String, String> groupOf = new HashMap<>();
    groups.forEach((group, own) -> {
      if (!(own.get("members") instanceof ConfigList members)) {
        return;
      }
      for (ConfigValue member : members) {
        if (!Kinds.isScalar(member)) {
          continue;
        }
        String name = Kinds.string(member);
        String other = groupOf.putIfAbsent(name, group);
        if (!names.contains(name)) {
          problems.add(member, path("groups", group, "members"), unknownComponent(name, names));
        } else if (other != null && !other.equals(group)) {
          problems.add(member, path("groups", group, "members"), "'" + name + "' is already a member of group '" + other
              + "'; a component belongs to at most one group, so remove it from one of them");
        }
      }
    });
  }

  private static String unknownComponent(String name, Set<String> names) {
    String hint = DidYouMean.hint(name, names);
    if (!hint.isEmpty()) {
      return "unknown component '" + name + "'" + hint;
    }
    return names.isEmpty()
        ? "unknown component '" + name + "': no components are defined under regulator.components"
        : "unknown component '" + name + "'; the components are " + String.join(", ", names);
  }

  // ---- building (only reached when every check passed) ----

  private ComponentSpec component(String name, Config own, Config c, Map<String, DependencyKind> dependsOn, boolean isFallback,
      List<ProbeSpec> probes) {
    List<String> command = own.getValue("command").valueType() == ConfigValueType.STRING
        ? List.of(own.getString("command"))
        : own.getStringList("command");
    Map<String, String> env = new TreeMap<>();
    c.getObject("env").forEach((k, v) -> {
      if (v.valueType() != ConfigValueType.NULL) {
        env.put(k, Kinds.string(v));
      }
    });
    // a fallback waits for its primary's circuit to open, unless it says otherwise itself
    boolean autostart = own.hasPath("autostart") ? own.getBoolean("autostart") : !isFallback && c.getBoolean("autostart");
    return new ComponentSpec(
        name,
        command,
        c.getBoolean("shell"),
        // without a cwd, a component runs in Regulator's home, wherever Regulator was started from
        Optional.of(optional(own, "cwd").map(this::directory).orElseGet(() -> baseDir.toAbsolutePath().normalize()).toString()),
        env,
        optional(own, "user"),
        c.getBoolean("critical"),
        autostart,
        dependsOn,
        enumValue(c, "on-dependency-loss", OnDependencyLoss.values()),
        optional(own, "fallback"),
        enumValue(c, "restart", RestartMode.values()),
        new LinkedHashSet<>(c.getIntList("success-exit-codes")),
        new BackoffSpec(c.getDuration("backoff.min"), c.getDuration("backoff.max"),
            c.getDouble("backoff.random-factor"), c.getDuration("backoff.reset-after")),
        intensity(c),
        new CircuitSpec(c.getDuration("circuit.cooldown"), c.getDuration("circuit.max-cooldown")),
        new StopSpec(Kinds.signalName(c.getString("stop.signal")).orElseThrow(), c.getDuration("stop.timeout")),
        c.getDuration("ready-after"),
        c.getBoolean("adopt-orphans"),
        new OutputSpec(c.getBytes("log.max-file-size"), c.getInt("log.max-files"), c.getInt("log.tail-lines")),
        probes);
  }

  private static GroupSpec group(String name, Config own, Config c) {
    return new GroupSpec(name, enumValue(c, "strategy", GroupStrategy.values()), own.getStringList("members"), intensity(c));
  }

  private static IntensitySpec intensity(Config c) {
    return new IntensitySpec(c.getInt("intensity.max-restarts"), c.getDuration("intensity.within"));
  }

  private Path directory(String dir) {
    return baseDir.resolve(dir).normalize();
  }

  private static Optional<String> optional(Config own, String key) {
    return own.hasPath(key) ? Optional.of(own.getString(key)) : Optional.empty();
  }

  private static <E extends Enum<E>> E enumValue(Config c, String key, E[] values) {
    String configName = c.getString(key).trim().toLowerCase(Locale.ROOT);
    return Stream.of(values).filter(e -> Schema.configName(e).equals(configName)).findFirst().orElseThrow();
  }

  // ---- small tree helpers ----

  static Optional<ConfigObject> object(ConfigObject parent, String key) {
    return parent.get(key) instanceof ConfigObject o ? Optional.of(o) : Optional.empty();
  }

  /** The object-valued entries of {@code parent.key}, by name. */
  private static Map<String, ConfigObject> entries(ConfigObject parent, String key) {
    Map<String, ConfigObject> out = new TreeMap<>();
    object(parent, key).ifPresent(o -> o.forEach((name, v) -> {
      if (v instanceof ConfigObject entry) {
        out.put(name, entry);
      }
    }));
    return out;
  }

  /** The value at {@code key} if it is there and of {@code kind}. */
  static Optional<ConfigValue> valid(Config c, String key, Kind kind) {
    ConfigValue value;
    try {
      if (!c.hasPath(key)) {
        return Optional.empty();
      }
      value = c.getValue(key);
    } catch (ConfigException e) {
      return Optional.empty();
    }
    boolean[] fits = {true};
    kind.check(value, (where, subKey, message) -> fits[0] = false);
    return fits[0] ? Optional.of(value) : Optional.empty();
  }

  private static List<String> path(String... keys) {
    List<String> out = new ArrayList<>(REGULATOR);
    out.addAll(List.of(keys));
    return out;
  }

  static List<String> append(List<String> path, String... keys) {
    List<String> out = new ArrayList<>(path);
    out.addAll(List.of(keys));
    return List.copyOf(out);
  }
}

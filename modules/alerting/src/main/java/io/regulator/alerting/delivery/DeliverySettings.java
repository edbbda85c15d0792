package io.regulator.alerting.delivery;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.regulator.core.spec.BackoffSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How alerts are delivered: the receivers ({@code regulator.alerts.receivers}) and the outbox
 * policy ({@code regulator.alerts.delivery}); defaults in regulator-alerting's reference.conf.
 * Printing it prints no secret (receivers show redacted URLs and header names only).
 *
 * @param node this host's name ({@code regulator.node}), on the CRITICAL event of a disabled receiver
 * @param receivers by name, sorted
 * @param backoff retry delay of a failed attempt ({@code resetAfter} is unused)
 * @param maxRetryAfter a longer {@code Retry-After} is cut to this
 * @param circuitBreaker per receiver
 * @param expireAfter a message still undelivered this long after it was created is marked failed
 *     instead of sent; zero keeps messages until they are delivered
 * @param maxPending undelivered messages kept per receiver; beyond, the oldest is marked failed
 * @param dedupWindow ids of delivered or failed messages remembered per receiver, to drop repeats
 * @param snapshotEvery an outbox snapshot every this many events (bounds recovery time)
 * @param warnings problems that do not stop Regulator (a receiver without URL), for the log at start
 */
public record DeliverySettings(
    String node,
    Map<String, Receiver> receivers,
    BackoffSpec backoff,
    Duration maxRetryAfter,
    CircuitBreakerSpec circuitBreaker,
    Duration expireAfter,
    int maxPending,
    int dedupWindow,
    int snapshotEvery,
    List<String> warnings) {

  /**
   * Pekko's {@code CircuitBreaker} per receiver: open after {@code maxFailures} failed attempts in a
   * row, half-open (one trial) after {@code resetTimeout}, doubling while trials fail, up to
   * {@code maxResetTimeout}.
   */
  public record CircuitBreakerSpec(int maxFailures, Duration resetTimeout, Duration maxResetTimeout) {}

  /** Names the JDK's HttpClient refuses to set; the outbox sets Content-Type itself. */
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "content-type", "idempotency-key");

  private static final String RECEIVERS = "regulator.alerts.receivers";

  public DeliverySettings {
    receivers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(receivers));
    warnings = List.copyOf(warnings);
  }

  public Optional<Receiver> receiver(String name) {
    return Optional.ofNullable(receivers.get(name));
  }

  /**
   * Reads {@code alerts.receivers} and {@code alerts.delivery} of the {@code regulator} subtree.
   *
   * @param regulator the {@code regulator { ... }} subtree, resolved, over the reference config
   * @throws ConfigException with the key, what was expected and what to do; never a secret value
   */
  public static DeliverySettings from(Config regulator) {
    Config alerts = regulator.getConfig("alerts");
    Config d = alerts.getConfig("delivery");
    String p = "regulator.alerts.delivery.";

    BackoffSpec backoff = new BackoffSpec(positive(d, "backoff.min", p), positive(d, "backoff.max", p),
        d.getDouble("backoff.random-factor"), Duration.ZERO);
    if (backoff.max().compareTo(backoff.min()) < 0 || backoff.randomFactor() < 0) {
      throw new ConfigException.BadValue(d.origin(), p + "backoff",
          "expected 0 < min <= max and random-factor >= 0, e.g. { min = 1s, max = 5m, random-factor = 0.2 }");
    }
    CircuitBreakerSpec breaker = new CircuitBreakerSpec(atLeast(d, "circuit-breaker.max-failures", 1, p),
        positive(d, "circuit-breaker.reset-timeout", p), positive(d, "circuit-breaker.max-reset-timeout", p));
    if (breaker.maxResetTimeout().compareTo(breaker.resetTimeout()) < 0) {
      throw new ConfigException.BadValue(d.getValue("circuit-breaker.max-reset-timeout").origin(),
          p + "circuit-breaker.max-reset-timeout", "must not be shorter than circuit-breaker.reset-timeout");
    }

    List<String> warnings = new ArrayList<>();
    Map<String, Receiver> receivers = new LinkedHashMap<>();
    Config defaults = d.getConfig("receiver-defaults");
    ConfigObject all = alerts.hasPath("receivers") ? alerts.getObject("receivers") : null;
    if (all != null) {
      for (String name : new TreeSet<>(all.keySet())) {
        ConfigValue value = all.get(name);
        if (value.valueType() != ConfigValueType.NULL) { // `<name> = null` removes a receiver
          receivers.put(name, receiver(name, value, defaults, warnings));
        }
      }
    }

    return new DeliverySettings(regulator.getString("node"), receivers, backoff,
        positive(d, "max-retry-after", p), breaker, nonNegative(d, "expire-after", p),
        atLeast(d, "max-pending", 1, p), atLeast(d, "dedup-window", 0, p), atLeast(d, "snapshot-every", 1, p),
        warnings);
  }

  private static Receiver receiver(String name, ConfigValue value, Config defaults, List<String> warnings) {
    String path = RECEIVERS + "." + name;
    if (name.isBlank()) {
      throw new ConfigException.BadValue(value.origin(), path, "a receiver needs a name");
    }
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw new ConfigException.BadValue(value.origin(), path,
          "expected a receiver such as { type = slack, webhook-url = ${?SLACK_WEBHOOK_URL} }, "
              + "{ type = webhook, url = \"https://...\" } or { type = log }");
    }
    Config r = ((ConfigObject) value).toConfig().withFallback(defaults);
    if (!r.hasPath("type")) {
      throw new ConfigException.BadValue(value.origin(), path + ".type", "missing: set type = slack, webhook or log");
    }
    String type = r.getString("type").trim().toLowerCase(Locale.ROOT);
    if (type.equals("log")) {
      return new LogReceiver(name, Optional.empty());
    }
    if (!type.equals("slack") && !type.equals("webhook")) {
      throw new ConfigException.BadValue(r.getValue("type").origin(), path + ".type",
          "expected slack, webhook or log, got '" + r.getString("type") + "'");
    }
    String urlKey = type.equals("slack") ? "webhook-url" : "url";
    String otherKey = type.equals("slack") ? "url" : "webhook-url";
    if (r.hasPath(urlKey) && r.hasPath(otherKey)) {
      throw new ConfigException.BadValue(r.getValue(otherKey).origin(), path + "." + otherKey,
          "set the URL once, as " + urlKey);
    }
    String key = r.hasPath(urlKey) ? urlKey : otherKey;
    String text = r.hasPath(key) ? r.getString(key) : "";
    if (text.isBlank()) {
      String why = "alert receiver '" + name + "' (type = " + type + ") has no " + urlKey + " (set "
          + path + "." + urlKey + (type.equals("slack") ? ", e.g. from SLACK_WEBHOOK_URL" : "")
          + "): its alerts go to the log until it has one";
      warnings.add(why);
      return new LogReceiver(name, Optional.of(why));
    }
    WebhookUrl url;
    try {
      url = WebhookUrl.parse(text, path + "." + key);
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(r.getValue(key).origin(), path + "." + key, e.getMessage());
    }
    Map<String, String> headers = headers(r, path);
    Duration timeout = positive(r, "timeout", path + ".");
    Duration minInterval = nonNegative(r, "min-interval", path + ".");
    return type.equals("slack")
        ? new SlackReceiver(name, url, headers, timeout, minInterval)
        : new WebhookReceiver(name, url, headers, timeout, minInterval);
  }

  private static Map<String, String> headers(Config r, String path) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (!r.hasPath("headers")) {
      return headers;
    }
    ConfigObject object = r.getObject("headers");
    for (String header : new TreeSet<>(object.keySet())) {
      ConfigValue v = object.get(header);
      String key = path + ".headers." + header;
      if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        throw new ConfigException.BadValue(v.origin(), key, "not a valid HTTP header name");
      }
      if (RESTRICTED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
        throw new ConfigException.BadValue(v.origin(), key,
            "Regulator sets this header itself; remove it from headers");
      }
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST
          || v.valueType() == ConfigValueType.NULL) {
        throw new ConfigException.BadValue(v.origin(), key, "expected a string value");
      }
      String text = String.valueOf(v.unwrapped());
      if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
        throw new ConfigException.BadValue(v.origin(), key, "a header value must be one line (value not shown)");
      }
      headers.put(header, text);
    }
    return headers;
  }

  private static Duration positive(Config c, String key, String prefix) {
    Duration d = c.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException.BadValue(c.getValue(key).origin(), prefix + key, "must be longer than zero, got " + d);
    }
    return d;
  }

  private static Duration nonNegative(Config c, String key, String prefix) {
    Duration d = c.getDuration(key);
    if (d.isNegative()) {
      throw new ConfigException.BadValue(c.getValue(key).origin(), prefix + key, "must not be negative, got " + d);
    }
    return d;
  }

  private static int atLeast(Config c, String key, int min, String prefix) {
    int n = c.getInt(key);
    if (n < min) {
      throw new ConfigException.BadValue(c.getValue(key).origin(), prefix + key,
          "must be at least " + min + ", got " + n);
    }
    return n;
  }
}

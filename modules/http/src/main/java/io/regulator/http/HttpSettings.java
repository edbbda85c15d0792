package io.regulator.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code regulator.http} block (defaults in reference.conf, described in docs/http-api.md).
 *
 * @param token the configured admin token; empty: generated into the data dir
 * @param readToken the optional read-only token
 * @param tls the keystore to serve HTTPS with, if any
 */
public record HttpSettings(
    String host,
    int port,
    Optional<String> token,
    Optional<String> readToken,
    long maxBodyBytes,
    RateLimit rateLimit,
    Optional<Tls> tls,
    Duration askTimeout,
    Duration sseKeepAlive,
    Duration resourceSampleInterval) {

  public record RateLimit(double requestsPerSecond, int burst) {}

  public record Tls(Path keystore, String password, String type) {}

  /**
   * Reads the block.
   *
   * @param regulator the resolved {@code regulator} config
   * @param home what relative paths (the keystore) are relative to
   * @throws ConfigException with the key and what is wrong
   */
  public static HttpSettings from(Config regulator, Path home) {
    Config http = regulator.getConfig("http");
    int port = http.getInt("port");
    if (port < 0 || port > 65535) {
      throw new ConfigException.BadValue(http.origin(), "regulator.http.port", "must be 0..65535, not " + port);
    }
    Optional<Tls> tls = Optional.empty();
    if (http.hasPath("tls.keystore") && !http.getString("tls.keystore").isBlank()) {
      tls = Optional.of(new Tls(home.resolve(http.getString("tls.keystore")).normalize(),
          http.getString("tls.password"), http.getString("tls.type")));
    }
    double perSecond = http.getDouble("rate-limit.requests-per-second");
    int burst = http.getInt("rate-limit.burst");
    if (perSecond <= 0 || burst < 1) {
      throw new ConfigException.BadValue(http.origin(), "regulator.http.rate-limit",
          "requests-per-second must be above 0 and burst at least 1");
    }
    return new HttpSettings(http.getString("host"), port, nonBlank(http, "token"), nonBlank(http, "read-token"),
        http.getBytes("max-body"), new RateLimit(perSecond, burst), tls, http.getDuration("ask-timeout"),
        http.getDuration("sse-keep-alive"), http.getDuration("resource-sample-interval"));
  }

  /** Whether {@link #host} names only this machine (127.0.0.0/8, ::1, localhost). */
  public boolean loopback() {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** {@code http://127.0.0.1:8080} (https with a keystore). */
  public String baseUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (tls.isPresent() ? "https" : "http") + "://" + h + ":" + port;
  }

  private static Optional<String> nonBlank(Config http, String key) {
    return http.hasPath(key) && !http.getString(key).isBlank() ? Optional.of(http.getString(key).trim())
        : Optional.empty();
  }
}

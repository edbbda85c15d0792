package io.regulator.runtime.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A tunnel (ngrok) is up for the expected upstream: its local API ({@code /api/tunnels}:
 * {@code {"tunnels":[{"public_url":"https://x.ngrok.app","config":{"addr":"http://localhost:5051"}}]}})
 * lists a tunnel whose {@code config.addr} is the upstream, and with {@code end-to-end} a GET of
 * its public URL plus {@code end-to-end-path} answers 2xx or 3xx. Both requests share the
 * probe's timeout. Addresses compare as host:port, with localhost, 127.0.0.1, ::1 and 0.0.0.0
 * the same host and the port implied by the scheme when missing.
 */
final class TunnelProbe implements Probe {

  private final String component;
  private final ProbeCheck.Tunnel check;
  private final URI api;
  private final String upstream;
  private final Duration timeout;
  private final HttpGet http;
  private final ObjectMapper json;

  TunnelProbe(String component, ProbeCheck.Tunnel check, Duration timeout, HttpGet http, ObjectMapper json) {
    this.component = component;
    this.check = check;
    this.api = URI.create(check.api());
    this.upstream = normalize(check.upstream());
    this.timeout = timeout;
    this.http = http;
    this.json = json;
  }

  /** One tunnel the API listed. */
  record Tunnel(String publicUrl, String addr) {}

  @Override
  public CompletionStage<ProbeResult> check(ProbeTarget target) {
    long start = System.nanoTime();
    return http.get(api, timeout, true).thenCompose(outcome -> {
      if (outcome instanceof HttpGet.Failure f) {
        return done(ProbeResult.failed(f.latency(), new Cause(CauseCategory.TUNNEL_DOWN,
            "tunnel API " + api + " does not answer: " + f.message(),
            "the tunnel program of " + component + " is down or hung, or its API listens elsewhere; see logs/"
                + component + ".log")));
      }
      HttpGet.Answer a = (HttpGet.Answer) outcome;
      if (a.status() < 200 || a.status() > 299) {
        return done(ProbeResult.failed(a.latency(), new Cause(CauseCategory.TUNNEL_DOWN,
            "tunnel API " + api + " answered " + a.status(), "check the probe's api URL")));
      }
      List<Tunnel> tunnels;
      try {
        tunnels = parse(json, a.body());
      } catch (IOException e) {
        return done(ProbeResult.failed(a.latency(), new Cause(CauseCategory.TUNNEL_DOWN,
            "tunnel API " + api + " answered something else than a tunnel list: " + Wording.quote(a.body(), 100),
            "point api at ngrok's /api/tunnels (or an API of the same shape)")));
      }
      Tunnel found = pick(tunnels);
      if (found == null) {
        List<String> there = new ArrayList<>();
        tunnels.forEach(t -> there.add(t.publicUrl() + " -> " + t.addr()));
        return done(ProbeResult.failed(a.latency(), new Cause(CauseCategory.TUNNEL_MISSING,
            "no tunnel for " + check.upstream() + " at " + api + " ("
                + (there.isEmpty() ? "no tunnels" : "tunnels: " + String.join(", ", there)) + ")",
            "restart " + component + "; check that its command points at " + check.upstream())));
      }
      if (!check.endToEnd()) {
        return done(ProbeResult.healthy(a.latency(), found.publicUrl() + " -> " + found.addr()));
      }
      URI through;
      try {
        String path = check.endToEndPath();
        through = URI.create(stripSlash(found.publicUrl()) + (path.isEmpty() || path.startsWith("/") ? path : "/" + path));
      } catch (IllegalArgumentException e) {
        return done(ProbeResult.failed(a.latency(), new Cause(CauseCategory.TUNNEL_UNREACHABLE,
            "tunnel public URL " + Wording.quote(found.publicUrl(), 100) + " is not a URL", "restart " + component)));
      }
      Duration left = timeout.minus(HttpGet.since(start));
      return http.get(through, left, false).thenApply(e2e -> {
        Duration latency = HttpGet.since(start);
        if (e2e instanceof HttpGet.Answer ok && ok.status() >= 200 && ok.status() <= 399) {
          return ProbeResult.healthy(latency, found.publicUrl() + " -> " + found.addr() + ", end to end "
              + ok.status() + " in " + Wording.duration(latency));
        }
        String what = e2e instanceof HttpGet.Answer bad ? "answered " + bad.status()
            : "failed: " + ((HttpGet.Failure) e2e).message();
        return ProbeResult.failed(latency, new Cause(CauseCategory.TUNNEL_UNREACHABLE,
            "end-to-end GET " + through + " through the tunnel " + what,
            "the tunnel is listed but does not carry traffic; restart " + component
                + " and check the upstream and the tunnel provider's status"));
      });
    });
  }

  /** The tunnels of an ngrok-shaped answer. */
  static List<Tunnel> parse(ObjectMapper json, String body) throws IOException {
    JsonNode root = json.readTree(body);
    JsonNode list = root == null ? null : root.get("tunnels");
    if (list == null || !list.isArray()) {
      throw new IOException("no tunnels array");
    }
    List<Tunnel> tunnels = new ArrayList<>();
    for (JsonNode t : list) {
      String url = t.path("public_url").asText("");
      String addr = t.path("config").path("addr").asText("");
      if (!url.isEmpty()) {
        tunnels.add(new Tunnel(url, addr));
      }
    }
    return tunnels;
  }

  /** The tunnel for the upstream, https preferred (ngrok v2 lists an http and an https one). */
  private Tunnel pick(List<Tunnel> tunnels) {
    Tunnel chosen = null;
    for (Tunnel t : tunnels) {
      if (normalize(t.addr()).equals(upstream)) {
        if (chosen == null || (!chosen.publicUrl().startsWith("https:") && t.publicUrl().startsWith("https:"))) {
          chosen = t;
        }
      }
    }
    return chosen;
  }

  /**
   * "http://localhost:5051", "localhost:5051", "127.0.0.1:5051/" and "5051" all become
   * "localhost:5051"; "https://example.org" becomes "example.org:443".
   */
  static String normalize(String address) {
    String a = address.strip().toLowerCase(Locale.ROOT);
    String port = null;
    int scheme = a.indexOf("://");
    if (scheme >= 0) {
      String s = a.substring(0, scheme);
      port = switch (s) {
        case "https", "tls" -> "443";
        case "http" -> "80";
        default -> null;
      };
      a = a.substring(scheme + 3);
    }
    int slash = a.indexOf('/');
    if (slash >= 0) {
      a = a.substring(0, slash);
    }
    int at = a.lastIndexOf('@');
    if (at >= 0) {
      a = a.substring(at + 1);
    }
    String host;
    if (a.chars().allMatch(Character::isDigit) && !a.isEmpty()) {
      host = "localhost";
      port = a;
    } else if (a.startsWith("[")) {
      int close = a.indexOf(']');
      host = close > 0 ? a.substring(1, close) : a;
      if (close > 0 && close + 1 < a.length() && a.charAt(close + 1) == ':') {
        port = a.substring(close + 2);
      }
    } else {
      int colon = a.lastIndexOf(':');
      if (colon >= 0 && a.indexOf(':') == colon) {
        host = a.substring(0, colon);
        port = a.substring(colon + 1);
      } else {
        host = a;
      }
    }
    if (host.isEmpty() || host.equals("127.0.0.1") || host.equals("::1") || host.equals("0.0.0.0")
        || host.equals("::") || host.equals("0:0:0:0:0:0:0:1")) {
      host = "localhost";
    }
    return host + ":" + (port == null || port.isEmpty() ? "80" : port);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static CompletionStage<ProbeResult> done(ProbeResult result) {
    return CompletableFuture.completedFuture(result);
  }
}

package io.regulator.app;

import io.regulator.http.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The control commands' side of the HTTP API (docs/http-api.md): one request per call, the admin
 * token on mutations, and every failure turned into the one line a user can act on.
 *
 * <p>Built on the JDK's {@link HttpURLConnection}: {@code java.net.http.HttpClient} spends about
 * 150 ms setting itself up (its TLS context among it, even for plain HTTP), a third of what a
 * whole {@code bin/regulator status} may take.
 */
final class ServiceClient {

  static {
    // A POST is not idempotent: never send it twice behind the user's back.
    System.setProperty("sun.net.http.retryPost", "false");
  }

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /** An answer of the service. */
  record Response(int status, String body, Map<String, List<String>> headers) {

    boolean ok() {
      return status >= 200 && status < 300;
    }

    Json json() throws ControlFailure {
      try {
        return Json.parse(body);
      } catch (IOException e) {
        throw new ControlFailure("the service answered " + status + " with a body that is not JSON: "
            + abbreviate(body));
      }
    }

    /** The problem detail's {@code detail}, when the body is a problem document. */
    Optional<String> detail() {
      try {
        return Optional.ofNullable(Json.parse(body).get("detail").text());
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }

  private final ServiceSettings settings;
  private final Map<String, String> env;
  private SSLContext tls;

  ServiceClient(ServiceSettings settings, Map<String, String> env) {
    this.settings = settings;
    this.env = env;
  }

  String baseUrl() {
    return settings.baseUrl();
  }

  ServiceSettings settings() {
    return settings;
  }

  /** A read, with the admin or read token when there is one; a non-2xx answer is a failure. */
  Json get(String path) throws ControlFailure {
    return expectOk(send("GET", path, null, READ_TIMEOUT, ApiToken.reader(env, settings)), "GET", path);
  }

  /** {@link #get} as the service sent it, for {@code --json}. */
  String getRaw(String path) throws ControlFailure {
    Response r = send("GET", path, null, READ_TIMEOUT, ApiToken.reader(env, settings));
    expectOk(r, "GET", path);
    return r.body();
  }

  /** A mutation with the admin token; a non-2xx answer is a failure. */
  Json post(String path, String jsonBody, Duration timeout) throws ControlFailure {
    return expectOk(mutate("POST", path, jsonBody, timeout), "POST", path);
  }

  Json delete(String path) throws ControlFailure {
    return expectOk(mutate("DELETE", path, null, READ_TIMEOUT), "DELETE", path);
  }

  /** A mutation whose non-2xx answers the caller handles itself (e.g. reload's list of problems). */
  Response mutate(String method, String path, String jsonBody, Duration timeout) throws ControlFailure {
    return send(method, path, jsonBody, timeout, ApiToken.admin(env, settings));
  }

  /** Whether anything answers HTTP at the service's address (for {@code start}, before and while it starts). */
  Optional<Integer> probe(String path, Duration timeout) {
    try {
      HttpURLConnection c = open(path, timeout, timeout);
      int status = c.getResponseCode();
      drain(c, status);
      return Optional.of(status);
    } catch (IOException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  /** The path segment for a name typed by the user: {@code /} and the like cannot escape it. */
  static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  Response send(String method, String path, String jsonBody, Duration timeout, Optional<ApiToken> token)
      throws ControlFailure {
    try {
      HttpURLConnection c = open(path, CONNECT_TIMEOUT, timeout);
      c.setRequestMethod(method);
      c.setRequestProperty("Accept", "application/json");
      token.ifPresent(t -> c.setRequestProperty("Authorization", "Bearer " + t.value()));
      if (jsonBody != null) {
        byte[] bytes = jsonBody.getBytes(StandardCharsets.UTF_8);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
          out.write(bytes);
        }
      }
      int status = c.getResponseCode();
      Response response = new Response(status, drain(c, status), c.getHeaderFields());
      if (status == 401 || status == 403) {
        throw refused(response, token, method, path);
      }
      return response;
    } catch (ConnectException | NoRouteToHostException e) {
      throw notRunning();
    } catch (SocketTimeoutException e) {
      throw ControlFailure.unreachable("the service at " + baseUrl() + " did not answer " + method + " " + path + " within "
          + seconds(e.getMessage() != null && e.getMessage().contains("connect") ? CONNECT_TIMEOUT : timeout));
    } catch (UnknownHostException e) {
      throw new ControlFailure("unknown host '" + settings.host() + "' (regulator.http.host in "
          + settings.configFile() + ")");
    } catch (SSLException e) {
      throw new ControlFailure("HTTPS with " + baseUrl() + " failed: " + e.getMessage() + " (the command line trusts"
          + " the certificates in " + settings.tls().map(t -> t.keystore().toString()).orElse("the JDK's trust store")
          + ", regulator.http.tls.keystore)");
    } catch (IOException e) {
      throw new ControlFailure("cannot talk to the service at " + baseUrl() + ": " + e);
    } catch (GeneralSecurityException e) {
      throw new ControlFailure("cannot use the keystore " + settings.tls().map(t -> t.keystore().toString()).orElse("")
          + " (regulator.http.tls in " + settings.configFile() + "): " + e.getMessage());
    }
  }

  /** The service does not answer: say so, and whether it is perhaps still starting or stopping. */
  ControlFailure notRunning() {
    OptionalLong pid = BackgroundService.runningPid(settings);
    if (pid.isPresent()) {
      return ControlFailure.unreachable("the service (pid " + pid.getAsLong() + ") does not answer at " + baseUrl()
          + ": it is starting or stopping, or stuck; see " + BackgroundService.outFile(settings));
    }
    return ControlFailure.unreachable("the service is not running at " + baseUrl() + " (start it with bin/regulator start)");
  }

  /** A non-2xx answer as one line: the problem's detail as the service wrote it. */
  Json expectOk(Response r, String method, String path) throws ControlFailure {
    if (r.ok()) {
      return r.body().isBlank() ? Json.MISSING : r.json();
    }
    throw failure(r, method, path);
  }

  static ControlFailure failure(Response r, String method, String path) {
    String detail = r.detail().orElse(null);
    if (r.status() == 429) {
      String after = r.headers().entrySet().stream()
          .filter(e -> "Retry-After".equalsIgnoreCase(e.getKey()) && !e.getValue().isEmpty())
          .map(e -> e.getValue().get(0)).findFirst().orElse("1");
      // the service's own detail already says when to retry
      return new ControlFailure(detail != null ? detail : "too many requests; retry in " + after + "s");
    }
    if (detail != null && !detail.isBlank()) {
      return new ControlFailure(detail);
    }
    return new ControlFailure("the service answered " + r.status() + " to " + method + " " + path
        + (r.body().isBlank() ? "" : ": " + abbreviate(r.body())));
  }

  private ControlFailure refused(Response r, Optional<ApiToken> token, String method, String path) {
    Optional<String> detail = r.detail().filter(d -> !d.isBlank());
    if (token.isEmpty()) {
      return new ControlFailure("the service wants a token for " + method + " " + path
          + detail.map(d -> " (" + d + ")").orElse("") + " and none was found; the command line reads the admin"
          + " token from " + ApiToken.whereToLook(settings));
    }
    ApiToken t = token.get();
    if (r.status() == 403 && !t.admin()) {
      return new ControlFailure("the read token from " + t.source() + " may not " + method + " " + path
          + detail.map(d -> " (" + d + ")").orElse("") + "; this needs the admin token ("
          + ApiToken.whereToLook(settings) + ")");
    }
    // The service's detail says which token it wants; without one, say it here.
    return new ControlFailure("the service refused the token read from " + t.source() + " (" + r.status()
        + detail.map(d -> ": " + d + ")").orElse("); use the token the service was started with"
        + " (regulator.http.token or $" + ApiToken.ENV + ", else " + ApiToken.tokenFile(settings) + ")"));
  }

  private HttpURLConnection open(String path, Duration connect, Duration read)
      throws IOException, GeneralSecurityException {
    HttpURLConnection c = (HttpURLConnection) new URL(baseUrl() + path).openConnection();
    if (c instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(tls().getSocketFactory());
    }
    c.setConnectTimeout((int) connect.toMillis());
    c.setReadTimeout((int) read.toMillis());
    c.setUseCaches(false);
    c.setInstanceFollowRedirects(false);
    return c;
  }

  /** Trusts the certificates of the keystore the service serves with (a self-signed one included). */
  private SSLContext tls() throws IOException, GeneralSecurityException {
    if (tls == null) {
      HttpSettings.Tls conf = settings.tls().orElseThrow();
      KeyStore store = KeyStore.getInstance(conf.type());
      try (InputStream in = java.nio.file.Files.newInputStream(conf.keystore())) {
        store.load(in, conf.password().toCharArray());
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      tls = context;
    }
    return tls;
  }

  private static String drain(HttpURLConnection c, int status) throws IOException {
    try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }

  static String abbreviate(String body) {
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }
}

package io.regulator.http;

import io.regulator.core.event.HealthEvent;
import io.regulator.http.AccessTokens.Role;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;

/**
 * Binds the API (docs/http-api.md) and puts the cross-cutting rules around every route, outermost
 * first: errors as problems, request counting, the per-client rate limit, who the caller is (from
 * the bearer token), the audit of every mutating call. The endpoints are in {@link ApiRoutes}.
 */
public final class ApiServer {

  /**
   * Who is calling: the role their token grants (if any), whether they presented a wrong token, from where.
   *
   * @param foreignHost the name the request was addressed to ({@code Host}), when that is not a name of this
   *     machine; open reads are not served to it (see {@link LocalNames})
   */
  public record Caller(Optional<Role> role, boolean refusedToken, String address, Optional<String> foreignHost) {

    public String who() {
      return role.map(r -> r.name().toLowerCase(Locale.ROOT)).orElse(refusedToken ? "bad-token" : "anonymous")
          + "@" + address;
    }
  }

  /** Something the server counts per request (the metrics); nothing by default. */
  @FunctionalInterface
  public interface RequestObserver {
    void served(String method, int status);
  }

  private final Services services;
  private final HttpSettings settings;
  private final AccessTokens tokens;
  private final ClientRateLimiter limiter;
  private final ApiRoutes routes;
  private final RequestObserver observer;

  public ApiServer(Services services, HttpSettings settings, AccessTokens tokens, ApiRoutes routes,
      RequestObserver observer) {
    this.services = services;
    this.settings = settings;
    this.tokens = tokens;
    this.limiter = new ClientRateLimiter(settings.rateLimit());
    this.routes = routes;
    this.observer = observer;
  }

  /**
   * Checks that the settings are safe to serve with, then binds.
   *
   * @throws IllegalStateException with the one line to print when the settings are refused
   */
  public CompletionStage<ServerBinding> bind() {
    check(settings);
    ServerBuilder builder = Http.get(services.system()).newServerAt(settings.host(), settings.port());
    if (settings.tls().isPresent()) {
      builder = builder.enableHttps(ConnectionContext.httpsServer(sslContext(settings.tls().get())));
    }
    return builder.bind(route());
  }

  static void check(HttpSettings settings) {
    if (!settings.loopback() && settings.token().isEmpty()) {
      throw new IllegalStateException("regulator.http.host = " + settings.host() + " is reachable from other machines,"
          + " but no admin token is configured: set regulator.http.token (or REGULATOR_TOKEN), or bind 127.0.0.1");
    }
  }

  /** Every route with the rules around it. */
  public Route route() {
    return extractRequest(request -> {
      String path = request.getUri().path();
      return withRequestTimeoutResponse(Problems::requestTimedOut, () ->
          handleExceptions(Problems.exceptions(path), () ->
          handleRejections(Problems.rejections(path), () ->
              counted(request, () -> {
                String address = address(request);
                long retryAfter = limiter.acquire(address);
                if (retryAfter > 0) {
                  return complete(Problems.of(StatusCodes.TOO_MANY_REQUESTS, "more than "
                      + settings.rateLimit().requestsPerSecond() + " requests/s from " + address
                      + " (regulator.http.rate-limit); retry in " + retryAfter + "s", path, java.util.Map.of())
                      .addHeader(RetryAfter.create(retryAfter)));
                }
                return optionalHeaderValueByName("Authorization", header -> {
                  Caller caller = caller(header, address, LocalNames.foreignHost(request, settings.host()));
                  Route inner = routes.route(caller, readsOpen());
                  // a mutating call that fails (bad body, unknown path) is audited too: inside the audit,
                  // its failure becomes the answer the audit records
                  return isMutating(request) && !isHeartbeat(request) ? audited(request, caller, () ->
                      handleExceptions(Problems.exceptions(path), () ->
                          handleRejections(Problems.rejections(path), () -> inner))) : inner;
                });
              }))));
    });
  }

  /** Reads are open on a loopback address without a read token; otherwise they need a token too. */
  boolean readsOpen() {
    return settings.loopback() && !tokens.hasReadToken();
  }

  private Caller caller(Optional<String> header, String address, Optional<String> foreignHost) {
    if (header.isEmpty() || header.get().isBlank()) {
      return new Caller(Optional.empty(), false, address, foreignHost);
    }
    String value = header.get().trim();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Caller(Optional.empty(), true, address, foreignHost);
    }
    Optional<Role> role = tokens.roleOf(value.substring(7).trim());
    return new Caller(role, role.isEmpty(), address, foreignHost);
  }

  private Route counted(HttpRequest request, Supplier<Route> inner) {
    return mapResponse(response -> {
      observer.served(request.method().value(), response.status().intValue());
      return response;
    }, inner);
  }

  /** Every mutating call, allowed, refused or failed, becomes an {@link HealthEvent.Audit} in the journal. */
  private Route audited(HttpRequest request, Caller caller, Supplier<Route> inner) {
    String action = request.method().value() + " " + request.getUri().path();
    String target = targetOf(request.getUri().path());
    return mapResponse(response -> {
      services.bus().publish(new HealthEvent.Audit(Instant.now(), services.fleet().get().settings().node(), target,
          caller.who(), action, response.status().intValue() + " " + response.status().reason()));
      return response;
    }, inner);
  }

  /** The component a path is about, when it names a known one; else {@code system}. */
  private String targetOf(String path) {
    String prefix = "/api/v1/components/";
    if (path.startsWith(prefix)) {
      String rest = path.substring(prefix.length());
      int slash = rest.indexOf('/');
      String name = java.net.URLDecoder.decode(slash < 0 ? rest : rest.substring(0, slash),
          java.nio.charset.StandardCharsets.UTF_8);
      if (services.fleet().get().components().containsKey(name)) {
        return name;
      }
    }
    return HealthEvent.SYSTEM;
  }

  /**
   * Heartbeats are telemetry a component pushes every few seconds, not a change someone made:
   * auditing them would bury the real changes (tens of thousands of entries a day per component).
   */
  private static boolean isHeartbeat(HttpRequest request) {
    return request.getUri().path().endsWith("/heartbeat");
  }

  private static boolean isMutating(HttpRequest request) {
    return !request.method().equals(HttpMethods.GET) && !request.method().equals(HttpMethods.HEAD)
        && !request.method().equals(HttpMethods.OPTIONS);
  }

  /**
   * The address of the connection itself. Never a forwarding header (X-Forwarded-For, X-Real-IP):
   * any client can write those, and the rate limit and the audit must not be fooled by them.
   */
  private static String address(HttpRequest request) {
    return request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress)
        .map(InetAddress::getHostAddress).orElse("unknown");
  }

  static SSLContext sslContext(HttpSettings.Tls tls) {
    try (InputStream in = Files.newInputStream(tls.keystore())) {
      KeyStore store = KeyStore.getInstance(tls.type());
      char[] password = tls.password().toCharArray();
      store.load(in, password);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the keystore " + tls.keystore() + " (regulator.http.tls): "
          + e.getMessage() + "; check the path, type (" + tls.type() + ") and password", e);
    }
  }

  /** The response to give when the caller's role is not enough, or empty when it is. */
  static Optional<HttpResponse> refusal(Caller caller, Role needed, boolean readsOpen, String path) {
    if (caller.refusedToken()) {
      return Optional.of(Problems.of(StatusCodes.UNAUTHORIZED, "the bearer token was refused: use the admin token"
          + " (regulator.http.token, or the data dir's " + AccessTokens.FILE + ") or the read token", path,
          java.util.Map.of()));
    }
    if (needed == Role.READ && caller.role().isPresent()) {
      return Optional.empty();
    }
    if (needed == Role.READ && readsOpen && caller.foreignHost().isPresent()) {
      return Optional.of(Problems.of(StatusCodes.FORBIDDEN, "this request was addressed to '"
          + caller.foreignHost().get() + "', not to this machine: reads without a token are served only to"
          + " requests addressed to localhost, 127.0.0.1 or ::1 (a web page that points its own name at this"
          + " machine must not read the API); use one of those names, or send the read or the admin token", path,
          java.util.Map.of()));
    }
    if (needed == Role.READ && readsOpen) {
      return Optional.empty();
    }
    if (needed == Role.ADMIN && caller.role().filter(r -> r == Role.ADMIN).isPresent()) {
      return Optional.empty();
    }
    if (caller.role().isEmpty()) {
      return Optional.of(Problems.of(StatusCodes.UNAUTHORIZED, "this call needs 'Authorization: Bearer <token>' with"
          + (needed == Role.ADMIN ? " the admin token" : " the read or the admin token")
          + " (regulator.http.token, or the data dir's " + AccessTokens.FILE + ")", path, java.util.Map.of()));
    }
    return Optional.of(Problems.of(StatusCodes.FORBIDDEN, "the read-only token may not change anything: this call"
        + " needs the admin token", path, java.util.Map.of()));
  }
}

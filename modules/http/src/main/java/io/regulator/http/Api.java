package io.regulator.http;

import io.regulator.core.spec.FleetSpec;
import io.regulator.http.metrics.ProcessResources;
import io.regulator.http.metrics.RegulatorMetrics;
import io.regulator.runtime.Guardian;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.util.ByteString;

/**
 * Regulator's HTTP side put together: the status cache, the metrics, the routes and the server.
 * Whoever runs the service (the {@code run} command) creates the metrics first, since the
 * supervision tree reports probe checks to them, then starts this once the tree exists.
 */
public final class Api {

  /** How long one status answer is shared at most when no event arrives. */
  static final Duration STATUS_MAX_AGE = Duration.ofMillis(500);

  private Api() {}

  /**
   * Binds the server.
   *
   * @throws IllegalStateException with one line to print when the settings are refused (e.g. a
   *     public address without a token, an unusable keystore)
   */
  public static CompletionStage<ServerBinding> start(Services services, HttpSettings settings, AccessTokens tokens,
      StatusCache statuses, RegulatorMetrics metrics) {
    ContentType metricsType = ContentTypes.parse(RegulatorMetrics.CONTENT_TYPE);
    ApiRoutes routes = new ApiRoutes(services, settings, statuses,
        name -> metrics.resources(name).map(Api::resources),
        () -> metrics.scrape().thenApply(text -> HttpResponse.create().withEntity(HttpEntities.create(metricsType,
            ByteString.fromString(text)))),
        (fleet, timeout) -> reload(services, fleet, timeout));
    return new ApiServer(services, settings, tokens, routes, metrics::countRequest).bind();
  }

  private static Map<String, Object> resources(ProcessResources.Sample sample) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("residentMemoryBytes", sample.residentMemoryBytes());
    json.put("cpuSeconds", sample.cpuSeconds());
    json.put("threads", sample.threads());
    json.put("sampledAt", sample.at());
    return json;
  }

  private static CompletionStage<Map<String, Object>> reload(Services services, FleetSpec fleet, Duration timeout) {
    return AskPattern.<Guardian.Command, Guardian.ReloadResult>ask(services.guardian(),
        replyTo -> new Guardian.Reload(fleet, replyTo), timeout, services.system().scheduler()).thenApply(result -> {
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("added", result.added());
          json.put("removed", result.removed());
          json.put("changed", result.changed());
          json.put("unchanged", result.unchanged());
          result.removed().forEach(name -> {
            services.heartbeats().forget(name);
            services.business().forget(name);
          });
          return json;
        });
  }

  /** The one status cache of the service: the API and the metrics both read the supervision tree through it. */
  public static StatusCache statusCache(Services services, HttpSettings settings) {
    return new StatusCache(services.system(), services.guardian(), services.bus(), settings.askTimeout(),
        STATUS_MAX_AGE);
  }

  /**
   * Checks the settings before anything starts: a non-loopback address needs a configured admin
   * token, a keystore must open.
   *
   * @throws IllegalStateException with the one line to print
   */
  public static void check(HttpSettings settings) {
    ApiServer.check(settings);
    settings.tls().ifPresent(ApiServer::sslContext);
    if (settings.port() != 0) {
      // Found out before any component starts, rather than after (the bind itself comes later).
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new java.net.InetSocketAddress(settings.host(), settings.port()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot serve the API on " + settings.host() + ":" + settings.port() + ": "
            + e.getMessage() + "; free the port (another Regulator? `bin/regulator status`) or set"
            + " regulator.http.port");
      }
    }
  }
}

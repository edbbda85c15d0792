package io.regulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.regulator.alerting.ActiveAlert;
import io.regulator.alerting.AlertManager;
import io.regulator.alerting.Silence;
import io.regulator.core.config.DidYouMean;
import io.regulator.core.event.Cause;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.FleetSpec;
import io.regulator.http.AccessTokens.Role;
import io.regulator.http.ApiServer.Caller;
import io.regulator.journal.StoredEvent;
import io.regulator.journal.read.EventFilter;
import io.regulator.journal.read.Incident;
import io.regulator.journal.read.Incidents;
import io.regulator.journal.read.IncidentsView;
import io.regulator.journal.read.Report;
import io.regulator.journal.read.ReportView;
import io.regulator.journal.read.TimeExpression;
import io.regulator.runtime.Guardian;
import io.regulator.runtime.component.ComponentStatus;
import io.regulator.runtime.component.ComponentSupervisor;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.StatusReply;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractUri;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

/** The endpoints of the API (docs/http-api.md); {@link ApiServer} puts the common rules around them. */
public final class ApiRoutes {

  static final int DEFAULT_EVENT_LIMIT = 1000;
  static final int MAX_EVENT_LIMIT = 10_000;
  static final int MAX_BUSINESS_METRICS = 32;
  /**
   * The longest silence, counted from now. The alert manager ends a silence with a timer, and timers
   * reach at most about 248 days; a longer one would stop the alert manager, and with it every alert.
   */
  static final Duration MAX_SILENCE = Duration.ofDays(90);
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,63}");
  private static final String DASHBOARD = "io/regulator/http/dashboard";

  private final Services services;
  private final HttpSettings settings;
  private final StatusCache statuses;
  private final Function<String, Optional<Map<String, Object>>> resources;
  private final Supplier<CompletionStage<HttpResponse>> metrics;
  private final BiFunction<FleetSpec, Duration, CompletionStage<Map<String, Object>>> reload;

  /**
   * @param resources the last sampled resources of a component's processes, if any
   * @param metrics renders {@code /metrics}
   * @param reload applies a new config to the supervision tree; answers the lists of changes
   */
  public ApiRoutes(Services services, HttpSettings settings, StatusCache statuses,
      Function<String, Optional<Map<String, Object>>> resources, Supplier<CompletionStage<HttpResponse>> metrics,
      BiFunction<FleetSpec, Duration, CompletionStage<Map<String, Object>>> reload) {
    this.services = services;
    this.settings = settings;
    this.statuses = statuses;
    this.resources = resources;
    this.metrics = metrics;
    this.reload = reload;
  }

  Route route(Caller caller, boolean readsOpen) {
    return concat(
        path("health", () -> get(() -> complete(Json.ok(Map.of("status", "UP"))))),
        path("ready", () -> get(this::ready)),
        pathEndOrSingleSlash(() -> get(() -> getFromResource(DASHBOARD + "/index.html"))),
        pathPrefix("assets", () -> get(() -> getFromResourceDirectory(DASHBOARD))),
        path("metrics", () -> get(() -> allowed(caller, Role.READ, readsOpen, () -> completeWithFuture(metrics.get())))),
        pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            get(() -> allowed(caller, Role.READ, readsOpen, this::reads)),
            post(() -> allowed(caller, Role.ADMIN, readsOpen, () -> writes(caller))),
            delete(() -> allowed(caller, Role.ADMIN, readsOpen, this::deletes))))));
  }

  private Route allowed(Caller caller, Role needed, boolean readsOpen, Supplier<Route> inner) {
    return extractUri(uri -> ApiServer.refusal(caller, needed, readsOpen, uri.path())
        .<Route>map(refused -> complete(refused))
        .orElseGet(inner));
  }

  private Route ready() {
    return completeWithFuture(statuses.statuses().thenApply(list -> {
      boolean spawned = !list.isEmpty() || services.fleet().get().components().isEmpty();
      return spawned ? Json.ok(Map.of("status", "READY"))
          : Problems.of(StatusCodes.SERVICE_UNAVAILABLE, "Regulator is still starting (handling orphans of an"
              + " earlier run); try again in a moment");
    }));
  }

  // ---- reads

  private Route reads() {
    return concat(
        path("status", () -> completeWithFuture(statuses.statuses().thenApply(this::statusResponse))),
        pathPrefix("components", () -> concat(
            pathEnd(() -> completeWithFuture(statuses.statuses().thenApply(list ->
                Json.ok(list.stream().map(this::view).toList())))),
            path(PathMatchers.segment(), name -> completeWithFuture(status(name).thenApply(s ->
                Json.ok(view(s))))))),
        path("events", () -> parameterMap(params -> completeWithFuture(events(params)))),
        path(PathMatchers.segment("events").slash("stream"), () -> parameterMap(params -> {
          Optional<String> component = Optional.ofNullable(params.get("component"));
          component.ifPresent(this::known);
          return completeOK(LiveEvents.source(services.system(), component, settings.sseKeepAlive()),
              EventStreamMarshalling.toEventStream());
        })),
        path("incidents", () -> parameterMap(params -> completeWithFuture(incidents(params)))),
        path("report", () -> parameterMap(params -> completeWithFuture(report(params)))),
        path("alerts", () -> completeWithFuture(alerts())),
        path("silences", () -> completeWithFuture(silences().thenApply(Json::ok))));
  }

  private record RenderedStatus(List<ComponentStatus> statuses, FleetSpec fleet, HttpResponse response) {}

  private final java.util.concurrent.atomic.AtomicReference<RenderedStatus> renderedStatus =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** The status body is rendered once per answer of the supervision tree and shared by every request until the next. */
  private HttpResponse statusResponse(List<ComponentStatus> list) {
    FleetSpec fleet = services.fleet().get();
    RenderedStatus last = renderedStatus.get();
    if (last != null && last.statuses() == list && last.fleet() == fleet) {
      return last.response();
    }
    HttpResponse response = Json.ok(Views.status(list, fleet, Instant.now()));
    renderedStatus.set(new RenderedStatus(list, fleet, response));
    return response;
  }

  private Map<String, Object> view(ComponentStatus s) {
    return Views.component(s, services.fleet().get(), new Views.Extras(statuses.lastExit(s.name()),
        s.pid() == null ? Optional.empty() : resources.apply(s.name()), services.heartbeats().last(s.name()),
        services.business().of(s.name())), Instant.now());
  }

  private CompletionStage<ComponentStatus> status(String name) {
    known(name);
    return statuses.statuses().thenApply(list -> list.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> ApiException.notFound("component '" + name + "' is not running under the supervision"
            + " tree yet; try again in a moment")));
  }

  /** The spec of a component in the config in force; a 404 with a did-you-mean otherwise. */
  private ComponentSpec known(String name) {
    FleetSpec fleet = services.fleet().get();
    ComponentSpec spec = fleet.components().get(name);
    if (spec == null) {
      throw ApiException.notFound("unknown component '" + name + "'"
          + DidYouMean.hint(name, fleet.components().keySet()) + "; components: "
          + String.join(", ", fleet.components().keySet()));
    }
    return spec;
  }

  private CompletionStage<HttpResponse> events(Map<String, String> params) {
    Instant now = Instant.now();
    EventFilter filter = EventFilter.all();
    Optional<Instant> since = time(params, "since", now);
    Optional<Instant> until = time(params, "until", now);
    window(since, until);
    if (since.isPresent()) {
      filter = filter.since(since.get());
    }
    if (until.isPresent()) {
      filter = filter.until(until.get());
    }
    String component = params.get("component");
    if (component != null && !component.equals(HealthEvent.SYSTEM)) {
      known(component);
    }
    if (component != null) {
      filter = filter.component(component);
    }
    if (params.containsKey("kind")) {
      try {
        filter = filter.kinds(params.get("kind"));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("kind: " + e.getMessage());
      }
    }
    filter = filter.limit(intParam(params, "limit", DEFAULT_EVENT_LIMIT, 1, MAX_EVENT_LIMIT));
    return services.journal().events(filter).thenApply(events ->
        Json.ok(events.stream().map(StoredEvent::of).toList()));
  }

  /** The window and component of a post-mortem query; {@code end} is {@code until} or now. */
  private record Window(Optional<Instant> since, Instant end, String component) {}

  private Window window(Map<String, String> params) {
    Instant now = Instant.now();
    Optional<Instant> since = time(params, "since", now);
    Instant end = time(params, "until", now).orElse(now);
    window(since, Optional.of(end));
    String component = params.get("component");
    if (component != null) {
      known(component);
    }
    return new Window(since, end, component);
  }

  private CompletionStage<HttpResponse> incidents(Map<String, String> params) {
    Window w = window(params);
    FleetSpec fleet = services.fleet().get();
    // the whole history up to the end: an incident may have begun before `since`
    return services.journal().events(EventFilter.all().until(w.end())).thenApply(events -> {
      List<Incident> incidents = Incidents.within(Incidents.of(events, fleet.graph()),
          w.since().orElse(Instant.MIN), w.end());
      if (w.component() != null) {
        incidents = Incidents.affecting(incidents, w.component());
      }
      return Json.ok(incidents.stream().map(i -> IncidentsView.json(i, w.end())).toList());
    });
  }

  private CompletionStage<HttpResponse> report(Map<String, String> params) {
    Window w = window(params);
    Optional<Instant> since = w.since();
    Instant end = w.end();
    String component = w.component();
    return services.journal().events(EventFilter.all().until(end)).thenApply(events -> {
      Instant start = since.orElse(events.isEmpty() ? end : events.get(0).time());
      Report report = Report.of(events, start.isAfter(end) ? end : start, end);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("since", report.since());
      json.put("until", report.until());
      json.put("components", report.components().stream()
          .filter(c -> component == null || c.component().equals(component))
          .map(c -> ReportView.json(report, c)).toList());
      return Json.ok(json);
    });
  }

  private CompletionStage<HttpResponse> alerts() {
    CompletionStage<List<ActiveAlert>> active = AskPattern.ask(services.alerts(), AlertManager.GetActive::new,
        settings.askTimeout(), services.system().scheduler());
    return active.thenCombine(silences(), (alerts, silences) -> {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("active", alerts);
      json.put("silences", silences);
      return Json.ok(json);
    });
  }

  private CompletionStage<List<Silence>> silences() {
    return AskPattern.ask(services.alerts(), AlertManager.ListSilences::new, settings.askTimeout(),
        services.system().scheduler());
  }

  // ---- writes

  private Route writes(Caller caller) {
    return withSizeLimit(settings.maxBodyBytes(), () -> entity(Unmarshaller.entityToString(), body -> concat(
        path(PathMatchers.segment("components").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
            (name, action) -> completeWithFuture(componentAction(name, action, Json.object(body), caller))),
        path("silences", () -> completeWithFuture(addSilence(Json.object(body)))),
        path("reload", () -> completeWithFuture(reload(caller))))));
  }

  private Route deletes() {
    return path(PathMatchers.segment("silences").slash(PathMatchers.segment()), id ->
        completeWithFuture(AskPattern.<AlertManager.Command, StatusReply<Silence>>ask(services.alerts(),
                replyTo -> new AlertManager.RemoveSilence(id, replyTo), settings.askTimeout(),
                services.system().scheduler())
            .thenApply(reply -> {
              if (reply.isError()) {
                throw ApiException.notFound(reply.getError().getMessage());
              }
              return Json.ok(reply.getValue());
            })));
  }

  private CompletionStage<HttpResponse> componentAction(String name, String action, JsonNode body, Caller caller) {
    ComponentSpec spec = known(name);
    if (action.equals("heartbeat")) {
      return CompletableFuture.completedFuture(heartbeat(name, body));
    }
    if (!action.equals("start") && !action.equals("stop") && !action.equals("restart")) {
      throw ApiException.notFound("no action '" + action + "' on components: use start, stop, restart or heartbeat");
    }
    String reason = Json.text(body, "reason").map(r -> ": " + r).orElse("");
    Cause cause = Cause.requested(action + " requested by " + caller.who() + " through the API" + reason);
    Duration timeout = settings.askTimeout().plus(spec.stop().timeout());
    CompletionStage<Optional<ActorRef<ComponentSupervisor.Command>>> supervisor = AskPattern.ask(services.guardian(),
        replyTo -> new Guardian.GetSupervisor(name, replyTo), settings.askTimeout(), services.system().scheduler());
    return supervisor.thenCompose(ref -> {
      if (ref.isEmpty()) {
        throw ApiException.notFound("component '" + name + "' is not running under the supervision tree yet");
      }
      return AskPattern.<ComponentSupervisor.Command, ComponentStatus>ask(ref.get(), replyTo -> switch (action) {
        case "start" -> new ComponentSupervisor.Start(cause, replyTo);
        case "stop" -> new ComponentSupervisor.Stop(cause, replyTo);
        default -> new ComponentSupervisor.Restart(cause, replyTo);
      }, timeout, services.system().scheduler());
    }).thenApply(status -> {
      statuses.invalidate();
      return Json.ok(view(status));
    });
  }

  private HttpResponse heartbeat(String name, JsonNode body) {
    Map<String, Double> values = new LinkedHashMap<>();
    JsonNode metrics = body.get("metrics");
    if (metrics != null && !metrics.isNull()) {
      if (!metrics.isObject()) {
        throw ApiException.badRequest("'metrics' must be an object of names to numbers, e.g."
            + " {\"metrics\": {\"processed\": 12}}");
      }
      if (metrics.size() > MAX_BUSINESS_METRICS) {
        throw ApiException.badRequest("at most " + MAX_BUSINESS_METRICS + " metrics per heartbeat, not "
            + metrics.size());
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> m = it.next();
        if (!METRIC_NAME.matcher(m.getKey()).matches()) {
          throw ApiException.badRequest("metric name '" + m.getKey() + "' must match [a-zA-Z_][a-zA-Z0-9_]*"
              + " (at most 64 characters)");
        }
        if (!m.getValue().isNumber()) {
          throw ApiException.badRequest("metric '" + m.getKey() + "' must be a number, not "
              + m.getValue().getNodeType().name().toLowerCase());
        }
        if (!Double.isFinite(m.getValue().asDouble())) {
          throw ApiException.badRequest("metric '" + m.getKey() + "' must be a finite number, not " + m.getValue()
              + " (too large for a double)");
        }
        values.put(m.getKey(), m.getValue().asDouble());
      }
    }
    Instant now = Instant.now();
    services.heartbeats().beat(name, now);
    if (!values.isEmpty()) {
      services.business().record(name, now, values);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("component", name);
    json.put("time", now);
    json.put("metrics", values);
    return Json.response(StatusCodes.ACCEPTED, json);
  }

  private CompletionStage<HttpResponse> addSilence(JsonNode body) {
    String component = Json.text(body, "component").orElseThrow(() ->
        ApiException.badRequest("'component' is required: a component name, 'system' or '*' for all"));
    if (!component.equals(Silence.ALL) && !component.equals(HealthEvent.SYSTEM)) {
      known(component);
    }
    Instant now = Instant.now();
    Optional<Instant> startsAt = Json.text(body, "startsAt").map(t -> instant("startsAt", t, now));
    Optional<String> duration = Json.text(body, "duration");
    Optional<String> endsAtText = Json.text(body, "endsAt");
    if (duration.isPresent() == endsAtText.isPresent()) {
      throw ApiException.badRequest("give either 'duration' (e.g. \"30m\") or 'endsAt' (an ISO time)");
    }
    Instant latest = now.plus(MAX_SILENCE);
    Instant endsAt = endsAtText.map(t -> instant("endsAt", t, now)).orElseGet(() -> {
      Duration d = duration(duration.get());
      // checked before it is added: a duration of a billion days would overflow the instant
      if (d.compareTo(Duration.between(startsAt.orElse(now), latest)) > 0) {
        throw silenceTooLong(duration.get() + startsAt.map(s -> " from " + s).orElse(""));
      }
      return startsAt.orElse(now).plus(d);
    });
    if (!endsAt.isAfter(startsAt.orElse(now))) {
      throw ApiException.badRequest("the silence must end after it starts (endsAt " + endsAt + ")");
    }
    if (endsAt.isAfter(latest)) {
      throw silenceTooLong("until " + endsAt);
    }
    String reason = Json.text(body, "reason").orElse("");
    return AskPattern.<AlertManager.Command, StatusReply<Silence>>ask(services.alerts(),
        replyTo -> new AlertManager.AddSilence(component, startsAt, endsAt, reason, replyTo), settings.askTimeout(),
        services.system().scheduler()).thenApply(reply -> {
          if (reply.isError()) {
            throw ApiException.badRequest(reply.getError().getMessage());
          }
          return Json.response(StatusCodes.CREATED, reply.getValue());
        });
  }

  private static ApiException silenceTooLong(String asked) {
    return ApiException.badRequest("a silence may end at most " + MAX_SILENCE.toDays() + " days from now, not "
        + asked + ": set a shorter one and renew it, or remove the component from the config");
  }

  private CompletionStage<HttpResponse> reload(Caller caller) {
    FleetSpec next;
    try {
      next = services.reloader().load();
    } catch (io.regulator.core.config.ConfigValidationException e) {
      List<String> problems = new ArrayList<>();
      e.problems().forEach(p -> problems.add(p.render()));
      throw ApiException.badRequest("the config has " + problems.size() + " problem(s); nothing was changed",
          problems);
    }
    FleetSpec current = services.fleet().get();
    if (!next.settings().node().equals(current.settings().node())
        || !next.settings().dataDir().equals(current.settings().dataDir())
        || !next.settings().logDir().equals(current.settings().logDir())) {
      throw ApiException.badRequest("node, data-dir and log-dir cannot change by a reload (they name this host's"
          + " history and files): restart Regulator for them; nothing was changed", List.of());
    }
    Duration timeout = settings.askTimeout().plus(Duration.ofMinutes(2));
    return reload.apply(next, timeout).thenApply(changes -> {
      services.fleet().set(next);
      statuses.invalidate();
      return Json.ok(changes);
    });
  }

  // ---- parameters

  private static Optional<Instant> time(Map<String, String> params, String name, Instant now) {
    String typed = params.get(name);
    return typed == null ? Optional.empty() : Optional.of(instant(name, typed, now));
  }

  private static Instant instant(String name, String typed, Instant now) {
    try {
      return TimeExpression.parse(typed, now, ZoneId.systemDefault());
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw ApiException.badRequest(name + ": " + e.getMessage());
    }
  }

  private static void window(Optional<Instant> since, Optional<Instant> until) {
    if (since.isPresent() && until.isPresent() && !until.get().isAfter(since.get())) {
      throw ApiException.badRequest("until (" + until.get() + ") must be later than since (" + since.get() + ")");
    }
  }

  private static int intParam(Map<String, String> params, String name, int fallback, int min, int max) {
    String typed = params.get(name);
    if (typed == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(typed.trim());
      if (value < min || value > max) {
        throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", not " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number, not '" + typed + "'");
    }
  }

  private static Duration duration(String typed) {
    try {
      return com.typesafe.config.ConfigFactory.parseString("d = \"" + typed.replace("\"", "") + "\"")
          .getDuration("d");
    } catch (com.typesafe.config.ConfigException e) {
      throw ApiException.badRequest("duration '" + typed + "' is not a duration: use e.g. 30m, 2h, 1d");
    }
  }
}

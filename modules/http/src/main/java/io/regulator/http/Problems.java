package io.regulator.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

/**
 * Every error the API gives is an RFC 9457 problem ({@code application/problem+json}): a title, the
 * status, a one-line detail and the path, never a stack trace. Rejections of Pekko's own routing
 * (unknown path, wrong method, missing header) are turned into problems too.
 */
public final class Problems {

  public static final ContentType.WithFixedCharset PROBLEM_JSON =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  /** The default handler's detail for an unknown path, which does not say which path. */
  private static final String PEKKO_NOT_FOUND = "The requested resource could not be found.";

  private Problems() {}

  public static HttpResponse of(StatusCode status, String detail, String path, Map<String, Object> extra) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", status.reason());
    problem.put("status", status.intValue());
    problem.put("detail", detail);
    if (path != null) {
      problem.put("instance", path);
    }
    problem.putAll(extra);
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(PROBLEM_JSON, Json.write(problem)));
  }

  public static HttpResponse of(StatusCode status, String detail) {
    return of(status, detail, null, Map.of());
  }

  /** Failures thrown while handling a request. */
  public static ExceptionHandler exceptions(String path) {
    return ExceptionHandler.newBuilder().matchAny(e -> complete(failure(path, e))).build();
  }

  /** The problem for a failure: the refusals the API words itself, else one line without Regulator's internals. */
  static HttpResponse failure(String path, Throwable thrown) {
    Throwable e = unwrapped(thrown);
    if (e instanceof ApiException api) {
      return of(api.status(), api.getMessage(), path, api.extra());
    }
    if (e instanceof EntityStreamSizeException size) {
      return of(StatusCodes.PAYLOAD_TOO_LARGE, "the request body is larger than the limit of " + size.limit()
          + " bytes (regulator.http.max-body)", path, Map.of());
    }
    if (e instanceof IllegalRequestException illegal) {
      return of(illegal.status(), illegal.info().summary(), path, Map.of());
    }
    if (e instanceof java.sql.SQLException || causedBySql(e)) {
      // the store is down or still locked after a crash: supervision goes on, the writer buffers
      return of(StatusCodes.SERVICE_UNAVAILABLE, "the journal is not reachable right now (" + rootMessage(e)
          + "); supervision goes on and events are buffered; retry in a moment", path, Map.of());
    }
    if (e instanceof TimeoutException) {
      // an actor that did not answer in time: a stack trace would say no more than this line
      LOG.warn("request {} got no answer in time: {}", path, e.getMessage());
      return of(StatusCodes.SERVICE_UNAVAILABLE, "a part of Regulator did not answer within regulator.http.ask-timeout"
          + " (it is busy or stuck); try again, and see Regulator's log if this goes on", path, Map.of());
    }
    // logged in full for whoever maintains Regulator; the caller gets the time to find it by
    LOG.warn("request {} failed", path, e);
    return of(StatusCodes.INTERNAL_SERVER_ERROR, "the request failed inside Regulator at " + Instant.now()
        + "; Regulator's log (regulator.log) has the details", path, Map.of());
  }

  /** A failure of a future arrives wrapped. */
  private static Throwable unwrapped(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The answer when a route has not completed within {@code pekko.http.server.request-timeout}. */
  static HttpResponse requestTimedOut(HttpRequest request) {
    return of(StatusCodes.SERVICE_UNAVAILABLE, "no answer within pekko.http.server.request-timeout: Regulator is busy,"
        + " or a part of it is stuck; try again, and see Regulator's log if this goes on", request.getUri().path(),
        Map.of());
  }

  private static boolean causedBySql(Throwable e) {
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof java.sql.SQLException) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  /** Pekko's rejections (404, 405, 400, 413, …) with the same text, as problems. */
  public static RejectionHandler rejections(String path) {
    RejectionHandler oversized = RejectionHandler.newBuilder()
        .handle(MalformedRequestContentRejection.class, rejection -> {
          if (rejection.getCause() instanceof EntityStreamSizeException e) {
            return complete(of(StatusCodes.PAYLOAD_TOO_LARGE,
                "the request body is larger than the limit of " + e.limit() + " bytes (regulator.http.max-body)", path,
                Map.of()));
          }
          return complete(of(StatusCodes.BAD_REQUEST,
              "the request body could not be read: " + rejection.message(), path, Map.of()));
        })
        .build();
    return oversized.withFallback(RejectionHandler.defaultHandler()).mapRejectionResponse(response -> {
      if (response.entity().getContentType().mediaType().equals(PROBLEM_JSON.mediaType())) {
        return response;
      }
      String text = response.entity() instanceof HttpEntity.Strict strict ? strict.getData().utf8String().trim()
          : response.status().reason();
      if (text.isEmpty()) {
        text = response.status().reason();
      }
      if (response.status().equals(StatusCodes.NOT_FOUND) && text.equals(PEKKO_NOT_FOUND)) {
        text = "there is nothing at " + path + "; the API's paths are listed in docs/http-api.md";
      }
      return of(response.status(), text, path, Map.of()).withHeaders(response.getHeaders());
    });
  }
}

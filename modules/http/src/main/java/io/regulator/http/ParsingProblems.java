package io.regulator.http;

import java.util.Map;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Requests too broken to reach the routes (a header or URI over Pekko's limits, a malformed
 * request line) are answered as problems too, like every other error of the API. Named by
 * {@code pekko.http.server.parsing.error-handler} in this module's reference.conf.
 */
public final class ParsingProblems extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    // the summary only: the details may quote a header's value, and a header may hold a token
    log.debug("refused a malformed request: {}", error.summary());
    // too many header fields are as much "too large" as one that is too long
    StatusCode answer = error.summary().contains("more than the configured limit") && error.summary().contains("headers")
        ? StatusCodes.RequestHeaderFieldsTooLarge() : status;
    return Problems.of(answer, "malformed request: " + error.summary(), null, Map.of());
  }
}

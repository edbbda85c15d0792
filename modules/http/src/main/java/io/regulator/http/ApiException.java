package io.regulator.http;

import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A request the API refuses, with the status and the one line a person needs: what is wrong and
 * what to do. Rendered as {@code application/problem+json} by {@link Problems}.
 *
 * @param extra more members of the problem object (e.g. {@code problems} of an invalid config)
 */
public final class ApiException extends RuntimeException {

  private final StatusCode status;
  private final transient Map<String, Object> extra;

  public ApiException(StatusCode status, String detail, Map<String, Object> extra) {
    super(detail, null, false, false);
    this.status = status;
    this.extra = Map.copyOf(extra);
  }

  public ApiException(StatusCode status, String detail) {
    this(status, detail, Map.of());
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(StatusCodes.BAD_REQUEST, detail);
  }

  public static ApiException badRequest(String detail, List<String> problems) {
    return new ApiException(StatusCodes.BAD_REQUEST, detail, Map.of("problems", problems));
  }

  public static ApiException notFound(String detail) {
    return new ApiException(StatusCodes.NOT_FOUND, detail);
  }

  public StatusCode status() {
    return status;
  }

  public Map<String, Object> extra() {
    return extra;
  }
}

package io.regulator.runtime.probe;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * GET a URL: healthy when the status is in range and, if asked, the body contains a text and a
 * JSON pointer holds a value. Redirects are not followed (a 3xx is an answer, as in Kubernetes).
 */
final class HttpProbe implements Probe {

  private final String component;
  private final ProbeCheck.Http check;
  private final URI uri;
  private final Duration timeout;
  private final HttpGet http;
  private final ObjectMapper json;
  private final JsonPointer pointer;

  HttpProbe(String component, ProbeCheck.Http check, Duration timeout, HttpGet http, ObjectMapper json) {
    this.component = component;
    this.check = check;
    this.uri = URI.create(check.url());
    this.timeout = timeout;
    this.http = http;
    this.json = json;
    this.pointer = check.jsonPointer().map(JsonPointer::compile).orElse(null);
  }

  @Override
  public CompletionStage<ProbeResult> check(ProbeTarget target) {
    boolean readBody = check.bodyContains().isPresent() || pointer != null;
    return http.get(uri, timeout, readBody).thenApply(this::judge);
  }

  private ProbeResult judge(HttpGet.Outcome outcome) {
    String where = "GET " + uri;
    if (outcome instanceof HttpGet.Failure f) {
      return ProbeResult.failed(f.latency(), failure(f, where, component, uri));
    }
    HttpGet.Answer a = (HttpGet.Answer) outcome;
    if (a.status() < check.statusMin() || a.status() > check.statusMax()) {
      return ProbeResult.failed(a.latency(), new Cause(CauseCategory.PROBE_STATUS,
          where + " answered " + a.status() + " (expected " + check.statusMin() + "-" + check.statusMax() + ")",
          "it answers but reports a problem; see logs/" + component + ".log"));
    }
    if (check.bodyContains().isPresent() && !a.body().contains(check.bodyContains().get())) {
      return ProbeResult.failed(a.latency(), new Cause(CauseCategory.PROBE_BODY,
          where + ": body does not contain " + Wording.quote(check.bodyContains().get(), 80)
              + " (got " + Wording.quote(a.body(), 100) + ")",
          "it answers but not as expected; see logs/" + component + ".log"));
    }
    if (pointer != null) {
      String expected = check.jsonValue().orElse(null);
      String got;
      try {
        JsonNode node = json.readTree(a.body()).at(pointer);
        got = node.isMissingNode() ? null : node.isValueNode() ? node.asText() : node.toString();
      } catch (IOException e) {
        return ProbeResult.failed(a.latency(), new Cause(CauseCategory.PROBE_JSON,
            where + ": body is not JSON (got " + Wording.quote(a.body(), 100) + ")",
            "point the probe at an endpoint that answers JSON, or drop json-pointer"));
      }
      if (got == null || (expected != null && !expected.equals(got))) {
        String detail = got == null
            ? where + ": nothing at JSON pointer " + pointer + (expected == null ? "" : " (expected " + Wording.quote(expected, 60) + ")")
            : where + ": JSON " + pointer + " is " + Wording.quote(got, 60) + ", expected " + Wording.quote(expected, 60);
        return ProbeResult.failed(a.latency(), new Cause(CauseCategory.PROBE_JSON, detail,
            "it reports itself unhealthy; see logs/" + component + ".log"));
      }
    }
    return ProbeResult.healthy(a.latency(), a.status() + " in " + Wording.duration(a.latency()));
  }

  /** The cause of a GET that got no answer; shared with the tunnel probe's wording. */
  static Cause failure(HttpGet.Failure f, String where, String component, URI uri) {
    String hostPort = uri.getHost() + ":" + (uri.getPort() >= 0 ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
    return switch (f.kind()) {
      case REFUSED -> new Cause(CauseCategory.PROBE_REFUSED, where + ": connection refused",
          "nothing listens on " + hostPort + "; check that " + component + " is up and uses that port");
      case TIMEOUT -> new Cause(CauseCategory.PROBE_TIMEOUT, where + ": " + f.message(),
          component + " is stuck or overloaded; see logs/" + component + ".log, or raise the probe's timeout");
      case ERROR -> new Cause(CauseCategory.PROBE_ERROR, where + " failed: " + f.message(),
          "check the probe's url and that " + component + " speaks HTTP there");
    };
  }
}

package io.regulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.regulator.http.AccessTokens.Role;
import io.regulator.http.ApiServer.Caller;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The pure parts of the API's answers to bad input: which Host names may read without a token,
 * what a broken body is told, and that a failure inside never shows Regulator's internals.
 */
class HostileInputTest {

  @Test
  void onlyLocalNamesMayReadWithoutAToken() {
    for (String local : new String[] {"localhost", "LOCALHOST", "localhost.", "app.localhost", "127.0.0.1",
        "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1"}) {
      assertThat(LocalNames.isLocal(local, "127.0.0.1")).as(local).isTrue();
    }
    for (String foreign : new String[] {"evil.example", "127.0.0.1.evil.example", "localhost.evil.example",
        "10.0.0.7", "0.0.0.0", "::", "1270.0.0.1", "localhostx"}) {
      assertThat(LocalNames.isLocal(foreign, "127.0.0.1")).as(foreign).isFalse();
    }
    // the configured bind host, as written, counts too (a name that the machine resolves to loopback)
    assertThat(LocalNames.isLocal("Regulator-Box", "regulator-box")).isTrue();
  }

  @Test
  void anOpenReadAddressedToAForeignNameIsRefusedWithTheReason() {
    Caller rebound = new Caller(Optional.empty(), false, "127.0.0.1", Optional.of("evil.example"));
    HttpResponse refused = ApiServer.refusal(rebound, Role.READ, true, "/api/v1/status").orElseThrow();

    assertThat(refused.status().intValue()).isEqualTo(403);
    assertThat(detail(refused)).contains("addressed to 'evil.example'", "localhost, 127.0.0.1 or ::1");
    // a token still reads from any name; local names read without one
    assertThat(ApiServer.refusal(new Caller(Optional.of(Role.READ), false, "127.0.0.1", Optional.of("evil.example")),
        Role.READ, true, "/api/v1/status")).isEmpty();
    assertThat(ApiServer.refusal(new Caller(Optional.empty(), false, "127.0.0.1", Optional.empty()),
        Role.READ, true, "/api/v1/status")).isEmpty();
    // mutations need the admin token whatever the name
    assertThat(ApiServer.refusal(new Caller(Optional.empty(), false, "127.0.0.1", Optional.empty()),
        Role.ADMIN, true, "/api/v1/reload").orElseThrow().status().intValue()).isEqualTo(401);
  }

  @Test
  void theParsersOwnSettingNamesAreLeftOutOfTheMessage() {
    assertThat(Json.withoutParserInternals("Document nesting depth (1001) exceeds the maximum allowed (1000, from"
        + " `StreamReadConstraints.getMaxNestingDepth()`)"))
        .isEqualTo("Document nesting depth (1001) exceeds the maximum allowed (1000)");
    assertThat(Json.withoutParserInternals("Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS`"
        + " to allow")).isEqualTo("Non-standard token 'NaN'");
    assertThat(Json.withoutParserInternals("Unexpected end-of-input within/between Object entries"))
        .isEqualTo("Unexpected end-of-input within/between Object entries");
  }

  @Test
  void aBodyNestedTooDeeplyIsABadRequestSayingSo() {
    ApiException e = org.assertj.core.api.Assertions.catchThrowableOfType(ApiException.class,
        () -> Json.object("[".repeat(5000) + "]".repeat(5000)));

    assertThat(e.status().intValue()).isEqualTo(400);
    assertThat(e.getMessage()).startsWith("the body is not valid JSON: Document nesting depth").doesNotContain("`");
  }

  @Test
  void aFailureInsideIsOneLineWithoutRegulatorsInternals() {
    HttpResponse timeout = Problems.failure("/api/v1/alerts", new TimeoutException(
        "Ask timed out on [Actor[pekko://regulator/user/alert-manager]] after [5000 ms]"));
    HttpResponse bug = Problems.failure("/api/v1/alerts", new IllegalStateException("secret internals"));

    assertThat(timeout.status().intValue()).isEqualTo(503);
    assertThat(detail(timeout)).contains("regulator.http.ask-timeout").doesNotContain("Actor", "Exception");
    assertThat(bug.status().intValue()).isEqualTo(500);
    assertThat(detail(bug)).contains("regulator.log").doesNotContain("IllegalState", "Exception", "internals");
    // a failed future arrives wrapped; what it wraps decides the answer
    assertThat(Problems.failure("/x", new CompletionException(ApiException.notFound("no such thing")))
        .status().intValue()).isEqualTo(404);
  }

  private static String detail(HttpResponse response) {
    String body = ((HttpEntity.Strict) response.entity()).getData().utf8String();
    JsonNode problem = Json.object(body);
    return problem.path("detail").asText();
  }
}

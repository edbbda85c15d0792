package io.regulator.runtime.probe;

import static io.regulator.runtime.probe.ProbeKit.check;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http probe against a real HTTP server on loopback. */
final class HttpProbeTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private ProbeKit kit;
  private TestHttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    kit = new ProbeKit();
    server = new TestHttpServer()
        .answer("/health", 200, "text/plain", "all good")
        .answer("/broken", 503, "text/plain", "db down")
        .answer("/moved", 302, "text/plain", "")
        .answer("/status", 200, "application/json",
            "{\"status\":\"degraded\",\"checks\":{\"db\":\"up\",\"queue\":3},\"ok\":false}")
        .answer("/text", 200, "text/html", "<html>hello</html>")
        .hang("/hang");
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
    kit.close();
  }

  private Probe http(String path, int min, int max, String contains, String pointer, String value) {
    return kit.probe("runner", new ProbeCheck.Http(server.url(path), min, max, Optional.ofNullable(contains),
        Optional.ofNullable(pointer), Optional.ofNullable(value)), TIMEOUT);
  }

  private Probe http(String path) {
    return http(path, 200, 399, null, null, null);
  }

  @Test
  void aStatusInRangeIsHealthyAndItsLatencyIsRecorded() throws Exception {
    ProbeResult result = check(http("/health"), "runner");

    assertThat(result.healthy()).isTrue();
    assertThat(result.cause()).isNull();
    assertThat(result.latency()).isPositive().isLessThan(TIMEOUT);
    assertThat(result.detail()).startsWith("200 in ");
  }

  @Test
  void aRedirectIsAnAnswerNotFollowed() throws Exception {
    assertThat(check(http("/moved"), "runner").healthy()).isTrue();
    ProbeResult strict = check(http("/moved", 200, 299, null, null, null), "runner");
    assertThat(strict.healthy()).isFalse();
    assertThat(strict.cause().category()).isEqualTo(CauseCategory.PROBE_STATUS);
  }

  @Test
  void aStatusOutOfRangeNamesTheStatus() throws Exception {
    ProbeResult result = check(http("/broken"), "runner");

    assertThat(result.healthy()).isFalse();
    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_STATUS);
    assertThat(result.cause().detail())
        .isEqualTo("GET " + server.url("/broken") + " answered 503 (expected 200-399)");
    assertThat(result.cause().suggestion()).contains("logs/runner.log");
    assertThat(result.detail()).isEqualTo(result.cause().detail());
  }

  @Test
  void theBodyMustContainTheExpectedText() throws Exception {
    assertThat(check(http("/health", 200, 399, "good", null, null), "runner").healthy()).isTrue();

    ProbeResult result = check(http("/text", 200, 399, "all good", null, null), "runner");
    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_BODY);
    assertThat(result.cause().detail()).endsWith(": body does not contain 'all good' (got '<html>hello</html>')");
  }

  @Test
  void aJsonPointerMustHoldTheExpectedValue() throws Exception {
    assertThat(check(http("/status", 200, 399, null, "/checks/db", "up"), "runner").healthy()).isTrue();
    assertThat(check(http("/status", 200, 399, null, "/checks/queue", "3"), "runner").healthy()).isTrue();
    assertThat(check(http("/status", 200, 399, null, "/ok", "false"), "runner").healthy()).isTrue();

    ProbeResult wrong = check(http("/status", 200, 399, null, "/status", "ok"), "runner");
    assertThat(wrong.cause().category()).isEqualTo(CauseCategory.PROBE_JSON);
    assertThat(wrong.cause().detail()).endsWith(": JSON /status is 'degraded', expected 'ok'");

    ProbeResult missing = check(http("/status", 200, 399, null, "/checks/cache", "up"), "runner");
    assertThat(missing.cause().category()).isEqualTo(CauseCategory.PROBE_JSON);
    assertThat(missing.cause().detail()).endsWith(": nothing at JSON pointer /checks/cache (expected 'up')");

    ProbeResult notJson = check(http("/text", 200, 399, null, "/status", "ok"), "runner");
    assertThat(notJson.cause().category()).isEqualTo(CauseCategory.PROBE_JSON);
    assertThat(notJson.cause().detail()).contains("body is not JSON");
  }

  @Test
  void aClosedPortIsConnectionRefused() throws Exception {
    int port = TestHttpServer.closedPort();
    Probe probe = kit.probe("runner", new ProbeCheck.Http("http://127.0.0.1:" + port + "/health", 200, 399,
        Optional.empty(), Optional.empty(), Optional.empty()), TIMEOUT);

    ProbeResult result = check(probe, "runner");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_REFUSED);
    assertThat(result.cause().detail()).isEqualTo("GET http://127.0.0.1:" + port + "/health: connection refused");
    assertThat(result.cause().suggestion()).isEqualTo(
        "nothing listens on 127.0.0.1:" + port + "; check that runner is up and uses that port");
    assertThat(result.latency()).isLessThan(TIMEOUT);
  }

  @Test
  void aServerThatNeverAnswersIsATimeoutAfterTheProbesTimeout() throws Exception {
    Probe probe = http("/hang");
    long start = System.nanoTime();

    ProbeResult result = check(probe, "runner");

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_TIMEOUT);
    assertThat(result.cause().detail()).isEqualTo("GET " + server.url("/hang") + ": no answer within 1s");
    assertThat(took).isBetween(TIMEOUT.minusMillis(50), TIMEOUT.plus(Probes.TIMEOUT_MARGIN));
  }

  @Test
  void theSameProbeChecksAgainAndAgain() throws Exception {
    Probe probe = http("/health");
    for (int i = 0; i < 20; i++) {
      assertThat(check(probe, "runner").healthy()).isTrue();
    }
  }
}

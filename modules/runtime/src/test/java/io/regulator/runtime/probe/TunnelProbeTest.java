package io.regulator.runtime.probe;

import static io.regulator.runtime.probe.ProbeKit.check;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tunnel probe against a real HTTP server that answers like ngrok's local API, whose tunnel
 * "public URL" is a second real server (the far end of the tunnel).
 */
final class TunnelProbeTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private ProbeKit kit;
  private TestHttpServer ngrok;
  private TestHttpServer publicEnd;

  @BeforeEach
  void setUp() throws Exception {
    kit = new ProbeKit();
    publicEnd = new TestHttpServer()
        .answer("/health", 200, "text/plain", "ok")
        .answer("/broken", 502, "text/plain", "bad gateway")
        .hang("/slow");
    ngrok = new TestHttpServer()
        .answer("/api/tunnels", 200, "application/json", """
            {"tunnels":[
              {"name":"command_line","public_url":"%s","proto":"https","config":{"addr":"http://localhost:5051","inspect":true}},
              {"name":"other","public_url":"https://other.ngrok.app","proto":"https","config":{"addr":"http://localhost:8080"}}
            ],"uri":"/api/tunnels"}""".formatted(publicEnd.url("")))
        .answer("/api/empty", 200, "application/json", "{\"tunnels\":[],\"uri\":\"/api/tunnels\"}")
        .answer("/api/html", 200, "text/html", "<html>ngrok</html>");
  }

  @AfterEach
  void tearDown() throws Exception {
    ngrok.close();
    publicEnd.close();
    kit.close();
  }

  private Probe tunnel(String apiPath, String upstream, boolean endToEnd, String path) {
    return kit.probe("tunnel", new ProbeCheck.Tunnel(ngrok.url(apiPath), upstream, endToEnd, path), TIMEOUT);
  }

  @Test
  void aTunnelForTheUpstreamIsHealthyWhicheverWayTheAddressIsWritten() throws Exception {
    for (String upstream : new String[] {"localhost:5051", "127.0.0.1:5051", "http://127.0.0.1:5051/", "5051"}) {
      ProbeResult result = check(tunnel("/api/tunnels", upstream, false, ""), "tunnel");
      assertThat(result.healthy()).as(upstream).isTrue();
      assertThat(result.detail()).isEqualTo(publicEnd.url("") + " -> http://localhost:5051");
    }
  }

  @Test
  void noTunnelForTheUpstreamListsWhatIsThere() throws Exception {
    ProbeResult result = check(tunnel("/api/tunnels", "localhost:5052", false, ""), "tunnel");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.TUNNEL_MISSING);
    assertThat(result.cause().detail()).isEqualTo("no tunnel for localhost:5052 at " + ngrok.url("/api/tunnels")
        + " (tunnels: " + publicEnd.url("") + " -> http://localhost:5051, https://other.ngrok.app -> http://localhost:8080)");
    assertThat(result.cause().suggestion()).isEqualTo("restart tunnel; check that its command points at localhost:5052");

    ProbeResult none = check(tunnel("/api/empty", "localhost:5051", false, ""), "tunnel");
    assertThat(none.cause().detail()).endsWith("(no tunnels)");
  }

  @Test
  void anApiThatIsDownIsTunnelDown() throws Exception {
    int port = TestHttpServer.closedPort();
    Probe probe = kit.probe("tunnel", new ProbeCheck.Tunnel("http://127.0.0.1:" + port + "/api/tunnels",
        "localhost:5051", false, ""), TIMEOUT);

    ProbeResult result = check(probe, "tunnel");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.TUNNEL_DOWN);
    assertThat(result.cause().detail()).isEqualTo(
        "tunnel API http://127.0.0.1:" + port + "/api/tunnels does not answer: connection refused");
  }

  @Test
  void anApiThatAnswersSomethingElseIsTunnelDown() throws Exception {
    ProbeResult result = check(tunnel("/api/html", "localhost:5051", false, ""), "tunnel");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.TUNNEL_DOWN);
    assertThat(result.cause().detail()).contains("answered something else than a tunnel list");
  }

  @Test
  void endToEndGoesThroughThePublicUrl() throws Exception {
    ProbeResult ok = check(tunnel("/api/tunnels", "localhost:5051", true, "/health"), "tunnel");
    assertThat(ok.healthy()).isTrue();
    assertThat(ok.detail()).startsWith(publicEnd.url("") + " -> http://localhost:5051, end to end 200 in ");

    ProbeResult broken = check(tunnel("/api/tunnels", "localhost:5051", true, "/broken"), "tunnel");
    assertThat(broken.cause().category()).isEqualTo(CauseCategory.TUNNEL_UNREACHABLE);
    assertThat(broken.cause().detail()).isEqualTo(
        "end-to-end GET " + publicEnd.url("/broken") + " through the tunnel answered 502");
  }

  @Test
  void endToEndSharesTheProbesTimeout() throws Exception {
    long start = System.nanoTime();

    ProbeResult slow = check(tunnel("/api/tunnels", "localhost:5051", true, "/slow"), "tunnel");

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(slow.cause().category()).isEqualTo(CauseCategory.TUNNEL_UNREACHABLE);
    assertThat(slow.cause().detail()).startsWith("end-to-end GET " + publicEnd.url("/slow") + " through the tunnel failed: no answer within");
    assertThat(took).isLessThan(TIMEOUT.plus(Probes.TIMEOUT_MARGIN));
  }

  @Test
  void addressesNormalise() {
    assertThat(TunnelProbe.normalize("http://localhost:5051")).isEqualTo("localhost:5051");
    assertThat(TunnelProbe.normalize("localhost:5051")).isEqualTo("localhost:5051");
    assertThat(TunnelProbe.normalize("127.0.0.1:5051")).isEqualTo("localhost:5051");
    assertThat(TunnelProbe.normalize("http://[::1]:5051/")).isEqualTo("localhost:5051");
    assertThat(TunnelProbe.normalize("5051")).isEqualTo("localhost:5051");
    assertThat(TunnelProbe.normalize("https://LocalHost")).isEqualTo("localhost:443");
    assertThat(TunnelProbe.normalize("http://example.org")).isEqualTo("example.org:80");
    assertThat(TunnelProbe.normalize("localhost:5052")).isNotEqualTo(TunnelProbe.normalize("localhost:5051"));
  }
}

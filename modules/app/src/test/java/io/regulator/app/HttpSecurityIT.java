package io.regulator.app;

import static io.regulator.app.HttpApiIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's protections on a bound server: HTTPS from a keystore, the read-only token, the
 * per-client rate limit, and the refusal to serve other machines without a token.
 */
class HttpSecurityIT {

  @TempDir Path tmp;

  @Test
  void httpsReadTokenAndRateLimit() throws Exception {
    Path keystore = tmp.resolve("regulator.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "regulator", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", "secret123", "-keypass", "secret123")
        .redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

    int port = HttpCalls.freePort();
    String mark = "sec-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator {
          data-dir = "%s/data"
          log-dir = "%s/logs"
          http {
            port = %d
            token = "admin-secret-for-tests"
            read-token = "read-secret-for-tests"
            rate-limit { requests-per-second = 2, burst = 20 }
            tls { keystore = "%s", password = "secret123", type = PKCS12 }
          }
          components { web { command = ["%s", "%s-web"] } }
        }
        """.formatted(tmp, tmp, port, keystore, RegulatorProcess.COMPONENT, mark));
    HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(5))
        .build();
    HttpCalls anonymous = new HttpCalls("https://127.0.0.1:" + port, Optional.empty(), client);
    try (RegulatorProcess regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> anonymous.get("/health").status() == 200);
      // no token file is generated when the token is configured
      assertThat(tmp.resolve("data").resolve("http-token")).doesNotExist();

      HttpCalls reader = anonymous.withToken("read-secret-for-tests");
      assertThat(reader.get("/api/v1/status").status()).isEqualTo(200);
      assertThat(reader.get("/metrics").status()).isEqualTo(200);
      // once a read token exists, reads need a token too
      assertProblem(anonymous.get("/api/v1/status"), 401, "read or the admin token");
      assertProblem(reader.post("/api/v1/components/web/restart", ""), 403, "read-only");
      HttpCalls admin = anonymous.withToken("admin-secret-for-tests");
      assertThat(admin.post("/api/v1/components/web/restart", "").status()).isEqualTo(200);

      // the burst is spent quickly; then 429 with Retry-After, a problem like every error
      List<HttpCalls.Reply> replies = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        // a forwarding header names another client each time: the limit goes by the connection, not by it
        replies.add(reader.send(reader.request("/api/v1/status").header("X-Forwarded-For", "203.0.113." + i)));
      }
      HttpCalls.Reply limited = replies.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
      assertProblem(limited, 429, "rate-limit");
      assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();

      regulator.process.destroy();
      assertThat(regulator.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aNonLoopbackAddressWithoutATokenIsRefusedAtStart() throws Exception {
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator {
          data-dir = "%s/data"
          log-dir = "%s/logs"
          http { host = "0.0.0.0", port = %d }
          components { web { command = ["%s", "refused-web"] } }
        }
        """.formatted(tmp, tmp, HttpCalls.freePort(), RegulatorProcess.COMPONENT));
    RegulatorProcess.Result run = RegulatorProcess.exec("run", "-c", config.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("not started").contains("0.0.0.0").contains("regulator.http.token");
    assertThat(run.output()).doesNotContain("Exception");
  }

  @Test
  void aTakenPortStopsRegulatorWithOneLine() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      Path config = Files.writeString(tmp.resolve("regulator.conf"), """
          regulator {
            data-dir = "%s/data"
            log-dir = "%s/logs"
            http { port = %d }
            components { web { command = ["%s", "port-taken-web"] } }
          }
          """.formatted(tmp, tmp, taken.getLocalPort(), RegulatorProcess.COMPONENT));
      RegulatorProcess.Result run = RegulatorProcess.exec("run", "-c", config.toString());
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.output()).contains("not started").contains("cannot serve the API")
          .contains(String.valueOf(taken.getLocalPort()));
      // found out before any component started, and no stack trace
      assertThat(run.output()).doesNotContain("started pid").doesNotContain("Exception");
    }
  }

  private static SSLContext trusting(Path keystore) throws Exception {
    return trusting(keystore, "secret123");
  }

  /** A client context that trusts the certificate in {@code keystore} (PKCS12). */
  static SSLContext trusting(Path keystore, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password.toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}

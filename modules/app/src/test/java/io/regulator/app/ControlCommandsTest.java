package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control commands through the real command line, against a stand-in for the API on a
 * loopback port: what they send (path, token, body) and what the user sees (output, one-line
 * errors, exit codes).
 */
class ControlCommandsTest {

  @TempDir Path tmp;
  private FakeService service;
  private Path dataDir;

  @BeforeEach
  void start() throws Exception {
    service = FakeService.http();
    dataDir = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(dataDir.resolve("http-token"), "file-token\n");
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void statusPrintsTheSummaryAndTableFromBothEndpoints() throws Exception {
    service.answer("GET /api/v1/status", 200, StatusViewTest.STATUS)
        .answer("GET /api/v1/components", 200, StatusViewTest.COMPONENTS);

    Run r = run("status");

    assertThat(r.code).isZero();
    assertThat(r.out).startsWith("DEGRADED, score 83: 2/3 ready, 1 stopped (node local, http://127.0.0.1:"
        + service.port() + ")\n\nNAME ");
    assertThat(r.out).containsPattern("worker +BACKOFF +- +- +3 +CLOSED +no +exited with code 1");
    assertThat(r.err).isEmpty();
    assertThat(service.requests).extracting(FakeService.Request::authorization)
        .as("reads carry the admin token when there is one").containsOnly("Bearer file-token");
  }

  @Test
  void statusJsonIsTheApisBodyAsItIs() throws Exception {
    service.answer("GET /api/v1/status", 200, StatusViewTest.STATUS);
    Run r = run("status", "--json");
    assertThat(r.code).isZero();
    assertThat(r.out).isEqualTo(StatusViewTest.STATUS.strip() + "\n");
  }

  @Test
  void anUnknownComponentIsTheProblemDetailWithItsDidYouMean() throws Exception {
    service.answer("GET /api/v1/components/wbe", 404,
        FakeService.problem(404, "Not Found", "unknown component 'wbe': did you mean 'web'?"));

    Run r = run("status", "wbe");

    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).isEqualTo("regulator: unknown component 'wbe': did you mean 'web'?\n");
    assertThat(r.out).isEmpty();
  }

  @Test
  void restartPostsWithTheAdminTokenAndPrintsTheNewProcessNotTheOneStopping() throws Exception {
    // The service answers once the supervisor took the command, while the old process still stops.
    service.answer("POST /api/v1/components/web/restart", 200,
        "{\"name\":\"web\",\"state\":\"STOPPING\",\"pid\":4242,\"ready\":false}");
    service.answer("GET /api/v1/components/web", 200,
        "{\"name\":\"web\",\"state\":\"STARTING\",\"pid\":4243,\"ready\":false}");
    service.answer("POST /api/v1/components/web/stop", 200, "{\"name\":\"web\",\"state\":\"STOPPED\",\"pid\":null}");

    Run restart = run("restart", "web", "--reason", "deploy \"1.4\"");
    Run stop = run("stop", "web");

    assertThat(restart.code).isZero();
    assertThat(restart.out).isEqualTo("restarted web: STARTING, pid 4243 (was 4242)\n");
    assertThat(stop.out).isEqualTo("stopped web: STOPPED\n");
    assertThat(service.requests).first().satisfies(req -> {
      assertThat(req.authorization()).isEqualTo("Bearer file-token");
      assertThat(req.body()).isEqualTo("{\"reason\":\"deploy \\\"1.4\\\"\"}");
    });
  }

  @Test
  void aRefusedTokenIsOneLineThatSaysWhereTheTokenWasRead() throws Exception {
    service.answer("POST /api/v1/components/web/start", 401, FakeService.problem(401, "Unauthorized", "bad token"));

    Run r = run("start", "web");

    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).startsWith("regulator: the service refused the token read from " + dataDir.resolve("http-token")
        + " (401: bad token)").endsWith("\n").hasLineCount(1);
  }

  @Test
  void withoutAnyTokenTheErrorSaysWhereOneIsLookedFor() throws Exception {
    Files.delete(dataDir.resolve("http-token"));
    service.answer("POST /api/v1/reload", 401, FakeService.problem(401, "Unauthorized", "a token is needed"));

    Run r = run("reload");

    assertThat(r.err).startsWith("regulator: the service wants a token for POST /api/v1/reload (a token is needed)"
        + " and none was found; the command line reads the admin token from $REGULATOR_TOKEN,"
        + " regulator.http.token in ").contains(dataDir.resolve("http-token").toString()).hasLineCount(1);
  }

  @Test
  void aServiceThatIsNotRunningIsOneLineForEveryCommandAndCriticalForCheck() throws Exception {
    int closed = closedPort();
    String line = "regulator: the service is not running at http://127.0.0.1:" + closed
        + " (start it with bin/regulator start)\n";

    for (String[] args : new String[][] {{"status"}, {"restart", "web"}, {"silence", "--list"}, {"reload"}}) {
      Run r = runOn(closed, args);
      assertThat(r.code).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err).as(String.join(" ", args)).isEqualTo(line);
    }
    Run check = runOn(closed, "check");
    assertThat(check.code).isEqualTo(2);
    assertThat(check.out).isEqualTo("REGULATOR CRITICAL - " + line.substring("regulator: ".length()));
  }

  @Test
  void stopNeverSignalsAPidThatNoLongerRunsRegulatorAndRemovesTheStalePidFile() throws Exception {
    Process stranger = new ProcessBuilder("sleep", "60").start(); // the pid, reused after a crash or reboot
    try {
      Path pidFile = dataDir.resolve("regulator.pid");
      Files.writeString(pidFile, stranger.pid() + "\n");

      Run r = runOn(closedPort(), "stop");

      assertThat(r.code).isZero();
      assertThat(r.out).isEqualTo("not running (removed the stale pid file " + pidFile + ": pid " + stranger.pid()
          + " no longer runs Regulator)\n");
      assertThat(pidFile).doesNotExist();
      assertThat(stranger.isAlive()).isTrue();
      assertThat(runOn(closedPort(), "stop").out).isEqualTo("not running (no pid file " + pidFile + ")\n");
    } finally {
      stranger.destroyForcibly();
    }
  }

  @Test
  void checkExitsWithTheMonitoringCodeOfTheOverallState() throws Exception {
    service.answer("GET /api/v1/status", 200, "{\"state\":\"UP\",\"score\":100,\"components\":[]}");
    assertThat(run("check").code).isZero();
    service.answer("GET /api/v1/status", 200, StatusViewTest.STATUS);
    assertThat(run("check").code).isEqualTo(1);
    service.answer("GET /api/v1/status", 200, "{\"state\":\"DOWN\",\"score\":0,\"components\":[]}");
    assertThat(run("check").code).isEqualTo(2);
    service.answer("GET /api/v1/status", 403, FakeService.problem(403, "Forbidden", "read token needed"));
    Run unknown = run("check");
    assertThat(unknown.code).isEqualTo(3);
    assertThat(unknown.out).startsWith("REGULATOR UNKNOWN - the service refused the token read from");
  }

  @Test
  void silenceCreatesListsAndRemoves() throws Exception {
    String silence = "{\"id\":\"s1\",\"component\":\"web\",\"startsAt\":\"2026-11-24T10:15:30Z\","
        + "\"endsAt\":\"2026-11-24T10:45:30Z\",\"reason\":\"deploy\"}";
    service.answer("POST /api/v1/silences", 201, silence)
        .answer("GET /api/v1/silences", 200, "[" + silence + "]")
        .answer("DELETE /api/v1/silences/s1", 200, silence);

    Run created = run("silence", "web", "--for", "30m", "--reason", "deploy");
    Run listed = run("silence", "--list");
    Run removed = run("silence", "--remove", "s1");
    Run missingFor = run("silence", "web");

    assertThat(created.out).isEqualTo("silenced web until 2026-11-24T10:45:30Z (id s1): deploy\n");
    assertThat(service.requests.get(0).body())
        .isEqualTo("{\"component\":\"web\",\"duration\":\"30m\",\"reason\":\"deploy\"}");
    assertThat(listed.out).isEqualTo("""
        ID  COMPONENT  FROM                  UNTIL                 REASON
        s1  web        2026-11-24T10:15:30Z  2026-11-24T10:45:30Z  deploy
        """);
    assertThat(removed.out).isEqualTo("removed silence s1 (web)\n");
    assertThat(missingFor.code).isEqualTo(2);
  }

  @Test
  void reloadPrintsWhatChangedOrEveryProblemOfAnInvalidConfig() throws Exception {
    service.answer("POST /api/v1/reload", 200,
        "{\"added\":[\"api\"],\"removed\":[],\"changed\":[\"worker\"],\"unchanged\":[\"web\",\"db\"]}");
    Run ok = run("reload");
    assertThat(ok.code).isZero();
    assertThat(ok.out).isEqualTo("""
        reloaded: 1 added, 0 removed, 1 changed, 2 unchanged
        added: api
        changed: worker
        unchanged: web, db
        """);

    service.answer("POST /api/v1/reload", 400, "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
        + "\"detail\":\"invalid config\",\"problems\":["
        + "{\"file\":\"conf/regulator.conf\",\"line\":3,\"key\":\"regulator.components.web.restrat\","
        + "\"message\":\"unknown key (did you mean 'restart'?)\"},"
        + "\"conf/regulator.conf:9: regulator.components.api.command: required\"]}");
    Run bad = run("reload");
    assertThat(bad.code).isEqualTo(1);
    assertThat(bad.err).isEqualTo("""
        conf/regulator.conf:3: regulator.components.web.restrat: unknown key (did you mean 'restart'?)
        conf/regulator.conf:9: regulator.components.api.command: required
        regulator: not reloaded: fix the 2 problems above; nothing changed
        """);
  }

  @Test
  void httpsTrustsTheCertificateInTheConfiguredKeystore() throws Exception {
    Path keystore = tmp.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "regulator", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(keystore.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);

    try (FakeService https = FakeService.https(tls)) {
      https.answer("GET /api/v1/status", 200, "{\"state\":\"UP\",\"score\":100,\"components\":[]}");
      Path config = Files.writeString(tmp.resolve("tls.conf"), "regulator { data-dir = \"" + dataDir + "\"\n"
          + "http { port = " + https.port() + ", tls { keystore = \"" + keystore + "\", password = changeit } } }\n");

      Run r = runWith(config, "check");

      assertThat(r.err).isEmpty();
      assertThat(r.out).startsWith("REGULATOR OK - 0/0 ready, score 100");
    }
  }

  private record Run(int code, String out, String err) {}

  /** A loopback port nothing listens on. */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Run run(String... args) throws Exception {
    return runOn(service.port(), args);
  }

  private Run runOn(int port, String... args) throws Exception {
    Path config = Files.writeString(tmp.resolve("regulator.conf"), "regulator {\n data-dir = \"" + dataDir + "\"\n"
        + " log-dir = \"" + tmp.resolve("logs") + "\"\n http.port = " + port + "\n"
        + " components { web { command = [\"x\"] } }\n}\n");
    return runWith(config, args);
  }

  private static Run runWith(Path config, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-c";
    all[args.length + 1] = config.toString();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all);
    return new Run(code, out.toString(), err.toString());
  }
}

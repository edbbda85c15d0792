package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard end to end: {@code bin/regulator run} with five real components (two of them in a
 * group, one wanted rather than required), and the page in a real headless Chromium. Nothing is
 * mocked: the page talks to the API of the Regulator that serves it, and the test changes the
 * world as a person would (kill -9 of a process, a click on Restart with the admin token).
 *
 * <p>One Regulator and one browser for the class; the tests run in order and each leaves every
 * component READY. After each test the browser console must hold no error.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

  /** The state colours of dashboard.css (docs/dashboard.md lists them). */
  static final String GREEN = "rgb(31, 157, 85)";
  static final String AMBER = "rgb(224, 161, 0)";
  static final String RED = "rgb(214, 69, 65)";
  static final Set<String> FAILURE_STATES = Set.of("BACKOFF", "UNHEALTHY", "FAILED", "CIRCUIT_OPEN");
  static final List<String> COMPONENTS = List.of("api", "cache", "db", "web", "worker");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static RegulatorProcess regulator;
  private static DashboardPage page;
  private static String base;
  private static String mark;
  /** The states GET /api/v1/components answered last while the test waited for READY. */
  private static volatile String lastSeen;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void startRegulatorAndBrowser() throws Exception {
    String missing = DashboardPage.missingBrowser();
    assumeTrue(missing == null, missing);
    int port = freePort();
    base = "http://127.0.0.1:" + port;
    mark = "dash-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String component = RegulatorProcess.COMPONENT;
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator {
          data-dir = "%1$s/data"
          log-dir = "%1$s/logs"
          http { port = %2$d }
          defaults {
            ready-after = 300ms
            backoff { min = 3s, max = 3s, random-factor = 0 }
          }
          groups { site { members = [api, web] } }
          components {
            db {
              command = ["%3$s", "%4$s-db"], critical = true
              probes.readiness { exec { command = ["/bin/sh", "-c", "exit 0"] }, period = 1s }
            }
            cache { command = ["%3$s", "%4$s-cache"] }
            api {
              command = ["%3$s", "%4$s-api"]
              depends-on { db = requires, cache = wants }
            }
            web {
              command = ["%3$s", "%4$s-web"], depends-on = [api]
              probes.liveness { exec { command = ["/bin/sh", "-c", "exit 0"] }, period = 1s }
            }
            worker { command = ["%3$s", "%4$s-worker"], depends-on = [db] }
          }
        }
        """.formatted(tmp, port, component, mark));
    regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"));
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> regulator.process.isAlive() ? allReady() : failStart());
    } catch (RuntimeException e) {
      throw new AssertionError((lastSeen == null ? "Regulator's HTTP API never answered at " + base
          : "not every component became READY; the API's last answer: " + lastSeen) + "; Regulator's console:\n"
          + regulator.consoleText(), e);
    }
    page = DashboardPage.open(Files.createDirectories(tmp.resolve("chromium-profile")), tmp.resolve("chromedriver.log"));
    page.load(base + "/");
  }

  @AfterEach
  void theBrowserConsoleHasNoErrors() {
    if (page != null) {
      assertThat(severe(page.console())).as("errors in the browser console").isEmpty();
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (page != null) {
        page.screenshot(SCREENSHOTS, "dashboard-last");
        page.close();
      }
    } finally {
      if (regulator != null) {
        regulator.process.destroy();
        regulator.process.waitFor(30, TimeUnit.SECONDS);
        regulator.close();
      }
      if (mark != null) {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
          all.filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false))
              .forEach(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  @Test
  @Order(1)
  void thePageDrawsEveryComponentOfTheConfigWithItsDependenciesAndGroup() throws Exception {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(page.components()).containsExactlyInAnyOrderElementsOf(COMPONENTS));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      for (String name : COMPONENTS) {
        assertThat(page.node(name)).as(name).isEqualTo(new DashboardPage.NodeLook("READY", GREEN));
      }
    });

    // requires is a solid edge, wants a dashed one, each pointing at the dependency
    assertThat(edgeDashes("api", "db", "requires")).isEqualTo("none");
    assertThat(edgeDashes("web", "api", "requires")).isEqualTo("none");
    assertThat(edgeDashes("worker", "db", "requires")).isEqualTo("none");
    assertThat(edgeDashes("api", "cache", "wants")).isNotEqualTo("none");
    assertThat(page.driver.findElements(By.cssSelector("#graph path.edge"))).hasSize(4);

    // the group's box holds its members and nothing else
    Rectangle site = page.driver.findElement(By.cssSelector("#graph g.group[data-group='site'] rect")).getRect();
    for (String name : COMPONENTS) {
      Rectangle box = page.nodeElement(name).findElement(By.cssSelector("rect.node-box")).getRect();
      assertThat(inside(box, site)).as(name + " inside the box of group site").isEqualTo(name.equals("api")
          || name.equals("web"));
    }
    // a dependency is drawn left of what depends on it
    assertThat(x("db")).isLessThan(x("api"));
    assertThat(x("api")).isLessThan(x("web"));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(page.text("overall-state")).isEqualTo("UP");
      assertThat(page.attribute("overall-state", "data-state")).isEqualTo("UP");
      assertThat(page.text("score")).isEqualTo("100");
      assertThat(page.attribute("stream-status", "data-status")).isEqualTo("live");
    });
    // the timeline holds the journal's events so far, and filters by component
    assertThat(timeline("db", "ProcessStarted")).isNotEmpty();
    new Select(page.driver.findElement(By.id("timeline-filter"))).selectByValue("db");
    assertThat(page.driver.findElements(By.cssSelector("#timeline li")).stream().filter(li -> li.isDisplayed())
        .map(li -> li.getAttribute("data-component")).distinct().toList()).containsExactly("db");
    new Select(page.driver.findElement(By.id("timeline-filter"))).selectByValue("");
    page.screenshot(SCREENSHOTS, "overview");
  }

  @Test
  @Order(2)
  void aKilledComponentTurnsToAFailureColourThenBackToReadyWithoutAReload() throws Exception {
    page.select("db");
    long pid = view("db").path("pid").asLong();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(page.text("panel-pid")).isEqualTo(String.valueOf(pid)));
    page.script("window.sameDocument = 'not reloaded'");

    ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL, as kill -9 sends

    List<DashboardPage.NodeLook> seen = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(25)).until(() -> {
      DashboardPage.NodeLook look = page.node("db");
      seen.add(look);
      return FAILURE_STATES.contains(look.state());
    });
    DashboardPage.NodeLook failed = seen.get(seen.size() - 1);
    assertThat(failed.fill()).as("fill in state " + failed.state())
        .isEqualTo(failed.state().equals("BACKOFF") || failed.state().equals("UNHEALTHY") ? AMBER : RED);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(page.text("overall-state")).isEqualTo("DOWN"); // db is critical
      assertThat(page.attribute("panel-state", "data-state")).isIn(FAILURE_STATES);
    });
    page.screenshot(SCREENSHOTS, "db-killed");

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      for (String name : COMPONENTS) {
        assertThat(page.node(name)).as(name).isEqualTo(new DashboardPage.NodeLook("READY", GREEN));
      }
    });
    assertThat(page.script("return window.sameDocument")).as("the page was not reloaded").isEqualTo("not reloaded");
    long newPid = view("db").path("pid").asLong();
    assertThat(newPid).isNotEqualTo(pid);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(page.text("panel-pid")).isEqualTo(String.valueOf(newPid));
      assertThat(page.text("panel-last-exit")).contains("killed by SIGKILL");
      assertThat(timeline("db", "ProcessExited")).anyMatch(text -> text.contains("pid " + pid + " killed by SIGKILL"));
      assertThat(page.text("overall-state")).isEqualTo("UP");
    });
  }

  @Test
  @Order(3)
  void restartWithTheAdminTokenShowsTheNewPid() throws Exception {
    Path tokenFile = tmp.resolve("data").resolve("http-token");
    assertThat(Files.getPosixFilePermissions(tokenFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    String token = Files.readString(tokenFile).trim();
    page.script("sessionStorage.clear()");
    page.select("web");
    long oldPid = view("web").path("pid").asLong();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(page.text("panel-pid")).isEqualTo(String.valueOf(oldPid)));

    page.click("btn-restart");
    await().atMost(Duration.ofSeconds(5)).until(page::tokenFormOpen);
    page.driver.findElement(By.id("token-input")).sendKeys(token);
    page.click("token-submit");

    long newPid = awaitRestarted("web", oldPid);
    assertThat(page.tokenFormOpen()).isFalse();
    page.screenshot(SCREENSHOTS, "web-restarted");

    // the token is asked once per session: a second restart goes straight through
    page.click("btn-restart");
    assertThat(page.tokenFormOpen()).isFalse();
    awaitRestarted("web", newPid);
    await().atMost(Duration.ofSeconds(20)).until(() -> "READY".equals(page.node("web").state()));
  }

  @Test
  @Order(4)
  void aRefusedTokenIsForgottenAndAskedForAgain() throws Exception {
    page.select("cache");
    page.script("sessionStorage.setItem('regulator.admin-token', 'not-the-token')");
    page.click("btn-stop");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(page.attribute("action-feedback", "data-status")).isEqualTo("error");
      assertThat(page.tokenFormOpen()).isTrue();
    });
    assertThat(page.text("action-feedback")).startsWith("stop cache refused: ").hasSizeGreaterThan("stop cache refused: ".length());
    assertThat(page.script("return sessionStorage.getItem('regulator.admin-token')")).isNull();
    page.screenshot(SCREENSHOTS, "token-refused");
    page.click("token-cancel");
    await().atMost(Duration.ofSeconds(5)).until(() -> !page.tokenFormOpen());
    assertThat(view("cache").path("state").asText()).as("nothing was stopped").isEqualTo("READY");

    // the refused request is the one error the console shows for this test (which also proves
    // that the console is read at all)
    List<LogEntry> errors = severe(page.console());
    assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e.getMessage()).contains("/api/v1/components/cache/stop").contains("401"));
  }

  // ---------------------------------------------------------------- helpers

  /** Waits until the panel shows a new pid for the component (the one the API shows) and returns it. */
  private static long awaitRestarted(String component, long oldPid) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(page.attribute("action-feedback", "data-status")).isEqualTo("done"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      String shown = page.text("panel-pid");
      assertThat(shown).matches("\\d+").isNotEqualTo(String.valueOf(oldPid));
      assertThat(shown).isEqualTo(view(component).path("pid").asText());
      assertThat(page.text("action-feedback")).contains("new pid " + shown);
    });
    return Long.parseLong(page.text("panel-pid"));
  }

  @Test
  @Order(5)
  void thePanelShowsProbesSparklinesOutputAndTheAlertsShowSilences() throws Exception {
    page.select("db");
    JsonNode db = view("db");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(page.text("panel-pid")).isEqualTo(db.path("pid").asText());
      assertThat(page.text("panel-restarts")).isEqualTo(view("db").path("restarts").asText());
      assertThat(page.text("panel-circuit")).isEqualTo("CLOSED");
      assertThat(page.text("panel-uptime")).isNotIn("", "–");
      // the readiness probe with its last result and latency, and a latency sparkline of several polls
      WebElement probe = page.driver.findElement(By.cssSelector("#panel-probes tr[data-role='readiness']"));
      assertThat(probe.getAttribute("textContent")).contains("readiness").contains("exec").contains("passing")
          .containsPattern("\\d+ms");
      assertThat(Integer.parseInt(page.attribute("spark-latency-readiness", "data-points"))).isGreaterThanOrEqualTo(2);
      assertThat(Integer.parseInt(page.attribute("spark-memory", "data-points"))).isGreaterThanOrEqualTo(2);
      // the component's recent output lines
      assertThat(page.text("panel-output")).contains("start pid=");
    });

    // a silence made through the API appears with the alerts, which mirror the API's active list
    String token = Files.readString(tmp.resolve("data").resolve("http-token")).trim();
    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/silences"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"component\": \"cache\", \"duration\": \"30m\","
            + " \"reason\": \"dashboard test\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = JSON.readTree(created.body()).path("id").asText();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(page.driver.findElements(By.cssSelector("#silences li[data-silence='" + id + "']"))).hasSize(1);
      assertThat(page.driver.findElement(By.id("silences")).getAttribute("textContent")).contains("cache silenced")
          .contains("dashboard test");
      int active = get("/api/v1/alerts").path("active").size();
      assertThat(page.driver.findElements(By.cssSelector("#alerts li"))).hasSize(active);
    });
    page.screenshot(SCREENSHOTS, "panel-and-silence");
  }

  private static String edgeDashes(String from, String to, String kind) {
    var edge = page.driver.findElement(By.cssSelector("#graph path.edge[data-from='" + from + "'][data-to='" + to + "']"));
    assertThat(edge.getAttribute("data-kind")).isEqualTo(kind);
    return edge.getCssValue("stroke-dasharray");
  }

  private static int x(String component) {
    return page.nodeElement(component).findElement(By.cssSelector("rect.node-box")).getRect().getX();
  }

  private static boolean inside(Rectangle inner, Rectangle outer) {
    return inner.getX() >= outer.getX() && inner.getY() >= outer.getY()
        && inner.getX() + inner.getWidth() <= outer.getX() + outer.getWidth()
        && inner.getY() + inner.getHeight() <= outer.getY() + outer.getHeight();
  }

  /** The timeline's lines of one component and event type. */
  private static List<String> timeline(String component, String type) {
    return page.driver.findElements(By.cssSelector("#timeline li[data-component='" + component + "'][data-type='" + type + "']"))
        .stream().map(li -> li.getAttribute("textContent")).toList();
  }

  private static List<LogEntry> severe(List<LogEntry> entries) {
    return entries.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
  }

  private static boolean allReady() throws IOException, InterruptedException {
    JsonNode list = get("/api/v1/components");
    if (list == null) {
      return false;
    }
    List<String> states = new ArrayList<>();
    list.forEach(c -> states.add(c.path("name").asText() + " " + c.path("state").asText()));
    lastSeen = String.join(", ", states);
    return list.size() == COMPONENTS.size() && states.stream().allMatch(s -> s.endsWith(" READY"));
  }

  private static boolean failStart() throws IOException {
    throw new AssertionError("bin/regulator run ended with " + regulator.process.exitValue() + ":\n" + regulator.consoleText());
  }

  private static JsonNode view(String component) throws IOException, InterruptedException {
    JsonNode v = get("/api/v1/components/" + component);
    assertThat(v).as("GET /api/v1/components/" + component).isNotNull();
    return v;
  }

  /** A GET of the API, or null when the server does not answer (yet) or answers an error. */
  private static JsonNode get(String path) throws IOException, InterruptedException {
    try {
      HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
          .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      return res.statusCode() == 200 ? JSON.readTree(res.body()) : null;
    } catch (java.net.ConnectException | java.net.http.HttpTimeoutException notYet) {
      return null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

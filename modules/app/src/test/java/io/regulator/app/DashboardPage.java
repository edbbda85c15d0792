package io.regulator.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in Debian's headless Chromium, driven by its chromedriver, and what a test reads
 * from it: the stable ids and data attributes the page gives its elements.
 */
final class DashboardPage implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  final ChromeDriver driver;

  private DashboardPage(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Why the browser cannot run here, or null when it can. */
  static String missingBrowser() {
    if (!Files.isExecutable(CHROMIUM)) {
      return "no Chromium at " + CHROMIUM + ": the dashboard test drives a real headless browser; "
          + "install it with `apt-get install chromium chromium-driver` (.ci/run does)";
    }
    if (!Files.isExecutable(CHROMEDRIVER)) {
      return "no chromedriver at " + CHROMEDRIVER + ": Selenium needs it to drive Chromium; "
          + "install it with `apt-get install chromium-driver` (.ci/run does)";
    }
    return null;
  }

  /**
   * Starts Chromium with a fresh profile in profileDir. The driver and browser are named
   * explicitly so that Selenium never looks for (or downloads) either of them.
   */
  static DashboardPage open(Path profileDir, Path driverLog) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profileDir, "--window-size=1440,1000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(driverLog.toFile())
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return new DashboardPage(driver);
  }

  void load(String url) {
    driver.get(url);
  }

  /** The names of the components drawn in the graph. */
  List<String> components() {
    return driver.findElements(By.cssSelector("#graph g.node")).stream()
        .map(e -> e.getAttribute("data-component")).toList();
  }

  /** The node's data-state and its box's computed fill, read together. */
  NodeLook node(String component) {
    @SuppressWarnings("unchecked")
    Map<String, Object> look = (Map<String, Object>) driver.executeScript("""
        const node = document.querySelector(`#graph g.node[data-component="${arguments[0]}"]`);
        if (!node) return null;
        return {state: node.getAttribute('data-state'),
                fill: getComputedStyle(node.querySelector('rect.node-box')).fill};
        """, component);
    return look == null ? null : new NodeLook((String) look.get("state"), (String) look.get("fill"));
  }

  record NodeLook(String state, String fill) {}

  WebElement nodeElement(String component) {
    return driver.findElement(By.cssSelector("#graph g.node[data-component='" + component + "']"));
  }

  /** Clicks the node, which opens its panel. */
  void select(String component) {
    nodeElement(component).click();
  }

  String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  String attribute(String id, String name) {
    return driver.findElement(By.id(id)).getAttribute(name);
  }

  void click(String id) {
    driver.findElement(By.id(id)).click();
  }

  boolean tokenFormOpen() {
    return Boolean.TRUE.equals(driver.executeScript("return document.getElementById('token-dialog').open"));
  }

  Object script(String js, Object... args) {
    return driver.executeScript(js, args);
  }

  /** The browser console since the last call (reading empties Chromium's buffer). */
  List<LogEntry> console() {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }

  /** Saves a screenshot of the page to dir/name.png and returns its path. */
  Path screenshot(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() {
    driver.quit();
  }
}

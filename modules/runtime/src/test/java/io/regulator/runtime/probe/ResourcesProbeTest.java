package io.regulator.runtime.probe;

import static io.regulator.runtime.probe.ComponentProcesses.script;
import static io.regulator.runtime.probe.ProbeKit.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.runtime.process.LaunchedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resources probe measures real processes that use memory, CPU, files and threads. */
final class ResourcesProbeTest {

  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;
  private ProbeKit kit;
  private ComponentProcesses processes;

  @BeforeEach
  void setUp() {
    kit = new ProbeKit();
    processes = new ComponentProcesses(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    processes.close();
    kit.close();
  }

  private LaunchedProcess hog(String component, String... args) throws Exception {
    String[] argv = new String[args.length + 1];
    argv[0] = script("probe-hog.py");
    System.arraycopy(args, 0, argv, 1, args.length);
    LaunchedProcess p = processes.launch(component, argv);
    await().atMost(Duration.ofSeconds(20)).until(() -> p.tail().contains("ready"));
    return p;
  }

  private Probe resources(String component, OptionalLong maxRss, OptionalDouble maxCpu, Duration sustained,
      OptionalInt maxFiles, OptionalInt maxThreads) {
    return kit.probe(component, new ProbeCheck.Resources(maxRss, maxCpu, sustained, maxFiles, maxThreads),
        Duration.ofSeconds(2));
  }

  @Test
  void memoryOverTheLimitNamesTheMeasureTheValueAndTheLimit() throws Exception {
    LaunchedProcess p = hog("runner", "memory", "150");
    Probe probe = resources("runner", OptionalLong.of(100 * MIB), OptionalDouble.empty(), Duration.ZERO,
        OptionalInt.empty(), OptionalInt.empty());

    ProbeResult result = check(probe, ProbeTarget.of(p));

    assertThat(result.cause().category()).isEqualTo(CauseCategory.RESOURCE_LIMIT);
    assertThat(result.cause().detail()).matches("memory 1[5-9]\\d\\.\\d MiB over the limit of 100\\.0 MiB");
    assertThat(result.cause().suggestion()).contains("raise max-memory");
    ResourceSample sample = kit.probes.lastSample("runner", p.pid()).orElseThrow();
    assertThat(sample.rssBytes()).isBetween(150 * MIB, 250 * MIB);
    assertThat(sample.processes()).isEqualTo(1);
    assertThat(sample.pid()).isEqualTo(p.pid());
  }

  @Test
  void underTheLimitsIsHealthyAndTheSampleIsKept() throws Exception {
    LaunchedProcess p = hog("runner", "memory", "50");
    Probe probe = resources("runner", OptionalLong.of(1024 * MIB), OptionalDouble.of(90), Duration.ZERO,
        OptionalInt.of(1000), OptionalInt.of(100));

    ProbeResult first = check(probe, ProbeTarget.of(p));
    assertThat(first.healthy()).isTrue();
    assertThat(first.detail()).matches("rss \\d+\\.\\d MiB, \\d+ open files?, \\d+ threads? in 1 process");
    assertThat(kit.probes.lastSample("runner").orElseThrow().cpuPercent()).isEmpty(); // needs two samples

    Thread.sleep(200);
    ProbeResult second = check(probe, ProbeTarget.of(p));
    assertThat(second.healthy()).isTrue();
    ResourceSample sample = kit.probes.lastSample("runner").orElseThrow();
    assertThat(sample.cpuPercent()).isPresent();
    assertThat(sample.cpuPercent().getAsDouble()).isLessThan(50); // it sleeps
    assertThat(sample.rssBytes()).isGreaterThan(50 * MIB);
    assertThat(kit.probes.lastSample("runner", p.pid() + 100_000)).isEmpty(); // another process's exit
  }

  @Test
  void cpuOverTheLimitFailsOnlyOnceItIsSustained() throws Exception {
    LaunchedProcess p = hog("spinner", "cpu");
    Probe probe = resources("spinner", OptionalLong.empty(), OptionalDouble.of(50), Duration.ofMillis(1500),
        OptionalInt.empty(), OptionalInt.empty());
    assertThat(check(probe, ProbeTarget.of(p)).healthy()).isTrue(); // first sample: no CPU % yet
    Thread.sleep(300);
    ProbeResult brief = check(probe, ProbeTarget.of(p));
    assertThat(brief.healthy()).as("over the limit for only 300 ms: %s", brief).isTrue();
    assertThat(kit.probes.lastSample("spinner").orElseThrow().cpuPercent().getAsDouble()).isGreaterThan(50);

    Thread.sleep(400);
    assertThat(check(probe, ProbeTarget.of(p)).healthy()).isTrue(); // 700 ms
    Thread.sleep(1000);
    ProbeResult sustained = check(probe, ProbeTarget.of(p)); // 1.7 s

    assertThat(sustained.cause().category()).isEqualTo(CauseCategory.RESOURCE_LIMIT);
    assertThat(sustained.cause().detail()).matches("CPU \\d+% over the limit of 50% for \\d\\.\\ds");
    assertThat(sustained.cause().suggestion()).contains("spin");
  }

  @Test
  void openFilesOverTheLimit() throws Exception {
    LaunchedProcess p = hog("leaky", "files", "300");
    Probe probe = resources("leaky", OptionalLong.empty(), OptionalDouble.empty(), Duration.ZERO,
        OptionalInt.of(100), OptionalInt.empty());

    ProbeResult result = check(probe, ProbeTarget.of(p));

    assertThat(result.cause().category()).isEqualTo(CauseCategory.RESOURCE_LIMIT);
    assertThat(result.cause().detail()).matches("open files 30\\d over the limit of 100");
    assertThat(result.cause().suggestion()).contains("/proc/" + p.pid() + "/fd");
  }

  @Test
  void threadsOverTheLimit() throws Exception {
    LaunchedProcess p = hog("threaded", "threads", "60");
    Probe probe = resources("threaded", OptionalLong.empty(), OptionalDouble.empty(), Duration.ZERO,
        OptionalInt.empty(), OptionalInt.of(40));

    ProbeResult result = check(probe, ProbeTarget.of(p));

    assertThat(result.cause().category()).isEqualTo(CauseCategory.RESOURCE_LIMIT);
    assertThat(result.cause().detail()).isEqualTo("threads 61 over the limit of 40");
  }

  @Test
  void theWholeProcessTreeCounts() throws Exception {
    LaunchedProcess p = hog("forker", "children", "3", "40");
    await().atMost(Duration.ofSeconds(20))
        .until(() -> p.tail().stream().filter("child ready"::equals).count() == 3);
    Probe probe = resources("forker", OptionalLong.of(100 * MIB), OptionalDouble.empty(), Duration.ZERO,
        OptionalInt.empty(), OptionalInt.empty());

    ProbeResult result = check(probe, ProbeTarget.of(p));

    // Each process alone is far below 100 MiB; together they are over.
    assertThat(result.cause().category()).isEqualTo(CauseCategory.RESOURCE_LIMIT);
    assertThat(result.cause().detail()).matches("memory \\d+\\.\\d MiB over the limit of 100\\.0 MiB \\(tree of 4 processes\\)");
    ResourceSample sample = kit.probes.lastSample("forker").orElseThrow();
    assertThat(sample.processes()).isEqualTo(4);
    assertThat(sample.rssBytes()).isGreaterThan(120 * MIB);
  }

  @Test
  void withoutAProcessThereIsNothingToMeasure() throws Exception {
    Probe probe = resources("runner", OptionalLong.of(MIB), OptionalDouble.empty(), Duration.ZERO,
        OptionalInt.empty(), OptionalInt.empty());

    assertThat(check(probe, "runner").cause().category()).isEqualTo(CauseCategory.NOT_RUNNING);
  }
}

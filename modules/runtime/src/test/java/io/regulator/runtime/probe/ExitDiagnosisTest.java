package io.regulator.runtime.probe;

import static io.regulator.runtime.probe.ComponentProcesses.script;
import static io.regulator.runtime.probe.ProbeKit.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.runtime.process.LaunchedProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit diagnosis from real exits: a port conflict between two real servers, a SIGKILL at high RSS. */
final class ExitDiagnosisTest {

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

  /** A Python HTTP server holding {@code port}, once it accepts connections. */
  private LaunchedProcess holder(int port) throws Exception {
    LaunchedProcess holder = processes.launch("old-runner", "python3", "-m", "http.server", String.valueOf(port),
        "--bind", "127.0.0.1");
    await().atMost(Duration.ofSeconds(20)).until(() -> accepts(port));
    return holder;
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void nodeFindingItsPortTakenNamesThePortAndTheHolder() throws Exception {
    int port = TestHttpServer.closedPort();
    LaunchedProcess holder = holder(port);
    LaunchedProcess node = processes.launch("slack-server", "node", "-e",
        "require('net').createServer().listen(" + port + ", '127.0.0.1')");
    ExitStatus status = node.exit().get(20, TimeUnit.SECONDS);
    assertThat(status).isEqualTo(ExitStatus.code(1));

    Cause cause = ExitDiagnosis.diagnose("slack-server", status, node.tail(), Optional.empty(), OptionalLong.empty());

    assertThat(cause.category()).isEqualTo(CauseCategory.ADDRESS_IN_USE);
    assertThat(cause.detail()).startsWith("port " + port + " is already in use by pid " + holder.pid() + " (")
        .contains("http.server " + port);
    assertThat(cause.suggestion()).isEqualTo("stop pid " + holder.pid()
        + " (a leftover copy of slack-server?), or move slack-server to another port");
  }

  @Test
  void pythonFindingItsPortTakenGetsThePortFromItsCommandLine() throws Exception {
    int port = TestHttpServer.closedPort();
    LaunchedProcess holder = holder(port);
    List<String> command = List.of("python3", "-m", "http.server", String.valueOf(port), "--bind", "127.0.0.1");
    LaunchedProcess python = processes.launch("runner", command.toArray(String[]::new));
    ExitStatus status = python.exit().get(20, TimeUnit.SECONDS);
    assertThat(python.tail()).contains("OSError: [Errno 98] Address already in use");

    Cause cause = ExitDiagnosis.diagnose("runner", status, python.tail(), command, Optional.empty(), OptionalLong.empty());

    assertThat(cause.category()).isEqualTo(CauseCategory.ADDRESS_IN_USE);
    assertThat(cause.detail()).startsWith("port " + port + " is already in use by pid " + holder.pid() + " (");
    assertThat(PortHolder.find(port)).hasValueSatisfying(h -> assertThat(h.pid()).isEqualTo(holder.pid()));
  }

  @Test
  void withoutAHolderTheSuggestionSaysHowToFindOne() {
    int port = 1; // nobody listens there
    Cause cause = ExitDiagnosis.diagnose("runner", ExitStatus.code(1),
        List.of("listen tcp 127.0.0.1:1: bind: address already in use"), Optional.empty(), OptionalLong.empty());

    assertThat(cause.category()).isEqualTo(CauseCategory.ADDRESS_IN_USE);
    assertThat(cause.detail()).isEqualTo("port " + port + " is already in use");
    assertThat(cause.suggestion()).isEqualTo(
        "find the holder with ss -ltnp 'sport = :1' and stop it, or move runner to another port");
  }

  @Test
  void thePortIsFoundInTheCommonMessages() {
    assertThat(port("Error: listen EADDRINUSE: address already in use :::5051")).hasValue(5051);
    assertThat(port("Error: listen EADDRINUSE: address already in use 127.0.0.1:5051")).hasValue(5051);
    assertThat(port("2024-05-01T12:00:01.123Z Error: listen EADDRINUSE: address already in use [::]:5051"))
        .hasValue(5051);
    assertThat(port("listen tcp :8080: bind: address already in use")).hasValue(8080);
    assertThat(port("ERROR: [Errno 98] error while attempting to bind on address ('127.0.0.1', 5051): "
        + "address already in use")).hasValue(5051);
    assertThat(port("Web server failed to start. Port 8080 was already in use.")).hasValue(8080);
    assertThat(port("Port 5051 is in use by another program. Either identify and stop that program, or start "
        + "the server with a different port.")).hasValue(5051);
    assertThat(port("12:00:01 OSError: [Errno 98] Address already in use")).isEmpty();
    assertThat(ExitDiagnosis.addressInUse(List.of("Serving HTTP on 127.0.0.1 port 5051 ...",
        "Traceback (most recent call last):", "OSError: [Errno 98] Address already in use"), List.of()))
        .hasValueSatisfying(a -> assertThat(a.port()).hasValue(5051));
    assertThat(ExitDiagnosis.addressInUse(List.of("OSError: [Errno 98] Address already in use"),
        List.of("python3", "runner.py", "--port", "5051"))).hasValueSatisfying(a -> assertThat(a.port()).hasValue(5051));
    assertThat(ExitDiagnosis.addressInUse(List.of("all fine", "exiting"), List.of("x", "--port", "5051"))).isEmpty();
  }

  @Test
  void thePortMayComeFromTheCommandLine() {
    assertThat(ExitDiagnosis.portInCommand(List.of("python3", "runner.py", "--port", "5051"))).hasValue(5051);
    assertThat(ExitDiagnosis.portInCommand(List.of("python3", "runner.py", "--port=5051"))).hasValue(5051);
    assertThat(ExitDiagnosis.portInCommand(List.of("gunicorn", "-b", "0.0.0.0:5051", "app:app"))).hasValue(5051);
    assertThat(ExitDiagnosis.portInCommand(List.of("ngrok", "http", "5051"))).hasValue(5051);
    assertThat(ExitDiagnosis.portInCommand(List.of("worker", "3", "4"))).isEmpty();
    assertThat(ExitDiagnosis.portInCommand(List.of("worker"))).isEmpty();
  }

  @Test
  void clocksWordsAndSourcePositionsAreNotPorts() {
    assertThat(ExitDiagnosis.hostPort("12:00:01")).isEmpty();
    assertThat(ExitDiagnosis.hostPort("10:30")).isEmpty();
    assertThat(ExitDiagnosis.hostPort("2024-05-01T12:00:01")).isEmpty();
    assertThat(ExitDiagnosis.hostPort("Error:")).isEmpty();
    assertThat(ExitDiagnosis.hostPort("node:net:1908:16")).isEmpty();
    assertThat(ExitDiagnosis.hostPort("(node:internal/process/task_queues:82:21)")).isEmpty();
    assertThat(ExitDiagnosis.hostPort("http://127.0.0.1:5051/health")).hasValue(5051);
    assertThat(ExitDiagnosis.hostPort("[::1]:5051")).hasValue(5051);
    assertThat(ExitDiagnosis.hostPort("*:5051")).hasValue(5051);
    assertThat(ExitDiagnosis.hostPort("db.local:5432")).hasValue(5432);
  }

  @Test
  void anAddressInUseOutOfAPortIsStillSaid() {
    Cause cause = ExitDiagnosis.diagnose("runner", ExitStatus.code(1),
        List.of("java.net.BindException: Address already in use"), Optional.empty(), OptionalLong.empty());

    assertThat(cause.category()).isEqualTo(CauseCategory.ADDRESS_IN_USE);
    assertThat(cause.detail()).isEqualTo("address already in use: 'java.net.BindException: Address already in use'");
  }

  @Test
  void aSigkillNearTheMemoryLimitIsProbablyOutOfMemory() throws Exception {
    LaunchedProcess p = processes.launch("runner", script("probe-hog.py"), "memory", "150");
    await().atMost(Duration.ofSeconds(20)).until(() -> p.tail().contains("ready"));
    long limit = 170 * MIB;
    Probe probe = kit.probe("runner", new ProbeCheck.Resources(OptionalLong.of(limit), OptionalDouble.empty(),
        Duration.ZERO, OptionalInt.empty(), OptionalInt.empty()), Duration.ofSeconds(2));
    assertThat(check(probe, ProbeTarget.of(p)).healthy()).isTrue(); // under the limit, but near it

    p.killGroup(); // what the kernel's OOM killer does
    ExitStatus status = p.exit().get(10, TimeUnit.SECONDS);
    assertThat(status).isEqualTo(ExitStatus.signal("KILL"));
    Optional<ResourceSample> last = kit.probes.lastSample("runner", p.pid());

    Cause oom = ExitDiagnosis.diagnose("runner", status, p.tail(), last, OptionalLong.of(limit));
    assertThat(oom.category()).isEqualTo(CauseCategory.OUT_OF_MEMORY);
    assertThat(oom.detail()).matches(
        "killed by SIGKILL with 1[56]\\d\\.\\d MiB resident \\(9\\d% of max-memory 170\\.0 MiB\\): probably out of memory");
    assertThat(oom.suggestion()).contains("dmesg");

    Cause roomy = ExitDiagnosis.diagnose("runner", status, p.tail(), last, OptionalLong.of(1024 * MIB));
    assertThat(roomy.category()).isEqualTo(CauseCategory.SIGNAL);
    assertThat(roomy.detail()).isEqualTo("killed by SIGKILL");
  }

  @Test
  void otherwiseTheCoreDiagnosisApplies() {
    ResourceSample big = new ResourceSample(Instant.now(), 42, 1, 1000 * MIB, OptionalDouble.empty(), 10, 1);

    Cause code = ExitDiagnosis.diagnose("runner", ExitStatus.code(3), List.of("bye"), Optional.of(big),
        OptionalLong.of(1000 * MIB));
    assertThat(code).isEqualTo(new Cause(CauseCategory.EXIT_CODE, "exited with code 3", "see the last lines of logs/runner.log"));

    // A process killed by a signal did not die of a bind error it once printed.
    Cause term = ExitDiagnosis.diagnose("runner", ExitStatus.signal("TERM"),
        List.of("Error: listen EADDRINUSE: address already in use :::5051"), Optional.empty(), OptionalLong.empty());
    assertThat(term.category()).isEqualTo(CauseCategory.SIGNAL);
  }

  private static OptionalInt port(String line) {
    return ExitDiagnosis.addressInUse(List.of(line), List.of()).orElseThrow().port();
  }
}

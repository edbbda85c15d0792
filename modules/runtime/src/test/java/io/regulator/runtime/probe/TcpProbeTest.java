package io.regulator.runtime.probe;

import static io.regulator.runtime.probe.ProbeKit.check;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tcp probe against real sockets on loopback. */
final class TcpProbeTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private ProbeKit kit;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void setUp() {
    kit = new ProbeKit();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    kit.close();
  }

  @Test
  void aListeningPortIsHealthy() throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(server);

    ProbeResult result = check(kit.probe("db", new ProbeCheck.Tcp("127.0.0.1", server.getLocalPort()), TIMEOUT), "db");

    assertThat(result.healthy()).isTrue();
    assertThat(result.detail()).startsWith("connected in ");
    assertThat(result.latency()).isLessThan(TIMEOUT);
  }

  @Test
  void aHostNameIsResolved() throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    open.add(server);

    assertThat(check(kit.probe("db", new ProbeCheck.Tcp("localhost", server.getLocalPort()), TIMEOUT), "db").healthy())
        .isTrue();
  }

  @Test
  void aClosedPortIsRefused() throws Exception {
    int port = TestHttpServer.closedPort();

    ProbeResult result = check(kit.probe("db", new ProbeCheck.Tcp("127.0.0.1", port), TIMEOUT), "db");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_REFUSED);
    assertThat(result.cause().detail()).isEqualTo("connect to 127.0.0.1:" + port + ": connection refused");
    assertThat(result.cause().suggestion()).contains("nothing listens on 127.0.0.1:" + port);
  }

  @Test
  void aServerThatAcceptsNothingMoreIsATimeout() throws Exception {
    // A listener that never accepts, with its accept queue full: the kernel drops further SYNs,
    // so a new connect waits for an answer that never comes.
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(server);
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    for (int i = 0; i < 4; i++) {
      SocketChannel filler = SocketChannel.open();
      filler.configureBlocking(false);
      filler.connect(address);
      open.add(filler);
    }
    awaitFullBacklog(address);
    long start = System.nanoTime();

    ProbeResult result = check(kit.probe("db", new ProbeCheck.Tcp("127.0.0.1", server.getLocalPort()), TIMEOUT), "db");

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_TIMEOUT);
    assertThat(result.cause().detail()).isEqualTo("connect to 127.0.0.1:" + server.getLocalPort()
        + ": no answer within 500 ms");
    assertThat(took).isBetween(TIMEOUT.minusMillis(20), TIMEOUT.plus(Probes.TIMEOUT_MARGIN));
  }

  /** Waits until a plain blocking connect no longer gets through within 200 ms. */
  private static void awaitFullBacklog(InetSocketAddress address) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      try (Socket probe = new Socket()) {
        probe.connect(address, 200);
      } catch (IOException timedOut) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the listen backlog never filled");
  }
}

package io.regulator.runtime.probe;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connect to host:port, asynchronous: no thread waits for the handshake. Runs on the
 * blocking executor (name resolution may block); the connection is closed at once.
 */
final class TcpProbe implements Probe {

  private final String component;
  private final ProbeCheck.Tcp check;
  private final Duration timeout;
  private final ScheduledExecutorService timer;

  TcpProbe(String component, ProbeCheck.Tcp check, Duration timeout, ScheduledExecutorService timer) {
    this.component = component;
    this.check = check;
    this.timeout = timeout;
    this.timer = timer;
  }

  @Override
  public CompletionStage<ProbeResult> check(ProbeTarget target) {
    long start = System.nanoTime();
    String where = "connect to " + check.host() + ":" + check.port();
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    InetSocketAddress address = new InetSocketAddress(check.host(), check.port());
    if (address.isUnresolved()) {
      result.complete(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.PROBE_ERROR,
          where + ": unknown host " + check.host(), "fix the probe's host")));
      return result;
    }
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (IOException e) {
      result.complete(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.PROBE_ERROR,
          where + ": cannot open a socket: " + e.getMessage(), "Regulator may be out of file descriptors")));
      return result;
    }
    var deadline = timer.schedule(() -> {
      if (result.complete(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.PROBE_TIMEOUT,
          where + ": no answer within " + Wording.duration(timeout),
          "a firewall drops the packets, or " + component + " is too busy to accept; raise the timeout if it is slow")))) {
        close(channel);
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    channel.connect(address, null, new CompletionHandler<Void, Void>() {
      @Override
      public void completed(Void v, Void attachment) {
        deadline.cancel(false);
        close(channel);
        Duration latency = HttpGet.since(start);
        result.complete(ProbeResult.healthy(latency, "connected in " + Wording.duration(latency)));
      }

      @Override
      public void failed(Throwable e, Void attachment) {
        deadline.cancel(false);
        close(channel);
        if (e instanceof AsynchronousCloseException) {
          return; // closed by the deadline, which already answered
        }
        Duration latency = HttpGet.since(start);
        Cause cause;
        if (e instanceof ConnectException && (e.getMessage() == null || e.getMessage().contains("refused"))) {
          cause = new Cause(CauseCategory.PROBE_REFUSED, where + ": connection refused",
              "nothing listens on " + check.host() + ":" + check.port() + "; check that " + component
                  + " is up and uses that port");
        } else if (e instanceof UnresolvedAddressException) {
          cause = new Cause(CauseCategory.PROBE_ERROR, where + ": unknown host", "fix the probe's host");
        } else {
          cause = new Cause(CauseCategory.PROBE_ERROR, where + " failed: " + e, "check the probe's host and port");
        }
        result.complete(ProbeResult.failed(latency, cause));
      }
    });
    return result;
  }

  private static void close(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}

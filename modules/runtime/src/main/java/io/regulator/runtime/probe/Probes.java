package io.regulator.runtime.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.core.spec.ProbeSpec;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import oshi.SystemInfo;
import oshi.software.os.OperatingSystem;

/**
 * Makes the probes of every component and holds what they share: one HTTP client, the blocking
 * executor, the timer, the pushed heartbeats and the last resource samples.
 *
 * <p>Threads. {@link Probe#check} only hands work on: each check starts on {@code blockingIo}
 * (where the exec spawn, file and /proc reads and OSHI calls run), plain HTTP goes through one
 * selector thread of its own ({@link PlainHttpClient}, which keeps its deadlines itself), https
 * through the JDK's asynchronous client, TCP through an asynchronous channel, and {@code timer}
 * fires the other deadlines. Every check's stage completes within the probe's timeout plus
 * {@link #TIMEOUT_MARGIN}: each kind enforces the timeout itself (killing an exec command's
 * process group, cancelling a request), and a guard here completes the stage with PROBE_TIMEOUT
 * if the kind did not, e.g. because {@code blockingIo} is saturated. A check that never ends
 * (a read from a hung NFS mount) keeps at most one executor thread per probe: later checks of
 * the same probe share it and time out, they do not pile up.
 *
 * <p>Neither executor is owned: {@link #close()} closes the probes, the caller shuts the
 * executors down. The timer's tasks are tiny (complete a future, cancel a request, kill(2) an
 * overdue check command); one thread serves hundreds of probes.
 */
public final class Probes implements AutoCloseable {

  /** How much later than its timeout a check's stage may complete (the guard's slack). */
  public static final Duration TIMEOUT_MARGIN = Duration.ofMillis(250);

  private final Executor blockingIo;
  private final ScheduledExecutorService timer;
  private final Clock clock = Clock.systemUTC();
  private final HttpGet http;
  private final ObjectMapper json = new ObjectMapper();
  private final HeartbeatRegistry heartbeats;
  private final ConcurrentMap<String, ResourceSample> samples = new ConcurrentHashMap<>();
  private final Set<GuardedProbe> open = ConcurrentHashMap.newKeySet();
  private volatile OperatingSystem os;
  private volatile boolean closed;

  /** Probes with a heartbeat registry of their own. */
  public Probes(Executor blockingIo, ScheduledExecutorService timer) {
    this(blockingIo, timer, new HeartbeatRegistry());
  }

  /**
   * @param blockingIo runs the blocking parts of checks (a bounded pool, e.g. Pekko's blocking
   *     dispatcher or a few threads)
   * @param timer fires check deadlines; its tasks never block
   * @param heartbeats where pushed heartbeats are recorded (shared with the HTTP API); heartbeat
   *     probes read it
   */
  public Probes(Executor blockingIo, ScheduledExecutorService timer, HeartbeatRegistry heartbeats) {
    this.blockingIo = blockingIo;
    this.timer = timer;
    this.heartbeats = Objects.requireNonNull(heartbeats, "heartbeats");
    // Outcomes complete and host names are looked up on blockingIo, never on the HTTP selector thread.
    this.http = new HttpGet(new PlainHttpClient(blockingIo, blockingIo), Probes::jdkHttpClient, timer);
  }

  /** For https and what the plain client does not take; a 3xx is an answer in both. */
  private static HttpClient jdkHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1) // health endpoints: no h2c upgrade dance
        .followRedirects(HttpClient.Redirect.NEVER) // a 3xx is an answer, as in Kubernetes
        .build();
  }

  /**
   * The probe {@code spec} describes, for {@code component}. Cheap and non-blocking.
   *
   * @throws IllegalArgumentException when the spec cannot be run (a URL that is not a URI, a
   *     failure pattern that is not a regex, an empty command); config validation should have
   *     caught it, the message says what is wrong
   */
  public Probe create(String component, ProbeSpec spec) {
    if (closed) {
      throw new IllegalStateException("probes are closed");
    }
    ProbeCheck check = spec.check();
    Duration timeout = spec.timeout();
    Probe probe;
    try {
      probe = make(component, check, timeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(spec.role().configName() + " " + check.kind() + " probe of " + component
          + ": " + e.getMessage(), e);
    }
    GuardedProbe guarded = new GuardedProbe(component, describe(check), probe, timeout);
    open.add(guarded);
    return guarded;
  }

  /** Where pushed heartbeats go (the HTTP API's {@code POST /api/v1/components/{name}/heartbeat}). */
  public HeartbeatRegistry heartbeats() {
    return heartbeats;
  }

  /** The last sample a resources probe of {@code component} took, of whichever process. */
  public Optional<ResourceSample> lastSample(String component) {
    return Optional.ofNullable(samples.get(component));
  }

  /** The last sample of process {@code pid} of {@code component}, e.g. to diagnose its exit. */
  public Optional<ResourceSample> lastSample(String component, long pid) {
    return lastSample(component).filter(s -> s.pid() == pid);
  }

  /** Drops what is kept about a component removed from the config. */
  public void forget(String component) {
    samples.remove(component);
    heartbeats.forget(component);
  }

  /**
   * Closes every probe made here and the HTTP client's connections; later checks fail at once.
   * Does not shut the executors down.
   */
  @Override
  public void close() {
    closed = true;
    for (GuardedProbe p : open) {
      p.close();
    }
    http.close();
  }

  /** OSHI's view of the OS, made on first use (it loads JNA): on the blocking executor, not in create. */
  private OperatingSystem operatingSystem() {
    OperatingSystem result = os;
    if (result == null) {
      synchronized (this) {
        if (os == null) {
          os = new SystemInfo().getOperatingSystem();
        }
        result = os;
      }
    }
    return result;
  }

  private Probe make(String component, ProbeCheck check, Duration timeout) {
    if (check instanceof ProbeCheck.Http h) {
      return new HttpProbe(component, h, timeout, http, json);
    } else if (check instanceof ProbeCheck.Tcp t) {
      return new TcpProbe(component, t, timeout, timer);
    } else if (check instanceof ProbeCheck.Exec e) {
      return new ExecProbe(component, e, timeout, blockingIo, timer);
    } else if (check instanceof ProbeCheck.Heartbeat h) {
      return new HeartbeatProbe(component, h, heartbeats, clock);
    } else if (check instanceof ProbeCheck.Queue q) {
      return new QueueProbe(component, q, clock);
    } else if (check instanceof ProbeCheck.Log l) {
      return new LogProbe(component, l);
    } else if (check instanceof ProbeCheck.Tunnel t) {
      return new TunnelProbe(component, t, timeout, http, json);
    } else if (check instanceof ProbeCheck.Resources r) {
      return new ResourcesProbe(component, r, this::operatingSystem, sample -> samples.put(component, sample), clock);
    }
    throw new IllegalArgumentException("unknown probe kind " + check.kind());
  }

  /** What a check does, for causes that cannot say more ("GET http://...: no result within 1s"). */
  private static String describe(ProbeCheck check) {
    if (check instanceof ProbeCheck.Http h) {
      return "GET " + h.url();
    } else if (check instanceof ProbeCheck.Tcp t) {
      return "connect to " + t.host() + ":" + t.port();
    } else if (check instanceof ProbeCheck.Exec e) {
      return "check command " + String.join(" ", e.command());
    } else if (check instanceof ProbeCheck.Heartbeat h) {
      return "heartbeat check" + h.file().map(f -> " of " + f).orElse("");
    } else if (check instanceof ProbeCheck.Queue q) {
      return "queue check of " + q.directory();
    } else if (check instanceof ProbeCheck.Tunnel t) {
      return "tunnel check through " + t.api();
    }
    return check.kind() + " check";
  }

  /**
   * Runs a probe's checks on the blocking executor and guarantees the deadline and the
   * no-exception contract of {@link Probe#check}.
   */
  private final class GuardedProbe implements Probe {

    private final String component;
    private final String what;
    private final Probe probe;
    private final Duration timeout;
    private final long deadlineNanos;
    /** The check under way, shared by checks asked for before it ends. */
    private CompletableFuture<ProbeResult> running;

    GuardedProbe(String component, String what, Probe probe, Duration timeout) {
      this.component = component;
      this.what = what;
      this.probe = probe;
      this.timeout = timeout;
      this.deadlineNanos = timeout.plus(TIMEOUT_MARGIN).toNanos();
    }

    @Override
    public CompletionStage<ProbeResult> check(ProbeTarget target) {
      long start = System.nanoTime();
      CompletableFuture<ProbeResult> result = new CompletableFuture<>();
      if (closed) {
        result.complete(ProbeResult.failed(Duration.ZERO, new Cause(CauseCategory.PROBE_ERROR,
            what + " not run: Regulator is stopping", "")));
        return result;
      }
      CompletableFuture<ProbeResult> inner;
      synchronized (this) {
        if (running == null || running.isDone()) {
          running = start(target);
        }
        inner = running;
      }
      try {
        var guard = timer.schedule(() -> result.complete(ProbeResult.failed(HttpGet.since(start),
            new Cause(CauseCategory.PROBE_TIMEOUT, what + ": no result within " + Wording.duration(timeout),
                component + " or this host is overloaded; raise the probe's timeout if it is only slow"))),
            deadlineNanos, TimeUnit.NANOSECONDS);
        result.whenComplete((r, e) -> guard.cancel(false));
      } catch (RejectedExecutionException e) {
        result.complete(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.PROBE_ERROR,
            what + " not run: the probe timer is shut down", "")));
      }
      inner.whenComplete((r, e) -> result.complete(r));
      return result;
    }

    private CompletableFuture<ProbeResult> start(ProbeTarget target) {
      long start = System.nanoTime();
      CompletableFuture<ProbeResult> done = new CompletableFuture<>();
      try {
        blockingIo.execute(() -> {
          try {
            probe.check(target).whenComplete((r, e) -> done.complete(r != null ? r : error(start, e)));
          } catch (RuntimeException | Error e) {
            done.complete(error(start, e));
          }
        });
      } catch (RejectedExecutionException e) {
        done.complete(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.PROBE_ERROR,
            what + " not run: the probe executor refused it", "")));
      }
      return done;
    }

    private ProbeResult error(long start, Throwable e) {
      return ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.PROBE_ERROR,
          what + " failed: " + (e == null ? "no result" : e),
          "unexpected; see Regulator's log and report it if it persists"));
    }

    @Override
    public void close() {
      open.remove(this);
      probe.close();
    }

    @Override
    public String toString() {
      return component + ": " + what;
    }
  }
}

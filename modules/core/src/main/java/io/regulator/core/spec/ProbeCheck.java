package io.regulator.core.spec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** What a probe checks: one record per kind (config key {@code probes.<role>.<kind> { ... }}). */
public sealed interface ProbeCheck {

  /** The config name of the kind ({@code http}, {@code tcp}, ...). */
  String kind();

  /**
   * GET {@code url}; healthy when the status is in {@code [statusMin, statusMax]} and, if set, the
   * body contains {@code bodyContains} and the JSON value at {@code jsonPointer} equals {@code jsonValue}.
   */
  record Http(String url, int statusMin, int statusMax, Optional<String> bodyContains,
      Optional<String> jsonPointer, Optional<String> jsonValue) implements ProbeCheck {
    public String kind() {
      return "http";
    }
  }

  /** A TCP connect to host:port succeeds. */
  record Tcp(String host, int port) implements ProbeCheck {
    public String kind() {
      return "tcp";
    }
  }

  /** The command exits 0 within the probe's timeout. */
  record Exec(List<String> command) implements ProbeCheck {
    public Exec {
      command = List.copyOf(command);
    }

    public String kind() {
      return "exec";
    }
  }

  /**
   * The component showed a sign of life within {@code staleAfter}: touched {@code file} (its
   * modification time), or pushed a heartbeat through the HTTP API (when that exists).
   */
  record Heartbeat(Optional<String> file, Duration staleAfter) implements ProbeCheck {
    public String kind() {
      return "heartbeat";
    }
  }

  /** The oldest file in {@code directory} is younger than {@code maxAge} (work is being processed). */
  record Queue(String directory, Duration maxAge) implements ProbeCheck {
    public String kind() {
      return "queue";
    }
  }

  /**
   * Rules over the component's own output: a line matching {@code failurePattern} is a failure;
   * the same line {@code repeatLimit} times in a row while {@code queueDirectory} is non-empty is a
   * deadlock ("no pending patches" while patches wait); no output for {@code silentFor} is a hang.
   */
  record Log(Optional<String> failurePattern, OptionalInt repeatLimit, Optional<String> queueDirectory,
      Optional<Duration> silentFor) implements ProbeCheck {
    public String kind() {
      return "log";
    }
  }

  /**
   * A tunnel's local API ({@code api}, ngrok's {@code /api/tunnels} JSON shape) lists a public URL
   * whose upstream is {@code upstream}; with {@code endToEnd}, a GET of that public URL plus
   * {@code endToEndPath} succeeds too.
   */
  record Tunnel(String api, String upstream, boolean endToEnd, String endToEndPath) implements ProbeCheck {
    public String kind() {
      return "tunnel";
    }
  }

  /**
   * The component's whole process tree stays under the limits: resident memory, CPU % sustained
   * for {@code cpuSustainedFor}, open file descriptors, threads. Unset limits are not checked.
   */
  record Resources(OptionalLong maxRssBytes, OptionalDouble maxCpuPercent, Duration cpuSustainedFor,
      OptionalInt maxOpenFiles, OptionalInt maxThreads) implements ProbeCheck {
    public String kind() {
      return "resources";
    }
  }
}

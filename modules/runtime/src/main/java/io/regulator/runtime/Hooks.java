package io.regulator.runtime;

import io.regulator.runtime.probe.HeartbeatRegistry;
import io.regulator.runtime.probe.ProbeListener;
import java.util.Objects;

/**
 * What whoever creates the {@link Guardian} shares with the supervision tree: the registry the
 * HTTP API records pushed heartbeats on (heartbeat probes read it), and a listener for every
 * probe check (metrics).
 *
 * @param heartbeats where pushed heartbeats are recorded and read
 * @param probeListener told of every completed probe check; must be quick and not block
 */
public record Hooks(HeartbeatRegistry heartbeats, ProbeListener probeListener) {

  public Hooks {
    Objects.requireNonNull(heartbeats, "heartbeats");
    Objects.requireNonNull(probeListener, "probeListener");
  }

  /** A registry of its own and a listener that does nothing. */
  public static Hooks none() {
    return new Hooks(new HeartbeatRegistry(), ProbeListener.none());
  }
}

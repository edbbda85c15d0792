package io.regulator.runtime.probe;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The heartbeats components pushed (the HTTP API's {@code POST .../heartbeat}), by component.
 * A heartbeat probe of a component is healthy while its file or its last pushed beat is fresh.
 * Thread-safe and non-blocking: any thread, actors included, may call it.
 */
public final class HeartbeatRegistry {

  private final ConcurrentMap<String, Instant> last = new ConcurrentHashMap<>();

  /** Records a beat of {@code component} at {@code at}; an older beat than the last is ignored. */
  public void beat(String component, Instant at) {
    last.merge(component, at, (old, now) -> now.isAfter(old) ? now : old);
  }

  /** Records a beat of {@code component} now. */
  public void beat(String component) {
    beat(component, Instant.now());
  }

  /** When {@code component} last pushed a beat, if ever. */
  public Optional<Instant> last(String component) {
    return Optional.ofNullable(last.get(component));
  }

  /** Forgets a component removed from the config. */
  public void forget(String component) {
    last.remove(component);
  }
}

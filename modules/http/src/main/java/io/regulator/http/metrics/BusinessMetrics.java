package io.regulator.http.metrics;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The business metrics components push with their heartbeats ({@code processed}, {@code failed},
 * {@code queue_depth}, …), last value per name. Thread-safe; read by the API and by
 * {@code /metrics}.
 */
public final class BusinessMetrics {

  /** The values a component pushed last, and when. */
  public record Pushed(Instant at, Map<String, Double> values) {}

  private final ConcurrentMap<String, Pushed> byComponent = new ConcurrentHashMap<>();

  /** Merges {@code values} into what {@code component} pushed before. */
  public void record(String component, Instant at, Map<String, Double> values) {
    byComponent.merge(component, new Pushed(at, Map.copyOf(values)), (old, now) -> {
      Map<String, Double> merged = new TreeMap<>(old.values());
      merged.putAll(now.values());
      return new Pushed(now.at(), Map.copyOf(merged));
    });
  }

  public Optional<Pushed> of(String component) {
    return Optional.ofNullable(byComponent.get(component));
  }

  /** Every component that pushed something, with its values. */
  public Map<String, Pushed> all() {
    return Map.copyOf(byComponent);
  }

  /** Forgets a component removed from the config. */
  public void forget(String component) {
    byComponent.remove(component);
  }
}

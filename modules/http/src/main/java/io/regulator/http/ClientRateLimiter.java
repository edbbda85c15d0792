package io.regulator.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code burst} requests at once, refilled at
 * {@code perSecond}. Thread-safe; idle buckets are dropped once the map grows large.
 */
public final class ClientRateLimiter {

  private static final int MAX_CLIENTS = 10_000;

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public ClientRateLimiter(HttpSettings.RateLimit limit) {
    this(limit, System::nanoTime);
  }

  ClientRateLimiter(HttpSettings.RateLimit limit, LongSupplier nanoClock) {
    this.perNano = limit.requestsPerSecond() / 1e9;
    this.burst = limit.burst();
    this.nanoClock = nanoClock;
  }

  /**
   * Takes one token of {@code client}'s bucket.
   *
   * @return 0 when the request may go on, else the seconds until a token is back (for Retry-After)
   */
  public long acquire(String client) {
    long now = nanoClock.getAsLong();
    if (buckets.size() > MAX_CLIENTS) {
      buckets.values().removeIf(b -> b.fullAt(now, perNano, burst));
    }
    Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
    synchronized (bucket) {
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perNano);
      bucket.at = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perNano / 1e9));
    }
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }

    synchronized boolean fullAt(long now, double perNano, double burst) {
      return tokens + (now - at) * perNano >= burst;
    }
  }
}

package io.regulator.runtime.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The addresses of the hosts probes GET, kept for a short while. A name lookup can block for
 * seconds (a slow or absent DNS server), so it never runs on the HTTP selector thread: it runs on
 * the resolver executor and the answer is cached for {@link #TTL_NANOS}, so a probe that checks
 * every second looks its host up twice a minute. Literal addresses (127.0.0.1, [::1]) need no
 * lookup and are parsed in place. Failed lookups are not kept here (the JDK keeps them 10 s).
 */
final class HostAddresses {

  /** As long as the JDK's own positive cache keeps an address by default. */
  static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(30);

  private record Entry(InetAddress address, long expiresNanos) {}

  private final Executor resolver;
  private final ConcurrentMap<String, Entry> cache = new ConcurrentHashMap<>();

  HostAddresses(Executor resolver) {
    this.resolver = resolver;
  }

  /** The address of {@code host} if it is a literal or was looked up lately, else null. Never blocks. */
  InetAddress known(String host) {
    Entry e = cache.get(host);
    if (e != null && e.expiresNanos - System.nanoTime() > 0) {
      return e.address;
    }
    if (isLiteral(host)) {
      try {
        InetAddress address = InetAddress.getByName(host); // a literal is parsed, not looked up
        cache.put(host, new Entry(address, Long.MAX_VALUE));
        return address;
      } catch (UnknownHostException e2) {
        return null;
      }
    }
    return null;
  }

  /** Looks {@code host} up on the resolver executor and hands the address or the error to {@code then}. */
  void resolve(String host, BiConsumer<InetAddress, Exception> then) {
    Runnable lookup = () -> {
      try {
        InetAddress address = InetAddress.getByName(host);
        cache.put(host, new Entry(address, System.nanoTime() + TTL_NANOS));
        then.accept(address, null);
      } catch (UnknownHostException | RuntimeException e) {
        then.accept(null, e);
      }
    };
    try {
      resolver.execute(lookup);
    } catch (RejectedExecutionException e) {
      lookup.run(); // the executor is shutting down: Regulator is stopping, the caller may wait
    }
  }

  /** A dotted-quad IPv4 address or a bracketed IPv6 one, as a URI spells them. */
  static boolean isLiteral(String host) {
    if (host.startsWith("[") && host.endsWith("]")) {
      return true;
    }
    int parts = 0;
    int digits = 0;
    int value = 0;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c >= '0' && c <= '9' && digits < 3) {
        value = value * 10 + (c - '0');
        digits++;
      } else if (c == '.' && digits > 0 && value <= 255) {
        parts++;
        digits = 0;
        value = 0;
      } else {
        return false;
      }
    }
    return parts == 3 && digits > 0 && value <= 255;
  }
}

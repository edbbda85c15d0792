package io.regulator.http;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Host;

/**
 * The names a request may address this machine by when it reads without a token.
 *
 * <p>On a loopback address without a read token, reads are open to local clients. A browser is a
 * local client too: a web page can point its own name at 127.0.0.1 (DNS rebinding) and then read
 * the API as a page of its own origin. Its requests still carry the page's name in {@code Host},
 * so open reads are served only to requests addressed by a local name. No name is looked up: a
 * lookup is exactly what the rebinding page controls.
 */
final class LocalNames {

  private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private LocalNames() {}

  /** The name the request was addressed to when it is not a local one; empty when local or not given. */
  static Optional<String> foreignHost(HttpRequest request, String configuredHost) {
    return request.getHeader(Host.class)
        .map(h -> h.host().address())
        .filter(name -> !name.isEmpty() && !isLocal(name, configuredHost));
  }

  /** localhost (and *.localhost), 127.0.0.0/8, ::1, or the configured bind host itself, written as it is. */
  static boolean isLocal(String name, String configuredHost) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.startsWith("[") && n.endsWith("]")) {
      n = n.substring(1, n.length() - 1);
    }
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1); // "localhost." is the same name
    }
    return n.equals("localhost") || n.endsWith(".localhost") || LOOPBACK_V4.matcher(n).matches()
        || n.equals("::1") || n.equals("0:0:0:0:0:0:0:1") || n.equals(configuredHost.trim().toLowerCase(Locale.ROOT));
  }
}

package io.regulator.alerting.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A webhook URL: a secret (whoever has a Slack incoming-webhook URL may post to the channel), so it
 * is never printed. {@link #toString()} and {@link #redacted()} show only the scheme, the host and a
 * short hash ({@code https://hooks.slack.com/***#1a2b3c4d}), enough to tell two URLs apart in logs
 * without revealing either.
 */
public final class WebhookUrl {

  private final URI uri;
  private final String fingerprint;
  private final String redacted;

  private WebhookUrl(URI uri) {
    this.uri = uri;
    this.fingerprint = hash(uri.toString());
    this.redacted = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + "/***#" + fingerprint;
  }

  /**
   * Parses an absolute http(s) URL.
   *
   * @param key the config key it came from, for the error message
   * @throws IllegalArgumentException naming the key and what is wrong, never the value itself
   */
  public static WebhookUrl parse(String text, String key) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(key + " is not a valid URL (the value is not shown: it may be a secret); "
          + "expected e.g. https://hooks.slack.com/services/T000/B000/XXXX");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(key + " must be an http:// or https:// URL"
          + (scheme.isEmpty() ? "" : ", not " + scheme + "://") + " (the value is not shown: it may be a secret)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(key + " has no host (the value is not shown: it may be a secret); "
          + "expected e.g. https://hooks.slack.com/services/T000/B000/XXXX");
    }
    return new WebhookUrl(uri);
  }

  /** The real URL: only for the HTTP request itself. */
  public URI uri() {
    return uri;
  }

  /** Scheme, host, port and hash: what logs, errors, events and the API show. */
  public String redacted() {
    return redacted;
  }

  /** A short hash of the whole URL: changes when the config points the receiver elsewhere. */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * The text with the URL, and its path and query on their own, replaced by the redacted form
   * (for exception messages of HTTP clients, which may quote what they were asked to reach).
   */
  public String scrub(String text) {
    if (text == null) {
      return "";
    }
    String result = text.replace(uri.toString(), redacted);
    String path = uri.getRawPath();
    if (path != null && path.length() > 1) {
      result = result.replace(path, "/***");
    }
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      result = result.replace(query, "***");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      result = result.replace(userInfo, "***");
    }
    return result;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookUrl other && other.uri.equals(uri);
  }

  @Override
  public int hashCode() {
    return uri.hashCode();
  }

  @Override
  public String toString() {
    return redacted;
  }

  private static String hash(String s) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

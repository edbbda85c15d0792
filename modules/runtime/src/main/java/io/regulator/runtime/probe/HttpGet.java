package io.regulator.runtime.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One asynchronous GET with a hard deadline, for the http and tunnel probes. The outcome is a
 * value, never an exception: an answer (status and the first bytes of the body) or a failure
 * sorted into refused / timeout / other.
 *
 * <p>Two clients behind one contract. Plain {@code http://} URLs, nearly every health endpoint,
 * go to {@link PlainHttpClient}, one selector thread for all probes with keep-alive connections.
 * Everything it does not take (https, user info in the URL, see {@link PlainHttpClient#supports})
 * goes to the JDK's {@link HttpClient}, built on first use, with a timer task for the deadline.
 */
final class HttpGet implements AutoCloseable {

  /** At most this much of a body is read for the body and JSON checks. */
  static final int BODY_CAP = 256 * 1024;

  sealed interface Outcome {}

  record Answer(int status, String body, Duration latency) implements Outcome {}

  enum FailureKind { REFUSED, TIMEOUT, ERROR }

  record Failure(FailureKind kind, String message, Duration latency) implements Outcome {}

  private final PlainHttpClient plain;
  private final Supplier<HttpClient> jdkClient;
  private final ScheduledExecutorService timer;
  private volatile HttpClient jdk;

  /**
   * @param jdkClient makes the JDK client for what {@code plain} does not support, on first use
   *     (it starts a selector thread of its own)
   * @param timer fires the deadlines of the JDK client's requests
   */
  HttpGet(PlainHttpClient plain, Supplier<HttpClient> jdkClient, ScheduledExecutorService timer) {
    this.plain = plain;
    this.jdkClient = jdkClient;
    this.timer = timer;
  }

  /** Whether {@code uri} goes to the plain client (true) or the JDK's (false). */
  static boolean plain(URI uri) {
    return PlainHttpClient.supports(uri);
  }

  /** Closes the plain client's connections and thread; the JDK client closes with its last request. */
  @Override
  public void close() {
    plain.close();
  }

  /**
   * GETs {@code uri}; completes within {@code timeout} (plus timer jitter) however the server
   * behaves, also when it sends headers and then stalls the body.
   *
   * @param readBody read up to {@link #BODY_CAP} bytes of the body; otherwise it is discarded
   */
  CompletableFuture<Outcome> get(URI uri, Duration timeout, boolean readBody) {
    long start = System.nanoTime();
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    if (timeout.isZero() || timeout.isNegative()) {
      outcome.complete(new Failure(FailureKind.TIMEOUT, "no time left", Duration.ZERO));
      return outcome;
    }
    if (plain(uri)) {
      try {
        return plain.get(uri, timeout, readBody, start);
      } catch (RuntimeException e) {
        outcome.complete(new Failure(FailureKind.ERROR, describe(e), since(start)));
        return outcome;
      }
    }
    HttpClient client = jdk();
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(uri).GET().timeout(timeout)
          .header("User-Agent", "regulator-probe").build();
    } catch (IllegalArgumentException e) {
      outcome.complete(new Failure(FailureKind.ERROR, "bad URL: " + e.getMessage(), Duration.ZERO));
      return outcome;
    }
    CompletableFuture<? extends HttpResponse<?>> sent;
    try {
      sent = readBody
          ? client.sendAsync(request, info -> new CappedBody(BODY_CAP))
          : client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    } catch (RuntimeException e) {
      outcome.complete(new Failure(FailureKind.ERROR, describe(e), since(start)));
      return outcome;
    }
    // The request timeout covers the wait for the headers only; this covers a stalled body too.
    var deadline = timer.schedule(() -> {
      if (outcome.complete(new Failure(FailureKind.TIMEOUT, "no answer within " + Wording.duration(timeout),
          since(start)))) {
        sent.cancel(true);
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    sent.whenComplete((response, error) -> {
      deadline.cancel(false);
      if (error == null) {
        Object body = response.body();
        outcome.complete(new Answer(response.statusCode(), body instanceof String s ? s : "", since(start)));
      } else {
        outcome.complete(failure(error, timeout, since(start)));
      }
    });
    return outcome;
  }

  private HttpClient jdk() {
    HttpClient client = jdk;
    if (client == null) {
      synchronized (this) {
        if (jdk == null) {
          jdk = jdkClient.get();
        }
        client = jdk;
      }
    }
    return client;
  }

  static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static Failure failure(Throwable error, Duration timeout, Duration latency) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpTimeoutException) {
        return new Failure(FailureKind.TIMEOUT, "no answer within " + Wording.duration(timeout), latency);
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException && (t.getMessage() == null
          || t.getMessage().toLowerCase().contains("refused"))) {
        return new Failure(FailureKind.REFUSED, "connection refused", latency);
      }
      if (t instanceof UnresolvedAddressException) {
        return new Failure(FailureKind.ERROR, "unknown host", latency);
      }
    }
    return new Failure(FailureKind.ERROR, describe(e), latency);
  }

  /** A short message for an unexpected error: the exception's message, or its class when it has none. */
  static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t.getMessage() != null && !t.getMessage().isBlank()) {
          return e.getClass().getSimpleName() + ": " + t.getMessage();
        }
      }
      return e.getClass().getSimpleName();
    }
    return e instanceof IOException ? message : e.getClass().getSimpleName() + ": " + message;
  }

  /**
   * Collects at most {@code cap} bytes of a body and then stops reading, so a huge or endless
   * body costs neither memory nor time. Decoded as UTF-8 (health answers are text or JSON).
   */
  private static final class CappedBody implements HttpResponse.BodySubscriber<String> {

    private final int cap;
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private byte[] data = new byte[4096];
    private int len;
    private Flow.Subscription subscription;

    CappedBody(int cap) {
      this.cap = cap;
    }

    @Override
    public CompletionStage<String> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (body.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        int n = Math.min(item.remaining(), cap - len);
        if (len + n > data.length) {
          data = Arrays.copyOf(data, Math.min(cap, Math.max(data.length * 2, len + n)));
        }
        item.get(data, len, n);
        len += n;
        if (len >= cap) {
          body.complete(text());
          subscription.cancel();
          return;
        }
      }
    }

    @Override
    public void onError(Throwable throwable) {
      body.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      body.complete(text());
    }

    private String text() {
      return new String(data, 0, len, StandardCharsets.UTF_8);
    }
  }
}

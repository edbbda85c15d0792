package io.regulator.alerting.delivery;

import io.regulator.alerting.Notification;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * One POST of a notification to an HTTP receiver, asynchronous on the JDK's HttpClient (its own
 * threads; nothing blocks an actor). Never fails: every outcome, errors included, is a
 * {@link DeliveryResult}, and no message in it contains the URL.
 */
public final class WebhookTransport {

  /** The part of a response body kept for the reason ({@code invalid_payload}, ...). */
  private static final int BODY_EXCERPT = 512;

  private final HttpClient client;
  private final Clock clock;

  public WebhookTransport(HttpClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** A client for webhooks: redirects are not followed (a moved webhook is a config problem). */
  public static HttpClient defaultClient() {
    return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  public CompletionStage<DeliveryResult> send(HttpReceiver receiver, Notification notification) {
    HttpRequest request;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(receiver.url().uri())
          .timeout(receiver.timeout())
          .header("Content-Type", "application/json; charset=utf-8")
          .header("User-Agent", "Regulator")
          .header("Idempotency-Key", notification.id())
          .POST(HttpRequest.BodyPublishers.ofString(receiver.body(notification), StandardCharsets.UTF_8));
      receiver.headers().forEach(b::header);
      request = b.build();
    } catch (RuntimeException e) {
      // a message that cannot be rendered will never be: fail it rather than block the queue
      return CompletableFuture.completedFuture(new DeliveryResult.Rejected("cannot build the request: "
          + receiver.url().scrub(String.valueOf(e.getMessage()))));
    }
    Duration timeout = receiver.timeout();
    return client.sendAsync(request, info -> excerpt())
        // the request timeout covers the answer's head; this covers a body that trickles in
        .orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
        .handle((response, error) -> error != null
            ? DeliveryResult.ofError(error, timeout, receiver.url()::scrub)
            : result(receiver, response));
  }

  private DeliveryResult result(HttpReceiver receiver, HttpResponse<String> response) {
    return DeliveryResult.of(response.statusCode(), response.headers().firstValue("Retry-After"),
        receiver.url().scrub(response.body()), receiver.service(), clock.instant());
  }

  /** The first {@value #BODY_EXCERPT} bytes of the body as text; the rest is read and dropped. */
  private static BodySubscriber<String> excerpt() {
    Excerpt e = new Excerpt();
    return BodySubscribers.fromSubscriber(e, Excerpt::text);
  }

  private static final class Excerpt implements Flow.Subscriber<List<ByteBuffer>> {
    private final byte[] kept = new byte[BODY_EXCERPT];
    private int size;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        int n = Math.min(b.remaining(), kept.length - size);
        b.get(kept, size, n);
        size += n;
      }
    }

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}

    String text() {
      return new String(kept, 0, size, StandardCharsets.UTF_8);
    }
  }
}

package io.regulator.alerting.delivery;

import io.regulator.alerting.Notification;
import io.regulator.core.event.HealthEvent;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the alert manager sends {@link Notification}s: hands each to the {@link Outbox} of its
 * receiver. Spawns one outbox per configured receiver at start, so messages left over from before
 * a restart go out without waiting for a new one. Spawn it once per actor system:
 * <pre>{@code
 * DeliverySettings settings = DeliverySettings.from(config.getConfig("regulator"));
 * ActorRef<Notification> dispatcher = ctx.spawn(Dispatcher.create(settings, bus::publish), "alert-delivery");
 * }</pre>
 */
public final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private Dispatcher() {}

  /**
   * @param publish where a CRITICAL about a disabled receiver goes ({@code HealthEvent.SystemCritical}):
   *     the app's event bus, from where the alert manager and the journal see it
   */
  public static Behavior<Notification> create(DeliverySettings settings, Consumer<HealthEvent> publish) {
    return create(settings, publish, WebhookTransport.defaultClient(), Clock.systemUTC());
  }

  public static Behavior<Notification> create(DeliverySettings settings, Consumer<HealthEvent> publish,
      HttpClient http, Clock clock) {
    return Behaviors.setup(ctx -> {
      WebhookTransport transport = new WebhookTransport(http, clock);
      Map<String, ActorRef<Outbox.Command>> outboxes = new HashMap<>();
      settings.warnings().forEach(LOG::warn);
      // a journal failure restarts an outbox by itself; this covers anything else going wrong in one
      SupervisorStrategy restart = SupervisorStrategy.restartWithBackoff(settings.backoff().min(),
          settings.backoff().max(), settings.backoff().randomFactor());
      settings.receivers().values().forEach(r -> outboxes.put(r.name(), ctx.spawn(
          Behaviors.supervise(Outbox.create(r, settings, transport, publish, clock)).onFailure(restart),
          actorName(r.name()))));
      LOG.info("alert delivery: receivers {}", settings.receivers().values().stream()
          .map(r -> r.name() + " -> " + r.shownEndpoint()).toList());
      return Behaviors.receive(Notification.class)
          .onMessage(Notification.class, n -> onNotification(ctx, outboxes, n))
          .build();
    });
  }

  /** The outbox's actor name: {@code outbox-<receiver>}, encoded so that any receiver name fits. */
  public static String actorName(String receiver) {
    return "outbox-" + URLEncoder.encode(receiver, StandardCharsets.UTF_8);
  }

  private static Behavior<Notification> onNotification(ActorContext<Notification> ctx,
      Map<String, ActorRef<Outbox.Command>> outboxes, Notification n) {
    ActorRef<Outbox.Command> outbox = outboxes.get(n.receiver());
    if (outbox == null) {
      LOG.error("alert notification {} is for receiver '{}', which is not configured (configured: {}): dropped; "
          + "add it under regulator.alerts.receivers or fix the alert routing", n.id(), n.receiver(),
          outboxes.keySet().stream().sorted().toList());
      return Behaviors.same();
    }
    outbox.tell(new Outbox.Enqueue(n, ctx.getSystem().ignoreRef()));
    return Behaviors.same();
  }
}

package io.regulator.http;

import io.regulator.alerting.AlertManager;
import io.regulator.core.config.ConfigValidationException;
import io.regulator.core.spec.FleetSpec;
import io.regulator.http.metrics.BusinessMetrics;
import io.regulator.journal.read.JournalReader;
import io.regulator.runtime.Guardian;
import io.regulator.runtime.bus.EventBus;
import io.regulator.runtime.probe.HeartbeatRegistry;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the API serves from: the running parts of Regulator it talks to.
 *
 * @param fleet the config in force (replaced by a reload)
 * @param reloader reads the config file again, for {@code POST /api/v1/reload}
 * @param dataDir where the generated token lives
 */
public record Services(
    ActorSystem<?> system,
    ActorRef<Guardian.Command> guardian,
    ActorRef<AlertManager.Command> alerts,
    JournalReader journal,
    EventBus bus,
    HeartbeatRegistry heartbeats,
    BusinessMetrics business,
    AtomicReference<FleetSpec> fleet,
    Reloader reloader,
    Path dataDir) {

  /** Reads and checks the config file again. */
  @FunctionalInterface
  public interface Reloader {
    FleetSpec load() throws ConfigValidationException;
  }
}

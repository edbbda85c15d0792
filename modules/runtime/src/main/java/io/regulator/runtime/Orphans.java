package io.regulator.runtime;

import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.FleetSpec;
import io.regulator.runtime.process.PidRecord;
import io.regulator.runtime.process.PidRegistry;
import io.regulator.runtime.process.ReapResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Processes left running by an earlier run of Regulator that ended without stopping them (a
 * {@code kill -9}, a crash, a power cut of the JVM only). Each pid record whose process still runs
 * with the recorded start time is either reaped (its whole group stopped: TERM, grace, KILL) or,
 * for a component with {@code adopt-orphans = true}, handed to its supervisor to watch. A pid
 * now used by another process is never touched. Runs once at start, before any supervisor exists,
 * so there is never a second instance of a component.
 */
final class Orphans {

  /** What was found: events to publish, and the processes to adopt by component. */
  record Outcome(List<HealthEvent> events, Map<String, PidRecord> adopted) {}

  private Orphans() {}

  static Outcome handle(FleetSpec fleet, PidRegistry pids, Duration grace) {
    String node = fleet.settings().node();
    List<HealthEvent> events = new ArrayList<>();
    Map<String, PidRecord> adopted = new LinkedHashMap<>();
    for (PidRecord record : pids.leftovers()) {
      ComponentSpec spec = fleet.components().get(record.component());
      Optional<ProcessHandle> survivor = pids.survivor(record);
      if (spec != null && spec.adoptOrphans() && survivor.isPresent()) {
        adopted.put(record.component(), record);
        events.add(new HealthEvent.OrphanHandled(Instant.now(), node, record.component(), record.pid(), true,
            "adopted " + record.describe() + " left by an earlier run"));
        continue;
      }
      ReapResult result = pids.reap(record, grace);
      pids.remove(record.component(), record.pid());
      if (result.outcome().acted()) {
        events.add(new HealthEvent.OrphanHandled(Instant.now(), node, record.component(), record.pid(), false,
            result.description()));
      }
    }
    if (!events.isEmpty()) {
      events.add(0, new HealthEvent.RegulatorLifecycle(Instant.now(), node, HealthEvent.SYSTEM, "orphans handled",
          Optional.of(events.size() + " process(es) left by an earlier run")));
    }
    return new Outcome(events, adopted);
  }
}

package io.regulator.runtime.probe;

import java.util.concurrent.CompletionStage;

/**
 * One configured health check of one component. Made by {@link Probes#create}.
 *
 * <p>{@link #check} never blocks its caller and its stage always completes, normally, within the
 * probe's timeout plus {@link Probes#TIMEOUT_MARGIN}: a target that never answers gives a
 * PROBE_TIMEOUT result, never a stuck stage or an exceptional one. The stage completes on a
 * probe thread (HTTP client, timer or the blocking executor), so an actor should only hand the
 * result on ({@code pipeToSelf}).
 *
 * <p>Some probes keep state between checks (log: lines seen since the last check; resources:
 * the previous CPU time), so call {@code check} again only after the previous stage completed; a
 * check called while the previous one is still running shares its result.
 */
public interface Probe extends AutoCloseable {

  CompletionStage<ProbeResult> check(ProbeTarget target);

  /** Lets go of what the probe holds (an output listener). Quick; never throws. */
  @Override
  default void close() {}
}

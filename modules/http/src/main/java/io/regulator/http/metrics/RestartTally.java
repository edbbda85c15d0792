package io.regulator.http.metrics;

/**
 * A component's restarts as a Prometheus counter: never down. Two sources count them, each from
 * below: the restart events seen on the bus (one {@code RestartScheduled} per restart, one
 * {@code CircuitChanged} to HALF_OPEN per trial start, exactly where the supervisor counts), and
 * the {@code restarts} of its status, which starts again at 0 when a reload replaces its
 * supervisor. The counter is the larger of the two, so it neither counts a restart twice nor
 * misses the ones from before the metrics subscribed.
 *
 * @param fromStatuses restarts summed over the supervisors the statuses showed
 * @param lastStatus the {@code restarts} of the last status seen
 * @param fromEvents restart events seen
 */
record RestartTally(long fromStatuses, int lastStatus, long fromEvents) {

  /** Before anything was seen: the first status then counts in full. */
  static final RestartTally NONE = new RestartTally(0, 0, 0);

  /** With a newer status: a smaller count than before means a new supervisor that counts from 0. */
  RestartTally withStatus(int restarts) {
    long added = restarts >= lastStatus ? restarts - lastStatus : restarts;
    return new RestartTally(fromStatuses + added, restarts, fromEvents);
  }

  RestartTally withEvent() {
    return new RestartTally(fromStatuses, lastStatus, fromEvents + 1);
  }

  long total() {
    return Math.max(fromStatuses, fromEvents);
  }
}

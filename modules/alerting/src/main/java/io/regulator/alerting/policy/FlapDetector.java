package io.regulator.alerting.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Nagios' flap detection: the last {@code samples} health samples of a component, the weighted
 * percentage of state changes among them, and two thresholds with hysteresis. A change between
 * the two oldest samples weighs {@code weightOldest}, one between the two newest
 * {@code weightNewest}, linearly in between; with weights averaging 1, a history that changes at
 * every sample scores 100%. A component starts flapping at {@code high} % or more and stops at
 * {@code low} % or less; in between it stays as it was (Nagios' {@code check_for_service_flapping}).
 *
 * @param samples how many samples are kept (Nagios: 21, so 20 possible changes)
 * @param low stop flapping at or below this percentage
 * @param high start flapping at or above this percentage
 */
public record FlapDetector(int samples, double low, double high, double weightOldest, double weightNewest) {

  public FlapDetector {
    if (samples < 3) {
      throw new IllegalArgumentException("flap samples must be at least 3, not " + samples);
    }
    if (low < 0 || high > 100 || low >= high) {
      throw new IllegalArgumentException("flap thresholds need 0 <= low < high <= 100, not low = " + low
          + ", high = " + high);
    }
    if (weightOldest <= 0 || weightNewest <= 0) {
      throw new IllegalArgumentException("flap weights must be positive");
    }
  }

  /**
   * The sample history of one component.
   *
   * @param samples oldest first, {@code true} for a problem sample; at most the detector's size
   * @param percent the weighted state change of {@code samples}
   */
  public record History(List<Boolean> samples, boolean flapping, double percent) {

    public static final History EMPTY = new History(List.of(), false, 0);

    public History {
      samples = List.copyOf(samples);
    }

    /** True when adding {@code problem} could not change anything: every sample is already that. */
    public boolean settledOn(boolean problem) {
      return !flapping && samples.stream().allMatch(s -> s == problem);
    }
  }

  /** The history after one more sample, with the flapping decision taken on it. */
  public History record(History history, boolean problem) {
    List<Boolean> next = new ArrayList<>(history.samples());
    next.add(problem);
    while (next.size() > samples) {
      next.remove(0);
    }
    double percent = percentStateChange(next);
    // flapping -> not flapping only at or below low; not flapping -> flapping only at or above high
    boolean flapping = history.flapping() ? percent > low : percent >= high;
    return new History(next, flapping, percent);
  }

  /**
   * Nagios' curved percent state change of a history (oldest first). A history shorter than
   * {@code samples} counts as if its oldest sample had been repeated before it (no changes there),
   * as Nagios fills a new history with the current state; changes keep the weight of their place in
   * the full window, so the newest change always weighs {@code weightNewest}.
   */
  public double percentStateChange(List<Boolean> history) {
    if (history.size() > samples) {
      history = history.subList(history.size() - samples, history.size());
    }
    int transitions = samples - 1;
    int padding = samples - history.size();
    double weighted = 0;
    for (int i = 1; i < history.size(); i++) {
      if (!history.get(i).equals(history.get(i - 1))) {
        int position = padding + i; // 1 = between the two oldest slots, transitions = between the two newest
        weighted += weightOldest + (position - 1) * (weightNewest - weightOldest) / (transitions - 1);
      }
    }
    return weighted * 100.0 / transitions;
  }
}

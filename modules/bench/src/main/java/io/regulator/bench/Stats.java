package io.regulator.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of a sample, nearest-rank, in milliseconds. */
record Stats(int n, double p50, double p90, double p99, double max, double min) {

  static Stats ofNanos(List<Long> nanos) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Stats(sorted.length, ms(rank(sorted, 0.50)), ms(rank(sorted, 0.90)), ms(rank(sorted, 0.99)),
        ms(sorted[sorted.length - 1]), ms(sorted[0]));
  }

  private static long rank(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  String row(String what) {
    return String.format("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |", what, n, min, p50, p90, p99, max);
  }

  static String header() {
    return "| figure | n | min ms | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|";
  }

  @Override
  public String toString() {
    return Arrays.toString(new double[] {p50, p99});
  }
}

package io.regulator.bench;

import java.util.Arrays;

/** {@code bin/regulator bench <scenario> [options]}: one command per figure in docs/benchmarks.md. */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: bin/regulator bench restart-latency [--kills N] [--warmup N]");
      System.exit(2);
    }
    org.slf4j.LoggerFactory.getILoggerFactory(); // before Pekko's threads race to initialise it
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "restart-latency" -> RestartLatency.main(rest);
      default -> {
        System.err.println("bench: unknown scenario '" + args[0] + "'; known: restart-latency");
        System.exit(2);
      }
    }
  }
}

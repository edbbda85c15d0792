package io.regulator.bench;

import java.util.Arrays;

/** {@code bin/regulator bench <scenario> [options]}: one command per figure in docs/benchmarks.md. */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: bin/regulator bench restart-latency [--kills N] [--warmup N]\n"
          + "       bin/regulator bench journal-write [--events N] [--components N] [--warmup N] [--rounds N]\n"
          + "       bin/regulator bench journal-replay [--events N] [--components N] [--rounds N]\n"
          + "       bin/regulator bench http-status [--components N] [--duration S] [--connections N] [--threads N]"
          + " [--runs N]");
      System.exit(2);
    }
    org.slf4j.LoggerFactory.getILoggerFactory(); // before Pekko's threads race to initialise it
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "restart-latency" -> RestartLatency.main(rest);
      case "journal-write" -> JournalWrite.main(rest);
      case "journal-replay" -> JournalReplay.main(rest);
      case "http-status" -> HttpStatus.main(rest);
      default -> {
        System.err.println("bench: unknown scenario '" + args[0] + "'; known: restart-latency, journal-write, journal-replay, http-status");
        System.exit(2);
      }
    }
  }
}

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
          + " [--runs N]\n"
          + "       bin/regulator bench idle [--components N] [--warmup 60s] [--measure 60s] [--step 10s] [--config HOCON]\n"
          + "       bin/regulator bench probes [--components N] [--period 1s] [--warmup 30s] [--measure 60s] [--config HOCON]\n"
          + "       bin/regulator bench startup [--components N] [--rounds N] [--ready-after 0s]\n"
          + "       bin/regulator bench alert-latency [--alerts N] [--warmup N] [--group-wait 2s] [--gap 1500ms]\n"
          + "       bin/regulator bench peers [--only restart,crash-loop,idle,startup,status] [--tools regulator,supervisord,pm2]\n"
          + "           [--kills N] [--warmup-kills N] [--settle 1100ms] [--crash-seconds 30s] [--sizes 10,100,500]"
          + " [--warmup 20s] [--measure 60s] [--status-runs N]");
      System.exit(2);
    }
    org.slf4j.LoggerFactory.getILoggerFactory(); // before Pekko's threads race to initialise it
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "restart-latency" -> RestartLatency.main(rest);
      case "journal-write" -> JournalWrite.main(rest);
      case "journal-replay" -> JournalReplay.main(rest);
      case "http-status" -> HttpStatus.main(rest);
      case "idle" -> IdleFootprint.main(rest);
      case "probes" -> ProbeTiming.main(rest);
      case "startup" -> StartupTime.main(rest);
      case "alert-latency" -> AlertLatency.main(rest);
      case "peers" -> Peers.main(rest);
      default -> {
        System.err.println("bench: unknown scenario '" + args[0] + "'; known: restart-latency, journal-write, journal-replay, http-status, idle, probes,"
            + " startup, alert-latency, peers");
        System.exit(2);
      }
    }
  }
}

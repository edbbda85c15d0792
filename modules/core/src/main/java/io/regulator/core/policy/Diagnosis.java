package io.regulator.core.policy;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ExitStatus;

/** Turns what was observed into a cause with a one-line suggestion a person can act on. */
public final class Diagnosis {

  private Diagnosis() {}

  /** The cause of an exit nobody asked for. */
  public static Cause ofExit(String component, ExitStatus status) {
    if (status.signal().isPresent()) {
      String sig = status.signal().get();
      String suggestion = switch (sig) {
        case "KILL" -> "something outside Regulator killed it (the kernel's OOM killer?); check dmesg and memory limits";
        case "SEGV", "BUS", "ILL", "FPE", "ABRT" -> "it crashed; see the last lines of logs/" + component + ".log";
        case "TERM", "INT", "HUP", "QUIT" -> "another program stopped it; use Regulator to stop components";
        default -> "see the last lines of logs/" + component + ".log";
      };
      return new Cause(CauseCategory.SIGNAL, "killed by SIG" + sig, suggestion);
    }
    if (status.code().isEmpty()) {
      return new Cause(CauseCategory.EXIT_CODE, status.toString(), "see the last lines of logs/" + component + ".log");
    }
    int code = status.code().get();
    return new Cause(CauseCategory.EXIT_CODE, "exited with code " + code,
        code == 0 ? "it exited on its own with success; if it should run forever, see why it stops in logs/"
            + component + ".log"
            : "see the last lines of logs/" + component + ".log");
  }
}

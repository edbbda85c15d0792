package io.regulator.core.event;

import java.util.Optional;

/**
 * How a process ended: an exit code, or the signal that terminated it.
 *
 * @param code the exit code, or empty when a signal ended the process
 * @param signal the signal name without "SIG" ({@code KILL}), or empty
 */
public record ExitStatus(Optional<Integer> code, Optional<String> signal) {

  public static ExitStatus code(int code) {
    return new ExitStatus(Optional.of(code), Optional.empty());
  }

  public static ExitStatus signal(String name) {
    return new ExitStatus(Optional.empty(), Optional.of(name));
  }

  @Override
  public String toString() {
    return signal.map(s -> "killed by SIG" + s).orElseGet(() -> "exited with code " + code.orElse(-1));
  }
}

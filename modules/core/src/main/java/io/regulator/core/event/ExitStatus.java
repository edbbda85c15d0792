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

  /** The exit of a process that is not our child (an adopted orphan): the kernel does not tell us how it ended. */
  public static ExitStatus unknown() {
    return new ExitStatus(Optional.empty(), Optional.empty());
  }

  @Override
  public String toString() {
    if (signal.isPresent()) {
      return "killed by SIG" + signal.get();
    }
    return code.map(c -> "exited with code " + c).orElse("exited (status unknown: not a child of this Regulator)");
  }
}

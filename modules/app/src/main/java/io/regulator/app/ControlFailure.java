package io.regulator.app;

/**
 * A control command that cannot do what was asked, already worded as the one line to print
 * (without the {@code regulator: } prefix), with its exit code.
 */
final class ControlFailure extends Exception {

  final int exitCode;
  /** The service did not answer at all (not running, or not within the timeout). */
  final boolean unreachable;

  ControlFailure(String message, int exitCode) {
    this(message, exitCode, false);
  }

  ControlFailure(String message) {
    this(message, 1, false);
  }

  private ControlFailure(String message, int exitCode, boolean unreachable) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.unreachable = unreachable;
  }

  static ControlFailure unreachable(String message) {
    return new ControlFailure(message, 1, true);
  }
}

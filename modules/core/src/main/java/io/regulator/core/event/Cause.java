package io.regulator.core.event;

/**
 * Why something happened, in words a person acts on.
 *
 * @param detail one line saying what happened ("exited with code 3", "executable not found: /x")
 * @param suggestion one line saying what to do about it, or empty when there is nothing to do
 */
public record Cause(CauseCategory category, String detail, String suggestion) {

  public static Cause of(CauseCategory category, String detail) {
    return new Cause(category, detail, "");
  }

  public static Cause requested(String detail) {
    return of(CauseCategory.REQUESTED, detail);
  }

  public static Cause progress(String detail) {
    return of(CauseCategory.PROGRESS, detail);
  }

  @Override
  public String toString() {
    return suggestion.isEmpty() ? detail : detail + " (" + suggestion + ")";
  }
}

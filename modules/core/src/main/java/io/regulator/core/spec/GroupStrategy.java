package io.regulator.core.spec;

/** OTP supervisor strategies for a group of components. */
public enum GroupStrategy {
  /** Only the failed member is restarted (by its own policy). */
  ONE_FOR_ONE,
  /** When a member fails, every other member is restarted too. */
  ONE_FOR_ALL,
  /** When a member fails, the members listed after it are restarted too. */
  REST_FOR_ONE;

  public String configName() {
    return name().toLowerCase().replace('_', '-');
  }
}

package io.regulator.alerting;

/** PagerDuty's severities, lowest first. */
public enum Severity {
  INFO,
  WARNING,
  ERROR,
  CRITICAL;

  /** One level higher (a critical component's alerts), CRITICAL stays CRITICAL. */
  public Severity raised() {
    return this == CRITICAL ? CRITICAL : values()[ordinal() + 1];
  }
}

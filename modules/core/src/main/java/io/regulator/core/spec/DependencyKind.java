package io.regulator.core.spec;

/** {@code requires}: start only after the dependency is READY, react when it is lost. {@code wants}: ordering only. */
public enum DependencyKind {
  REQUIRES,
  WANTS;

  public String configName() {
    return name().toLowerCase();
  }
}

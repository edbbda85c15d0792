package io.regulator.runtime.process;

/** Component names become file names (logs, pid records): keep them inside their directory. */
final class ComponentNames {

  private ComponentNames() {}

  static String fileSafe(String component) {
    if (component == null || component.isEmpty() || component.equals(".") || component.equals("..")
        || component.indexOf('/') >= 0 || component.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("component name cannot be used as a file name: '" + component
          + "' (use letters, digits, '-', '_' and '.')");
    }
    return component;
  }
}

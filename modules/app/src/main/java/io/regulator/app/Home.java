package io.regulator.app;

import java.nio.file.Path;

/**
 * Where Regulator is installed: {@code -Dregulator.home} set by {@code bin/regulator}, else the
 * working directory. Relative paths in the config (data-dir, log-dir, cwd) resolve against it.
 */
final class Home {

  private Home() {}

  static Path dir() {
    String home = System.getProperty("regulator.home");
    return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
  }

  static Path defaultConfig() {
    return dir().resolve("conf").resolve("regulator.conf");
  }

  /** A path given on the command line: relative to where the user is, not to the home. */
  static Path userPath(String path) {
    return Path.of(path).toAbsolutePath().normalize();
  }
}

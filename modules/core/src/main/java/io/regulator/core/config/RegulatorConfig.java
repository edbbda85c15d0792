package io.regulator.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import io.regulator.core.spec.FleetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads Regulator's configuration: a HOCON file (plain JSON loads too) over the defaults in
 * {@code reference.conf}, with {@code include} and {@code ${?ENV}} substitution, validated as a
 * whole. A config with problems fails with all of them at once, each as
 * {@code file:line: key: message}; nothing here throws a raw stack trace at the user.
 */
public final class RegulatorConfig {

  private RegulatorConfig() {}

  /**
   * Reads, validates and builds the fleet described by {@code file}.
   *
   * @param baseDir Regulator's home: relative {@code data-dir}, {@code log-dir} and {@code cwd} are
   *     taken from here
   */
  public static FleetSpec load(Path file, Path baseDir) throws ConfigValidationException {
    String shown = file.toString();
    if (!Files.exists(file)) {
      throw problem(shown, "config file not found (looked for " + file.toAbsolutePath().normalize()
          + "); check the path or create the file");
    }
    if (Files.isDirectory(file)) {
      throw problem(shown, "is a directory; expected a config file such as conf/regulator.conf");
    }
    if (!Files.isReadable(file)) {
      throw problem(shown, "cannot be read; check its permissions");
    }
    Config parsed;
    try {
      // always HOCON, whatever the extension: JSON is valid HOCON, and so are JSON files with comments
      parsed = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigValidationException(List.of(Problems.fromException(e,
          e instanceof ConfigException.Parse ? "syntax error" : "cannot read")));
    }
    return fromConfig(parsed, baseDir);
  }

  /**
   * Validates and builds the fleet from an already parsed config (resolved or not), over the
   * defaults in {@code reference.conf}.
   */
  public static FleetSpec fromConfig(Config config, Path baseDir) throws ConfigValidationException {
    Config reference = ConfigFactory.defaultReference();
    Config merged;
    try {
      // unresolved substitutions are reported one by one by the reader, with their keys
      merged = config.withFallback(reference).resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
    } catch (ConfigException e) {
      throw new ConfigValidationException(List.of(Problems.fromException(e, "cannot resolve substitutions")));
    }
    return FleetReader.read(merged, reference, baseDir.toAbsolutePath().normalize());
  }

  private static ConfigValidationException problem(String file, String message) {
    return new ConfigValidationException(List.of(new ConfigProblem(file, 0, "", message)));
  }
}

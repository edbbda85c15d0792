package io.regulator.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import io.regulator.core.spec.FleetSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
    // The library reads a file whole into a tree many times its size, recursively: a file that is
    // far too large or too deep would end the JVM (out of memory, out of stack), not get a message.
    Optional<ConfigProblem> unreadable = ConfigText.check(file);
    if (unreadable.isPresent()) {
      throw new ConfigValidationException(List.of(unreadable.get()));
    }
    Config parsed;
    try {
      // always HOCON, whatever the extension: JSON is valid HOCON, and so are JSON files with comments
      parsed = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    } catch (ConfigException.IO e) {
      throw new ConfigValidationException(List.of(ConfigText.unreadableInclude(file, e)));
    } catch (ConfigException e) {
      throw new ConfigValidationException(List.of(ConfigText.syntaxError(e)));
    } catch (StackOverflowError e) {
      throw problem(shown, ConfigText.TOO_DEEP); // an included file nested too deeply
    }
    if (parsed.root().isEmpty()) {
      throw problem(shown, "holds no settings (it is empty, only comments, or includes nothing that exists); expected"
          + " a regulator { components { ... } } block: start from conf/regulator.conf");
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
    } catch (StackOverflowError e) {
      throw problem(config.origin().description(), ConfigText.TOO_DEEP);
    }
    try {
      return FleetReader.read(merged, reference, baseDir.toAbsolutePath().normalize());
    } catch (StackOverflowError e) {
      throw problem(config.origin().description(), ConfigText.TOO_DEEP);
    } catch (RuntimeException e) {
      // the passes guard every read they know of; a value they let through still gets one line, not a stack trace
      throw problem(config.origin().description(), "cannot use this config: " + e.getMessage()
          + " (validation missed this: please report it, with the config)");
    }
  }

  private static ConfigValidationException problem(String file, String message) {
    return new ConfigValidationException(List.of(new ConfigProblem(file, 0, "", message)));
  }

  /** The checks on a config file's raw text, and the messages for what the library refuses to parse. */
  static final class ConfigText {

    /** Far above any real config (500 components take about 50 KiB), far below what the default heap can parse. */
    static final long MAX_BYTES = 1024 * 1024;
    /** Real configs nest about 8 levels ({@code regulator.components.x.probes.liveness.http.url}). */
    static final int MAX_DEPTH = 64;
    static final String TOO_DEEP = "nested more than " + MAX_DEPTH + " levels deep ('{' or '[' inside each other);"
        + " a Regulator config needs about 8: look for brackets that are never closed";

    private ConfigText() {}

    /** A problem with the file as text (too large, nested too deeply), before the library parses it. */
    static Optional<ConfigProblem> check(Path file) {
      String shown = file.toString();
      try {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
          return Optional.of(new ConfigProblem(shown, 0, "", "is " + mib(size) + " (" + size + " bytes); a config file"
              + " may be at most 1 MiB (500 components take about 50 KiB): check that this is the config file you meant"));
        }
        int line = tooDeepAt(Files.readString(file, StandardCharsets.ISO_8859_1));
        return line > 0 ? Optional.of(new ConfigProblem(shown, line, "", TOO_DEEP)) : Optional.empty();
      } catch (IOException e) {
        return Optional.of(new ConfigProblem(shown, 0, "", "cannot be read (" + e.getMessage() + "); check the file"));
      }
    }

    /**
     * The line where brackets first nest deeper than {@link #MAX_DEPTH}, or 0. Strings and comments are skipped
     * the way HOCON reads them; whatever else is wrong is left to the parser.
     */
    static int tooDeepAt(String text) {
      int depth = 0;
      int line = 1;
      int n = text.length();
      for (int i = 0; i < n; i++) {
        char ch = text.charAt(i);
        if (ch == '\n') {
          line++;
        } else if (ch == '#' || (ch == '/' && i + 1 < n && text.charAt(i + 1) == '/')) {
          while (i + 1 < n && text.charAt(i + 1) != '\n') {
            i++;
          }
        } else if (ch == '"' && text.startsWith("\"\"\"", i)) {
          int end = text.indexOf("\"\"\"", i + 3);
          end = end < 0 ? n : end + 2;
          line += (int) text.substring(i, Math.min(end + 1, n)).chars().filter(c -> c == '\n').count();
          i = end;
        } else if (ch == '"') {
          for (i++; i < n && text.charAt(i) != '"' && text.charAt(i) != '\n'; i++) {
            if (text.charAt(i) == '\\') {
              i++;
            }
          }
          if (i < n && text.charAt(i) == '\n') {
            line++;
          }
        } else if (ch == '{' || ch == '[') {
          if (++depth > MAX_DEPTH) {
            return line;
          }
        } else if (ch == '}' || ch == ']') {
          depth = Math.max(0, depth - 1);
        }
      }
      return 0;
    }

    /** A syntax error as the library words it, located, with the wording fixed where the library misleads. */
    static ConfigProblem syntaxError(ConfigException e) {
      ConfigProblem p = Problems.fromException(e, e instanceof ConfigException.Parse ? "syntax error" : "cannot read");
      // the library says "parentheses ')'" for any block left open at the end of the file
      String message = p.message().replace("expecting a close parentheses ')' here, not: end of file",
          "the file ends inside a block: a '{' or '[' above is never closed; add the missing '}' or ']'");
      return new ConfigProblem(p.file(), p.line(), p.key(), message);
    }

    /**
     * An {@code include required(...)} that names nothing readable. The library blames the included name alone,
     * with the name of a Java exception; this names the file and line of the include.
     */
    static ConfigProblem unreadableInclude(Path file, ConfigException.IO e) {
      String included = e.origin() != null ? e.origin().description() : "";
      String shown = file.toString();
      int line = 0;
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < lines.size() && !included.isEmpty(); i++) {
          if (lines.get(i).contains("include") && lines.get(i).contains(included)) {
            line = i + 1;
            break;
          }
        }
      } catch (IOException ignored) {
        // the line stays unknown
      }
      String name = included.isEmpty() ? "a file" : "'" + included + "'";
      Path dir = file.toAbsolutePath().normalize().getParent();
      return new ConfigProblem(shown, line, "", "cannot include " + name + ": no such file (a relative name is looked"
          + " up next to the including file, in " + dir + "); check the name, or drop required(...) to make the"
          + " include optional");
    }

    private static String mib(long bytes) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
  }
}

package io.regulator.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.regulator.http.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the control commands need from the config: where the service listens, how to trust it,
 * the tokens, the data and log directories, the component names.
 *
 * <p>The file is read as {@code run} reads it (HOCON, {@code ${?ENV}}, {@code include}, relative
 * directories from Regulator's home), over the defaults of Regulator's own modules, but not
 * validated as a whole and without the other libraries' defaults: Pekko's alone take a tenth of a
 * second to parse, and {@code bin/regulator status} must answer within half a second.
 *
 * @param http the {@code regulator.http} block, read as the service reads it
 * @param components the configured component names, sorted
 */
record ServiceSettings(Path configFile, Path dataDir, Path logDir, HttpSettings http, List<String> components) {

  /** A {@code reference.conf} that sets keys under {@code regulator}: one of Regulator's own modules'. */
  private static final Pattern DEFINES_REGULATOR = Pattern.compile("(?m)^regulator\\s*[{.]");

  /** Reads {@code file}; relative directories are taken from {@code home}. */
  static ServiceSettings load(Path file, Path home) throws ControlFailure {
    if (!Files.isRegularFile(file)) {
      throw new ControlFailure("config file not found: " + file + " (give the service's config with -c FILE)");
    }
    try {
      Config parsed = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
      return from(parsed.withFallback(regulatorDefaults()).resolve(), file, home);
    } catch (ConfigException e) {
      throw new ControlFailure(e.getMessage() + " (check it with bin/regulator validate " + file + ")");
    }
  }

  /** From a resolved config that holds the defaults. */
  static ServiceSettings from(Config config, Path file, Path home) {
    Config r = config.getConfig("regulator");
    List<String> components = new ArrayList<>(r.hasPath("components") ? r.getObject("components").keySet() : List.of());
    components.sort(null);
    return new ServiceSettings(file, home.resolve(r.getString("data-dir")).normalize(),
        home.resolve(r.getString("log-dir")).normalize(), HttpSettings.from(r, home), List.copyOf(components));
  }

  String host() {
    return http.host();
  }

  int port() {
    return http.port();
  }

  /** Present when the service speaks HTTPS; the command line trusts the certificates in its keystore. */
  Optional<HttpSettings.Tls> tls() {
    return http.tls();
  }

  /** The configured admin token ({@code regulator.http.token}). */
  Optional<String> token() {
    return http.token();
  }

  /** The configured read-only token ({@code regulator.http.read-token}). */
  Optional<String> readToken() {
    return http.readToken();
  }

  /** Where to reach the service: {@code http(s)://host:port}, a wildcard bind address as loopback. */
  String baseUrl() {
    String h = host();
    if (h.equals("0.0.0.0") || h.isEmpty()) {
      h = "127.0.0.1";
    } else if (h.equals("::") || h.equals("[::]")) {
      h = "[::1]";
    } else if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    return (tls().isPresent() ? "https" : "http") + "://" + h + ":" + port();
  }

  /** The defaults of Regulator's modules: every {@code reference.conf} that sets keys under {@code regulator}. */
  static Config regulatorDefaults() {
    Config defaults = ConfigFactory.empty();
    try {
      Enumeration<URL> urls = ServiceSettings.class.getClassLoader().getResources("reference.conf");
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        String text;
        try (InputStream in = url.openStream()) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (DEFINES_REGULATOR.matcher(text).find()) {
          defaults = defaults.withFallback(ConfigFactory.parseString(text,
              ConfigParseOptions.defaults().setOriginDescription(url.toString())));
        }
      }
    } catch (IOException e) {
      throw new ConfigException.IO(null, "cannot read Regulator's defaults (reference.conf): " + e.getMessage(), e);
    }
    return defaults;
  }
}

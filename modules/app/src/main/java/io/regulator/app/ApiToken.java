package io.regulator.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A bearer token for the API and where it was found, so that a refused token can be traced to
 * its source in the error message.
 *
 * @param source where it came from, as the user would look for it ({@code $REGULATOR_TOKEN},
 *     {@code regulator.http.token in conf/regulator.conf}, {@code data/http-token})
 */
record ApiToken(String value, boolean admin, String source) {

  static final String ENV = "REGULATOR_TOKEN";
  static final String READ_ENV = "REGULATOR_READ_TOKEN";
  /** Written by the service on its first start when no token is configured (mode 0600). */
  static final String FILE = "http-token";

  /** The admin token: {@code $REGULATOR_TOKEN}, then {@code regulator.http.token}, then {@code <data-dir>/http-token}. */
  static Optional<ApiToken> admin(Map<String, String> env, ServiceSettings settings) {
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(new ApiToken(fromEnv.strip(), true, "$" + ENV));
    }
    if (settings.token().isPresent()) {
      return Optional.of(new ApiToken(settings.token().get().strip(), true,
          "regulator.http.token in " + settings.configFile()));
    }
    Path file = tokenFile(settings);
    try {
      String fromFile = Files.readString(file, StandardCharsets.UTF_8).strip();
      return fromFile.isEmpty() ? Optional.empty() : Optional.of(new ApiToken(fromFile, true, file.toString()));
    } catch (IOException e) {
      return Optional.empty(); // missing or not readable by this user: as if there were none
    }
  }

  /** For reads: the admin token if there is one, else the read token ($REGULATOR_READ_TOKEN, regulator.http.read-token). */
  static Optional<ApiToken> reader(Map<String, String> env, ServiceSettings settings) {
    Optional<ApiToken> admin = admin(env, settings);
    if (admin.isPresent()) {
      return admin;
    }
    String fromEnv = env.get(READ_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(new ApiToken(fromEnv.strip(), false, "$" + READ_ENV));
    }
    return settings.readToken().map(t -> new ApiToken(t.strip(), false,
        "regulator.http.read-token in " + settings.configFile()));
  }

  static Path tokenFile(ServiceSettings settings) {
    return settings.dataDir().resolve(FILE);
  }

  /** Where the admin token is looked for, for the message when none was found. */
  static String whereToLook(ServiceSettings settings) {
    return "$" + ENV + ", regulator.http.token in " + settings.configFile() + ", or " + tokenFile(settings)
        + " (written by the service on its first start; readable by its user only)";
  }
}

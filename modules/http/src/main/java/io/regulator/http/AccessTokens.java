package io.regulator.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The two bearer tokens of the API and who a presented token makes the caller.
 *
 * <p>The admin token comes from the config ({@code regulator.http.token}, or
 * {@code $REGULATOR_TOKEN}); without one it is generated on first start into
 * {@code <data-dir>/http-token} with mode 0600 and kept for later starts, where the CLI reads it.
 * Comparison is constant-time.
 */
public final class AccessTokens {

  /** The file under the data dir that holds a generated admin token. */
  public static final String FILE = "http-token";

  public enum Role {
    READ,
    ADMIN
  }

  private final byte[] admin;
  private final Optional<byte[]> read;

  private AccessTokens(String admin, Optional<String> read) {
    this.admin = admin.getBytes(StandardCharsets.UTF_8);
    this.read = read.map(r -> r.getBytes(StandardCharsets.UTF_8));
  }

  /** The configured tokens, or the generated admin token (created now if there is none yet). */
  public static AccessTokens resolve(HttpSettings settings, Path dataDir) {
    String admin = settings.token().orElseGet(() -> generatedToken(dataDir));
    return new AccessTokens(admin, settings.readToken());
  }

  public static AccessTokens of(String admin, Optional<String> read) {
    return new AccessTokens(admin, read);
  }

  public boolean hasReadToken() {
    return read.isPresent();
  }

  /** The role a bearer token grants, if any. */
  public Optional<Role> roleOf(String presented) {
    byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
    if (MessageDigest.isEqual(bytes, admin)) {
      return Optional.of(Role.ADMIN);
    }
    if (read.isPresent() && MessageDigest.isEqual(bytes, read.get())) {
      return Optional.of(Role.READ);
    }
    return Optional.empty();
  }

  /** Reads {@code <data-dir>/http-token}, creating it (mode 0600, 256 random bits) when absent. */
  static String generatedToken(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (!existing.isEmpty()) {
          return existing;
        }
        Files.delete(file);
      }
      Files.createDirectories(dataDir);
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException raced) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the API token file " + file + ": " + e.getMessage(), e);
    }
  }
}

package io.regulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokensTest {

  @TempDir Path dataDir;

  private static HttpSettings settings(String extra) {
    return HttpSettings.from(ConfigFactory.parseString("http { " + extra + " }")
        .withFallback(ConfigFactory.parseResources("reference.conf").resolve().getConfig("regulator"))
        .resolve(), Path.of("/"));
  }

  @Test
  void withoutAConfiguredTokenOneIsGeneratedWithMode0600AndKept() throws Exception {
    AccessTokens first = AccessTokens.resolve(settings(""), dataDir);
    Path file = dataDir.resolve(AccessTokens.FILE);
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    String token = Files.readString(file).trim();
    assertThat(token).hasSizeGreaterThanOrEqualTo(43);
    assertThat(first.roleOf(token)).contains(AccessTokens.Role.ADMIN);
    assertThat(first.roleOf(token + "x")).isEmpty();
    // the next start reads the same token: the CLI keeps working across restarts
    assertThat(AccessTokens.resolve(settings(""), dataDir).roleOf(token)).contains(AccessTokens.Role.ADMIN);
  }

  @Test
  void configuredTokensGrantTheirRolesAndNoFileIsWritten() {
    AccessTokens tokens = AccessTokens.resolve(settings("token = \"a-secret\", read-token = \"r-secret\""), dataDir);
    assertThat(tokens.roleOf("a-secret")).contains(AccessTokens.Role.ADMIN);
    assertThat(tokens.roleOf("r-secret")).contains(AccessTokens.Role.READ);
    assertThat(tokens.roleOf("")).isEmpty();
    assertThat(tokens.hasReadToken()).isTrue();
    assertThat(dataDir.resolve(AccessTokens.FILE)).doesNotExist();
    assertThat(AccessTokens.of("x", Optional.empty()).hasReadToken()).isFalse();
  }

  @Test
  void settingsKnowLoopbackFromPublicAddresses() {
    assertThat(settings("").loopback()).isTrue();
    assertThat(settings("host = \"localhost\"").loopback()).isTrue();
    assertThat(settings("host = \"::1\"").loopback()).isTrue();
    assertThat(settings("host = \"0.0.0.0\"").loopback()).isFalse();
    assertThat(settings("").baseUrl()).isEqualTo("http://127.0.0.1:8080");
    assertThat(settings("").maxBodyBytes()).isEqualTo(64 * 1024);
  }
}

package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin token's lookup order: $REGULATOR_TOKEN, then regulator.http.token, then <data-dir>/http-token. */
class ApiTokenTest {

  @TempDir Path tmp;
  private Path dataDir;

  @BeforeEach
  void dataDirWithATokenFile() throws Exception {
    dataDir = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(dataDir.resolve("http-token"), "from-file\n");
  }

  @Test
  void theEnvironmentWinsOverTheConfigAndTheFile() throws Exception {
    ApiToken t = ApiToken.admin(Map.of("REGULATOR_TOKEN", "from-env"), settings("from-config")).orElseThrow();
    assertThat(t.value()).isEqualTo("from-env");
    assertThat(t.source()).isEqualTo("$REGULATOR_TOKEN");
  }

  @Test
  void theConfigWinsOverTheFile() throws Exception {
    ServiceSettings s = settings("from-config");
    ApiToken t = ApiToken.admin(Map.of("REGULATOR_TOKEN", "  "), s).orElseThrow();
    assertThat(t.value()).isEqualTo("from-config");
    assertThat(t.source()).isEqualTo("regulator.http.token in " + s.configFile());
  }

  @Test
  void theFileTheServiceWroteIsTheLastResortWithoutItsNewline() throws Exception {
    ApiToken t = ApiToken.admin(Map.of(), settings(null)).orElseThrow();
    assertThat(t.value()).isEqualTo("from-file");
    assertThat(t.source()).isEqualTo(dataDir.resolve("http-token").toString());
    assertThat(t.admin()).isTrue();
  }

  @Test
  void noTokenAnywhereIsEmptyAndReadsFallBackToTheReadToken() throws Exception {
    Files.delete(dataDir.resolve("http-token"));
    ServiceSettings s = settings(null);
    assertThat(ApiToken.admin(Map.of(), s)).isEmpty();
    assertThat(ApiToken.reader(Map.of(), s)).isEmpty();
    Optional<ApiToken> read = ApiToken.reader(Map.of("REGULATOR_READ_TOKEN", "r"), s);
    assertThat(read).hasValueSatisfying(t -> {
      assertThat(t.admin()).isFalse();
      assertThat(t.source()).isEqualTo("$REGULATOR_READ_TOKEN");
    });
  }

  private ServiceSettings settings(String token) throws Exception {
    Path config = Files.writeString(tmp.resolve("regulator.conf"), "regulator { data-dir = \"" + dataDir + "\"\n"
        + (token == null ? "" : "http.token = \"" + token + "\"\n") + "}\n");
    return ServiceSettings.load(config, tmp);
  }
}

package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceSettingsTest {

  @TempDir Path tmp;

  @Test
  void aConfigWithoutHttpKeysReachesTheServiceAtTheDocumentedDefaultWithDirectoriesFromHome() throws Exception {
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator.components { web { command = ["x"] }, api { command = ["y"] } }
        """);
    ServiceSettings s = ServiceSettings.load(config, tmp.resolve("home"));

    assertThat(s.baseUrl()).isEqualTo("http://127.0.0.1:8080");
    assertThat(s.dataDir()).isEqualTo(tmp.resolve("home").resolve("data"));
    assertThat(s.logDir()).isEqualTo(tmp.resolve("home").resolve("logs"));
    assertThat(s.components()).containsExactly("api", "web");
    assertThat(s.token()).isEmpty();
    assertThat(s.tls()).isEmpty();
  }

  @Test
  void hostPortTokenTlsAndAbsoluteDirectoriesComeFromTheFile() throws Exception {
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator {
          data-dir = "%s"
          log-dir = "var/logs"
          http { host = "0.0.0.0", port = 9443, token = "s3cret", read-token = "r3ad"
                 tls { keystore = "conf/server.p12", password = "pw" } }
        }
        """.formatted(tmp.resolve("d")));
    ServiceSettings s = ServiceSettings.load(config, tmp);

    assertThat(s.baseUrl()).as("a wildcard bind address is reached on loopback").isEqualTo("https://127.0.0.1:9443");
    assertThat(s.dataDir()).isEqualTo(tmp.resolve("d"));
    assertThat(s.logDir()).isEqualTo(tmp.resolve("var/logs"));
    assertThat(s.token()).contains("s3cret");
    assertThat(s.readToken()).contains("r3ad");
    assertThat(s.tls()).hasValueSatisfying(t -> {
      assertThat(t.keystore()).isEqualTo(tmp.resolve("conf/server.p12"));
      assertThat(t.password()).isEqualTo("pw");
    });
  }

  @Test
  void anIpv6HostIsBracketed() throws Exception {
    Path config = Files.writeString(tmp.resolve("regulator.conf"), "regulator.http { host = \"::1\", port = 81 }\n");
    assertThat(ServiceSettings.load(config, tmp).baseUrl()).isEqualTo("http://[::1]:81");
  }

  @Test
  void aMissingFileOrASyntaxErrorIsOneLineThatSaysWhere() throws Exception {
    assertThatThrownBy(() -> ServiceSettings.load(tmp.resolve("nope.conf"), tmp))
        .isInstanceOf(ControlFailure.class)
        .hasMessage("config file not found: " + tmp.resolve("nope.conf") + " (give the service's config with -c FILE)");

    Path bad = Files.writeString(tmp.resolve("bad.conf"), "regulator {\n  http { port = \n}\n");
    assertThatThrownBy(() -> ServiceSettings.load(bad, tmp))
        .isInstanceOf(ControlFailure.class)
        .hasMessageContaining("bad.conf: 3")
        .hasMessageEndingWith("(check it with bin/regulator validate " + bad + ")")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void onlyRegulatorsOwnDefaultsAreRead() {
    // Pekko's defaults are not among them (they would cost a tenth of a second per command).
    assertThat(ServiceSettings.regulatorDefaults().hasPath("regulator.http.port")).isTrue();
    assertThat(ServiceSettings.regulatorDefaults().hasPath("pekko.actor.provider")).isFalse();
  }
}

package io.regulator.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the malformed corpus ({@code src/test/resources/malformed}) is refused with problems a
 * user can act on: each one line, {@code file:line: key: message} (the line where there is one), and
 * never an exception of any other kind. A file states what it expects in its first lines, one
 * {@code # expect: <fragment of a problem>} each; the few that cannot hold a comment are listed here.
 */
class MalformedConfigCorpusTest {

  static final String EXPECT = "# expect: ";
  /** Files that cannot carry their expectation in a comment. */
  private static final Map<String, String> WITHOUT_COMMENT = Map.of("empty.conf", "holds no settings");

  @TempDir Path home;

  static Path corpus() throws URISyntaxException {
    return Path.of(MalformedConfigCorpusTest.class.getResource("/malformed").toURI());
  }

  static Stream<Path> files() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(corpus())) {
      return files.sorted().toList().stream();
    }
  }

  /** The {@code # expect:} fragments at the top of a corpus file. */
  static List<String> expectations(Path file) throws IOException {
    String name = file.getFileName().toString();
    if (WITHOUT_COMMENT.containsKey(name)) {
      return List.of(WITHOUT_COMMENT.get(name));
    }
    List<String> out = new ArrayList<>();
    for (String line : new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).lines().toList()) {
      if (!line.startsWith(EXPECT)) {
        break;
      }
      out.add(line.substring(EXPECT.length()));
    }
    return out;
  }

  @Test
  void theCorpusHoldsAtLeastThirtyFilesEachWithAnExpectation() throws Exception {
    List<Path> all = files().toList();
    assertThat(all).hasSizeGreaterThanOrEqualTo(30);
    for (Path file : all) {
      assertThat(expectations(file)).as("%s states what it expects", file.getFileName()).isNotEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void eachMalformedFileIsRefusedWithClearOneLineProblems(Path file) throws Exception {
    assertRefused(file, expectations(file));
  }

  @Test
  void aFileFarTooLargeIsRefusedBeforeItIsParsed() throws Exception {
    Path huge = home.resolve("huge.conf");
    StringBuilder text = new StringBuilder("regulator.components {\n");
    for (int i = 0; text.length() <= RegulatorConfig.ConfigText.MAX_BYTES; i++) {
      text.append("  c").append(i).append(" { command = [\"/bin/sleep\", \"1000\"], env { PAD = \"")
          .append("x".repeat(100)).append("\" } }\n");
    }
    Files.writeString(huge, text.append("}\n"));

    assertRefused(huge, List.of(" bytes); a config file may be at most 1 MiB"));
  }

  @Test
  void anIncludedFileNestedTooDeeplyIsOneProblemNotAStackOverflow() throws Exception {
    int depth = 100_000;
    Files.writeString(home.resolve("deep.conf"), "regulator.components.web.env " + "{ a ".repeat(depth) + "= 1"
        + " }".repeat(depth) + "\n");
    Path main = Files.writeString(home.resolve("main.conf"), """
        regulator.components.web.command = ["python3"]
        include required("deep.conf")
        """);

    assertRefused(main, List.of(": nested more than 64 levels deep"));
  }

  @Test
  void depthIsCountedOutsideStringsAndComments() {
    String nested = "{ ".repeat(40);
    assertThat(RegulatorConfig.ConfigText.tooDeepAt(
        "a = \"" + "{".repeat(100) + "\"\n# " + "[".repeat(100) + "\n// " + "{".repeat(100) + "\nb = \"\"\""
            + "{\n".repeat(100) + "\"\"\"\n" + nested + "}".repeat(40))).isZero();
    assertThat(RegulatorConfig.ConfigText.tooDeepAt("a = 1\nb = " + "[".repeat(65))).isEqualTo(2);
    assertThat(RegulatorConfig.ConfigText.tooDeepAt("c = \"\\\"{\"\n" + "{".repeat(64) + "\n{")).isEqualTo(3);
  }

  @Test
  void aSecretWrittenWithTheWrongTypeIsNotShown() throws Exception {
    Path file = Files.writeString(home.resolve("secret.conf"), """
        regulator {
          http { token = [s3cr3t-admin], read-token { v = s3cr3t-read }, tls.password = [s3cr3t-tls] }
          journal.postgres { url = "jdbc:mysql://db/x?password=s3cr3t-db", password = [s3cr3t-db] }
          components.web.command = ["python3"]
        }
        """);

    ConfigValidationException e = (ConfigValidationException) catchThrowable(() -> RegulatorConfig.load(file, home));

    assertThat(e.problems()).hasSize(5);
    assertThat(e.getMessage()).contains("regulator.http.token", "regulator.http.read-token", "regulator.http.tls.password",
        "regulator.journal.postgres.url", "regulator.journal.postgres.password").doesNotContain("s3cr3t");
  }

  /** Refused with a validation failure (nothing else), each problem one clean line, each expected fragment found. */
  static void assertRefused(Path file, List<String> expected) {
    Throwable thrown = catchThrowable(() -> RegulatorConfig.load(file, file.getParent()));
    assertThat(thrown).as("%s must be refused with a ConfigValidationException", file.getFileName())
        .isInstanceOf(ConfigValidationException.class);
    List<ConfigProblem> problems = ((ConfigValidationException) thrown).problems();
    List<String> rendered = problems.stream().map(ConfigProblem::render).toList();
    for (ConfigProblem p : problems) {
      assertThat(p.file()).as("every problem names the file").isEqualTo(file.toString());
      assertThat(p.render()).doesNotContain("\n", "Exception", "\tat ", "java.");
      assertThat(p.render()).startsWith(p.line() > 0 ? file + ":" + p.line() + ": " : file + ": ");
    }
    String report = String.join("\n", rendered);
    for (String fragment : expected) {
      assertThat(report).as("problems of %s", file.getFileName()).contains(fragment);
    }
  }
}

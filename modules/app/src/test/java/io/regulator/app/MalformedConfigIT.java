package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The malformed config corpus of regulator-core ({@code modules/core/src/test/resources/malformed}),
 * each file given to {@code bin/regulator validate} as a user gives it, with the launcher's JVM
 * flags (a small heap and small stacks): exit 1, one line per problem and a count, the expected
 * problem, never an exception or a stack trace. {@code run} refuses the same files the same way.
 */
class MalformedConfigIT {

  private static final Path CORPUS = RegulatorProcess.HOME.resolve("modules/core/src/test/resources/malformed");
  private static final String EXPECT = "# expect: ";
  private static final Map<String, String> WITHOUT_COMMENT = Map.of("empty.conf", "holds no settings");

  @TempDir Path tmp;

  @Test
  void validateRefusesEveryFileOfTheCorpusWithOneLinePerProblem() throws Exception {
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(CORPUS)) {
      for (Path file : files.sorted().toList()) {
        cases.add(new Case(file, expectations(file)));
      }
    }
    assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
    cases.add(new Case(huge(), List.of(" bytes); a config file may be at most 1 MiB")));
    cases.add(new Case(includingADeepFile(), List.of(": nested more than 64 levels deep")));

    // two at a time: each is a JVM start
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<RegulatorProcess.Result>> results = new ArrayList<>();
      for (Case c : cases) {
        results.add(pool.submit(() -> RegulatorProcess.exec("validate", c.file().toString())));
      }
      for (int i = 0; i < cases.size(); i++) {
        assertRefused(cases.get(i), results.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void runRefusesThemBeforeStartingAnything() throws Exception {
    for (Path file : List.of(CORPUS.resolve("syntax-unclosed-brace.conf"), CORPUS.resolve("empty.conf"),
        CORPUS.resolve("deeply-nested.conf"), huge())) {
      RegulatorProcess.Result run = RegulatorProcess.exec("run", "-c", file.toString());
      assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
      assertThat(run.output()).as(file.getFileName().toString())
          .startsWith(file + ":")
          .endsWith("regulator: not started: fix the config above and run again\n")
          .doesNotContain("Exception", "\tat ", "started pid");
    }
  }

  private record Case(Path file, List<String> expected) {}

  private static void assertRefused(Case c, RegulatorProcess.Result result) {
    String name = c.file().getFileName().toString();
    assertThat(result.exitCode()).as("%s: %s", name, result.output()).isEqualTo(1);
    List<String> lines = result.output().lines().toList();
    String summary = lines.get(lines.size() - 1);
    assertThat(summary).as(name).matches("\\d+ problems? in " + java.util.regex.Pattern.quote(c.file().toString()));
    int count = Integer.parseInt(summary.substring(0, summary.indexOf(' ')));
    List<String> problems = lines.subList(0, lines.size() - 1);
    assertThat(problems).as("%s: one line per problem", name).hasSize(count);
    assertThat(problems).as(name).allSatisfy(line -> assertThat(line).startsWith(c.file() + ":")
        .doesNotContain("Exception", "\tat ", "Caused by", "java."));
    for (String fragment : c.expected()) {
      assertThat(result.output()).as(name).contains(fragment);
    }
  }

  private static List<String> expectations(Path file) throws IOException {
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
    assertThat(out).as("%s states what it expects", name).isNotEmpty();
    return out;
  }

  /** 60 MB of components: parsed whole, it would exhaust the launcher's heap. */
  private Path huge() throws IOException {
    Path file = tmp.resolve("huge.conf");
    if (!Files.exists(file)) {
      String line = "  c%d { command = [\"/bin/sleep\", \"1000\"], env { PAD = \"" + "x".repeat(100) + "\" } }\n";
      try (var out = Files.newBufferedWriter(file)) {
        out.write("regulator.components {\n");
        for (int i = 0; i < 400_000; i++) {
          out.write(line.formatted(i));
        }
        out.write("}\n");
      }
    }
    return file;
  }

  /** A shallow file that includes one nested 100,000 levels deep: parsed, it would overflow the stack. */
  private Path includingADeepFile() throws IOException {
    int depth = 100_000;
    Files.writeString(tmp.resolve("deep.conf"), "regulator.components.web.env " + "{ a ".repeat(depth) + "= 1"
        + " }".repeat(depth) + "\n");
    return Files.writeString(tmp.resolve("main.conf"), """
        regulator.components.web.command = ["python3"]
        include required("deep.conf")
        """);
  }
}

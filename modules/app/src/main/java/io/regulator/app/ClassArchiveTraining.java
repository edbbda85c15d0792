package io.regulator.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code regulator train-class-archive} (hidden; the launcher's): runs a one-component service in
 * a temporary directory and asks it for its status, so that a JVM started with
 * {@code -XX:ArchiveClassesAtExit} has loaded the classes of {@code run} and of the control
 * commands when it exits. The launcher then starts every JVM with that archive
 * ({@code -XX:SharedArchiveFile}): classes are mapped from it instead of being found in the jars,
 * read and verified, which is most of a start (docs/benchmarks.md).
 */
@Command(name = "train-class-archive", hidden = true,
    description = "Run a tiny service once so the launcher can archive the classes it loads.")
final class ClassArchiveTraining implements Callable<Integer> {

  private static final Duration READY_WITHIN = Duration.ofSeconds(30);

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("regulator-training-");
    try {
      Path config = dir.resolve("regulator.conf");
      Files.writeString(config, "regulator {\n"
          + "  data-dir = \"" + dir.resolve("data") + "\"\n"
          + "  log-dir = \"" + dir.resolve("logs") + "\"\n"
          + "  http.port = " + freePort() + "\n"
          + "  components {\n"
          + "    warm { command = [\"sleep\", \"60\"], ready-after = 0s }\n"
          + "  }\n"
          + "}\n");
      StringWriter discarded = new StringWriter();
      CompletableFuture<Integer> service = CompletableFuture.supplyAsync(
          () -> quiet(new CommandLine(new RunCommand()), discarded).execute("-c", config.toString()));
      boolean answered = false;
      long deadline = System.nanoTime() + READY_WITHIN.toNanos();
      while (!answered && !service.isDone() && System.nanoTime() < deadline) {
        answered = quiet(new CommandLine(new StatusCommand()), discarded).execute("-c", config.toString()) == 0;
        if (!answered) {
          Thread.sleep(100);
        }
      }
      if (answered) {
        Thread.sleep(500); // the journal's first writes, the first health events on the API's side
      }
      if (!service.isDone()) {
        new ProcessBuilder("kill", "-TERM", Long.toString(ProcessHandle.current().pid())).start().waitFor();
      }
      service.get(30, TimeUnit.SECONDS);
      return answered ? 0 : 1;
    } finally {
      deleteTree(dir);
    }
  }

  private static CommandLine quiet(CommandLine cli, StringWriter sink) {
    return cli.setOut(new PrintWriter(sink)).setErr(new PrintWriter(sink));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}

package io.regulator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The supervised child's first action, seen the same way under every supervisor: each child is
 * {@code sh -c 'echo NAME $$ > FIFO; exec ...'}, and a thread here blocks on the FIFO and notes
 * {@link System#nanoTime()} when a line arrives. No polling: the wake-up is the kernel's. What
 * it includes beyond the supervisor's own work is the same for all: the fork and exec of
 * {@code sh} and its start (about a millisecond here).
 */
final class StartSignals implements AutoCloseable {

  /** A child announced itself: its name, its pid, and when the line arrived. */
  record Start(String name, long pid, long nanos) {}

  private final Path fifo;
  private final FileChannel channel;
  private final BlockingQueue<Start> starts = new LinkedBlockingQueue<>();
  private final Thread reader;

  StartSignals(Path dir) throws IOException, InterruptedException {
    fifo = dir.resolve("started.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    if (mkfifo.waitFor() != 0) {
      throw new IOException("mkfifo " + fifo + " failed");
    }
    // Read and write: the open does not wait for a writer, and the FIFO never reads end of file.
    channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.US_ASCII));
    reader = new Thread(() -> {
      try {
        String line;
        while ((line = in.readLine()) != null) {
          long now = System.nanoTime();
          String[] f = line.trim().split(" ");
          if (f.length == 2) {
            starts.add(new Start(f[0], Long.parseLong(f[1]), now));
          }
        }
      } catch (IOException | RuntimeException closed) {
        // closed at the end of the run
      }
    }, "start-signals");
    reader.setDaemon(true);
    reader.start();
  }

  /** The shell script of a child called {@code name} that announces itself and then becomes {@code then}. */
  String script(String name, String then) {
    return "echo " + name + " $$ > " + fifo + "; " + then;
  }

  /** The next start, or null after {@code timeout}. */
  Start next(Duration timeout) throws InterruptedException {
    return starts.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Every start seen and not taken yet. */
  List<Start> drain() {
    List<Start> all = new ArrayList<>();
    starts.drainTo(all);
    return all;
  }

  @Override
  public void close() throws IOException {
    reader.interrupt();
    channel.close();
  }
}

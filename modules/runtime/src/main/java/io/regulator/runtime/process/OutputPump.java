package io.regulator.runtime.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Copies one stream of a process (stdout or stderr) line by line into the component's log and
 * the process's tail, until end of file, on a small daemon thread of its own: a blocking read.
 *
 * <p>The fallback of {@link OutputReader}, which reads every stream on one shared thread: used
 * when the JVM does not let us open the pipes it needs (see {@link OutputPipes}), and for the
 * streams left over if that thread ever dies. Its two threads per process (about 100 KiB of
 * committed stack each) are what the shared reader saves.
 *
 * <p>End of file comes when the last holder of the pipe exits. That is usually the process
 * itself, but a descendant that inherited the pipe keeps it open until it dies too.
 */
final class OutputPump implements Runnable {

  /** Thread stack size: the pump only reads, splits and hands lines to Logback. */
  static final long STACK_SIZE = 256 * 1024;
  /** Longer lines are cut into pieces of this size, so a newline-free stream cannot exhaust the heap. */
  static final int MAX_LINE = LineSplitter.MAX_LINE;
  private static final int READ_SIZE = 8 * 1024;

  private final InputStream in;
  private final LineSplitter lines;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private OutputPump(InputStream in, LineSplitter lines) {
    this.in = in;
    this.lines = lines;
  }

  /**
   * Starts a pump on a thread named {@code threadName}; the future completes at end of file.
   *
   * @throws OutOfMemoryError when the thread cannot be created (thread limit reached)
   */
  static CompletableFuture<Void> start(String threadName, InputStream in, LineSplitter lines) {
    OutputPump pump = new OutputPump(in, lines);
    Thread thread = new Thread(null, pump, threadName, STACK_SIZE);
    thread.setDaemon(true);
    thread.start();
    return pump.done;
  }

  @Override
  public void run() {
    byte[] buf = new byte[READ_SIZE];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        lines.feed(buf, 0, n);
      }
      lines.finish();
    } catch (IOException e) {
      // The pipe broke: nothing to recover, the exit is reported anyway.
    } finally {
      done.complete(null);
    }
  }
}

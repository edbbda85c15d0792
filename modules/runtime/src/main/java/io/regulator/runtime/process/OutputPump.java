package io.regulator.runtime.process;

import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Copies one stream of a process (stdout or stderr) line by line into the component's log and
 * the process's tail, until end of file. Runs on its own small daemon thread: a blocking read is
 * the cheapest way to wait for output, and it never touches an actor.
 *
 * <p>End of file comes when the last holder of the pipe exits. That is usually the process
 * itself, but a descendant that inherited the pipe keeps it open until it dies too.
 */
final class OutputPump implements Runnable {

  /** Thread stack size: the pump only reads, splits and hands lines to Logback. */
  static final long STACK_SIZE = 256 * 1024;
  /** Longer lines are cut into pieces of this size, so a newline-free stream cannot exhaust the heap. */
  static final int MAX_LINE = 16 * 1024;
  private static final int INITIAL_BUFFER = 2 * 1024;

  private final InputStream in;
  private final Logger log;
  private final OutputTail tail;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private OutputPump(InputStream in, Logger log, OutputTail tail) {
    this.in = in;
    this.log = log;
    this.tail = tail;
  }

  /** Starts a pump on a thread named {@code threadName}; the future completes at end of file. */
  static CompletableFuture<Void> start(String threadName, InputStream in, Logger log, OutputTail tail) {
    OutputPump pump = new OutputPump(in, log, tail);
    Thread thread = new Thread(null, pump, threadName, STACK_SIZE);
    thread.setDaemon(true);
    thread.start();
    return pump.done;
  }

  @Override
  public void run() {
    byte[] buf = new byte[INITIAL_BUFFER];
    int len = 0;
    try (in) {
      while (true) {
        if (len == buf.length) {
          if (buf.length < MAX_LINE) {
            buf = Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
          } else {
            emit(buf, 0, len); // an over-long line, cut
            len = 0;
          }
        }
        int n = in.read(buf, len, buf.length - len);
        if (n < 0) {
          break;
        }
        int scanFrom = len;
        len += n;
        int lineStart = 0;
        for (int i = scanFrom; i < len; i++) {
          if (buf[i] == '\n') {
            emit(buf, lineStart, i);
            lineStart = i + 1;
          }
        }
        if (lineStart > 0) {
          System.arraycopy(buf, lineStart, buf, 0, len - lineStart);
          len -= lineStart;
        }
      }
      if (len > 0) {
        emit(buf, 0, len); // last line without a newline
      }
    } catch (IOException | RuntimeException e) {
      // The pipe broke or Logback failed: nothing to recover, the exit is reported anyway.
    } finally {
      done.complete(null);
    }
  }

  private void emit(byte[] buf, int from, int to) {
    int end = to > from && buf[to - 1] == '\r' ? to - 1 : to;
    String line = new String(buf, from, end - from, StandardCharsets.UTF_8);
    tail.add(line);
    log.info(line);
  }
}

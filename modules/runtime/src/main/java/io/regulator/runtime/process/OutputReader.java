package io.regulator.runtime.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the stdout and stderr of every launched process on one daemon thread,
 * {@value #THREAD_NAME}, which waits on a {@link Selector} for whichever pipe has data. A thread
 * per stream would cost two threads per process; with hundreds of processes their stacks were
 * most of the JVM's memory.
 *
 * <p>One reader serves the whole JVM ({@link #shared()}), created on the first launch: every
 * launcher of the JVM shares it, so tests that make many launchers do not make many threads. It
 * lives as long as the JVM; closing a launcher only closes its logs.
 *
 * <p>Each ready pipe gets one read of up to {@value #READ_SIZE} bytes per round, so a process
 * that writes fast cannot starve the others. Lines go to the tail's listeners and to Logback on
 * this thread: a listener that blocks holds up the output of every process.
 *
 * <p>Should the thread die all the same (an {@link Error}), the streams it was reading continue
 * on {@link OutputPump} threads, and the next launch starts a new reader.
 */
final class OutputReader implements Runnable {

  static final String THREAD_NAME = "regulator-output";
  private static final int READ_SIZE = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(OutputReader.class);
  private static OutputReader shared;

  private final Selector selector;
  /** Streams handed over by launching threads, registered by the reader thread itself. */
  private final Queue<Stream> arriving = new ConcurrentLinkedQueue<>();
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_SIZE);
  private final byte[] bytes = new byte[READ_SIZE];
  /** Set once when the thread ends; guarded by this. */
  private boolean dead;

  private OutputReader(Selector selector) {
    this.selector = selector;
  }

  /**
   * The reader of this JVM, started on first use, and again if its thread died.
   *
   * @throws IOException when no selector can be opened (out of file descriptors)
   * @throws OutOfMemoryError when the thread cannot be created (thread limit reached)
   */
  static synchronized OutputReader shared() throws IOException {
    if (shared == null || shared.isDead()) {
      OutputReader reader = new OutputReader(Selector.open());
      Thread thread = new Thread(null, reader, THREAD_NAME, OutputPump.STACK_SIZE);
      thread.setDaemon(true);
      try {
        thread.start();
      } catch (OutOfMemoryError e) {
        reader.selector.close();
        throw e;
      }
      shared = reader;
    }
    return shared;
  }

  /**
   * Reads {@code source} until end of file into {@code lines}; the future then completes.
   * {@code name} ("web-out") names the pump thread that takes over if this reader dies.
   *
   * @throws IOException if the channel cannot be made non-blocking
   */
  CompletableFuture<Void> read(String name, Pipe.SourceChannel source, LineSplitter lines)
      throws IOException {
    Stream stream = new Stream(name, source, lines);
    synchronized (this) {
      if (dead) {
        // Lost a race with the thread's end: the stream was never ours.
        stream.continueOnPump();
        return stream.drained;
      }
      source.configureBlocking(false);
      arriving.add(stream);
    }
    // Registering from this thread would block while select() runs: the reader does it.
    selector.wakeup();
    return stream.drained;
  }

  private synchronized boolean isDead() {
    return dead;
  }

  @Override
  public void run() {
    try {
      while (true) {
        selector.select(this::onReady);
        registerArrivals();
      }
    } catch (Throwable e) {
      LOG.error("The thread that reads component output failed; the output of each running process"
          + " now goes through two threads of its own, and the next launch starts a new reader", e);
    } finally {
      handOver();
    }
  }

  private void registerArrivals() {
    Stream stream;
    while ((stream = arriving.poll()) != null) {
      try {
        stream.source.register(selector, SelectionKey.OP_READ, stream);
      } catch (IOException e) {
        stream.finish(); // closed under us: nothing more will come
      }
    }
  }

  private void onReady(SelectionKey key) {
    Stream stream = (Stream) key.attachment();
    buffer.clear();
    int n;
    try {
      n = stream.source.read(buffer);
    } catch (IOException e) {
      n = -1; // a broken pipe ends the stream like end of file
    }
    if (n > 0) {
      buffer.flip();
      buffer.get(bytes, 0, n);
      stream.lines.feed(bytes, 0, n);
    } else if (n < 0) {
      key.cancel();
      stream.finish();
    }
  }

  /** The thread is ending: every stream not at end of file yet goes on a pump thread of its own. */
  private void handOver() {
    List<Stream> orphans = new ArrayList<>();
    synchronized (this) {
      dead = true;
      try {
        for (SelectionKey key : selector.keys()) {
          orphans.add((Stream) key.attachment());
        }
      } catch (ClosedSelectorException e) {
        // nothing was registered any more
      }
      orphans.addAll(arriving);
      arriving.clear();
      try {
        selector.close(); // deregisters every channel, so they can block again
      } catch (IOException e) {
        // the channels are deregistered all the same
      }
    }
    for (Stream stream : orphans) {
      if (!stream.finished) {
        stream.continueOnPump();
      }
    }
  }

  /** One stream being read: its channel, its unfinished line, and the future of its end. */
  private static final class Stream {
    final String name;
    final Pipe.SourceChannel source;
    final LineSplitter lines;
    final CompletableFuture<Void> drained = new CompletableFuture<>();
    boolean finished;

    Stream(String name, Pipe.SourceChannel source, LineSplitter lines) {
      this.name = name;
      this.source = source;
      this.lines = lines;
    }

    void finish() {
      finished = true;
      try {
        lines.finish();
        source.close();
      } catch (IOException e) {
        // the pipe is gone either way
      } finally {
        drained.complete(null);
      }
    }

    void continueOnPump() {
      try {
        source.configureBlocking(true);
        OutputPump.start(THREAD_NAME + "-" + name, Channels.newInputStream(source), lines)
            .whenComplete((done, e) -> drained.complete(null));
      } catch (IOException | RuntimeException | OutOfMemoryError e) {
        // Nobody can read it: close it, the process sees a broken pipe, its exit is still reported.
        finish();
      }
    }
  }
}

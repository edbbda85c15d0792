package io.regulator.runtime.process;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.Channel;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stdout and stderr pipes of one launch, made by us rather than by {@link ProcessBuilder}, so
 * that their read ends can be non-blocking channels that {@link OutputReader} watches with all the
 * others on one thread. {@code Process.getInputStream()} gives no channel, only a stream that
 * needs a blocked thread.
 *
 * <p>The child gets the write ends through {@code /proc/self/fd/<n>}: {@link ProcessBuilder}
 * opens that path in the JVM before the spawn, which on Linux opens the same pipe, and the JDK's
 * child-side code closes every other descriptor, so no other child inherits ours. Once the spawn
 * returned we close our write ends: end of file then comes when the child and every descendant
 * that inherited the pipe have closed it, the same as with the JDK's own pipes.
 *
 * <p>The descriptor number of a channel is not public: we read it through
 * {@code sun.nio.ch.SelChImpl#getFDVal()}, which needs the JVM flag
 * {@value #JVM_FLAG}. Without it (or on another JVM or OS) {@link #supported()} is false and the
 * launcher reads output with {@link OutputPump} threads instead.
 */
final class OutputPipes {

  static final String JVM_FLAG = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED";
  private static final Logger LOG = LoggerFactory.getLogger(OutputPipes.class);

  private final Pipe out;
  private final Pipe err;

  private OutputPipes(Pipe out, Pipe err) {
    this.out = out;
    this.err = err;
  }

  /** True when pipes can be handed to children; checked once, and logged once if not. */
  static boolean supported() {
    return Descriptors.FD_VAL != null;
  }

  /**
   * Opens both pipes.
   *
   * @throws IOException when the JVM is out of file descriptors
   */
  static OutputPipes open() throws IOException {
    Pipe out = Pipe.open();
    try {
      return new OutputPipes(out, Pipe.open());
    } catch (IOException | RuntimeException e) {
      closeQuietly(out.source());
      closeQuietly(out.sink());
      throw e;
    }
  }

  /** Points the child's stdout and stderr at the write ends. */
  void redirect(ProcessBuilder pb) {
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(procPath(out.sink())))
        .redirectError(ProcessBuilder.Redirect.appendTo(procPath(err.sink())));
  }

  /** After the spawn, whether it worked or not: the child holds its own copies of the write ends. */
  void closeSinks() {
    closeQuietly(out.sink());
    closeQuietly(err.sink());
  }

  /** When nobody will read: the spawn failed. */
  void closeSources() {
    closeQuietly(out.source());
    closeQuietly(err.source());
  }

  /**
   * Hands both read ends to {@code reader}; the future completes when both reached end of file.
   *
   * @throws IOException if a read end cannot be made non-blocking
   */
  CompletableFuture<Void> read(OutputReader reader, String component, OutputLogs.ComponentLog log,
      OutputTail tail) throws IOException {
    CompletableFuture<Void> outDrained =
        reader.read(component + "-out", out.source(), new LineSplitter(log.out(), tail));
    CompletableFuture<Void> errDrained =
        reader.read(component + "-err", err.source(), new LineSplitter(log.err(), tail));
    return CompletableFuture.allOf(outDrained, errDrained);
  }

  private static File procPath(Channel channel) {
    return new File("/proc/self/fd/" + fdVal(channel));
  }

  private static int fdVal(Channel channel) {
    try {
      return (Integer) Descriptors.FD_VAL.invoke(channel);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the descriptor of a pipe: " + e, e);
    }
  }

  private static void closeQuietly(Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a pipe end fails only if it is already gone.
    }
  }

  /** Looked up on first use: the reflective accessor, or null if the JVM refuses it. */
  private static final class Descriptors {
    static final Method FD_VAL = lookup();

    private static Method lookup() {
      try {
        Method fdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        Pipe probe = Pipe.open();
        try {
          int fd = (Integer) fdVal.invoke(probe.sink());
          // Make sure the number names this pipe, here, before children are given it.
          Path link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
          if (!link.toString().startsWith("pipe:")) {
            throw new IOException("/proc/self/fd/" + fd + " is " + link + ", not a pipe");
          }
        } finally {
          closeQuietly(probe.source());
          closeQuietly(probe.sink());
        }
        return fdVal;
      } catch (ReflectiveOperationException | IOException | RuntimeException e) {
        LOG.info("Component output is read by two threads per process, not one shared thread: {}."
            + " Add the JVM flag {} (bin/regulator does) to save the threads", e, JVM_FLAG);
        return null;
      }
    }
  }
}

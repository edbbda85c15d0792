package io.regulator.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One Regulator per data-dir: a second one would take the first one's children for orphans and
 * reap them, then run its own copies. The OS releases the lock when the process dies, so a
 * {@code kill -9} never leaves a stale lock behind.
 */
final class DataDirLock {

  static final String FILE = "regulator.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or null when another process holds it. */
  static DataDirLock acquire(Path dataDir) throws IOException {
    FileChannel channel = FileChannel.open(dataDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return null;
      }
      return new DataDirLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      channel.close();
      return null;
    }
  }

  void release() throws IOException {
    lock.release();
    channel.close();
  }
}

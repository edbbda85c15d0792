package io.regulator.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The components' output logs, {@code <log-dir>/<component>.log} (rotated to {@code .log.1},
 * {@code .log.2}, ...), read straight from the files and merged into one timeline by the UTC
 * timestamp that starts every line ({@code 2026-11-23T22:40:01.123Z out | text}). Lines with the
 * same timestamp keep their order within a file; a line without a timestamp goes with the line
 * before it.
 */
final class ComponentLogs {

  /** One line of one component's log, with the timestamp it sorts by. */
  record Line(String component, String time, String text) {}

  private static final Pattern STAMPED = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z .*");
  private static final int STAMP_LENGTH = "2026-11-23T22:40:01.123Z".length();
  private static final Comparator<Line> BY_TIME = Comparator.comparing(Line::time);
  private static final int CHUNK = 64 * 1024;

  private ComponentLogs() {}

  static Path file(Path logDir, String component) {
    return logDir.resolve(component + ".log");
  }

  /** The last {@code n} lines of all the components' logs together, oldest first, including rotated files when needed. */
  static List<Line> last(Path logDir, List<String> components, int n) throws IOException {
    Map<String, Long> ends = new LinkedHashMap<>();
    components.forEach(c -> ends.put(c, Long.MAX_VALUE));
    return last(logDir, ends, n);
  }

  /** {@link #last(Path, List, int)} with each current file read only up to its given end. */
  static List<Line> last(Path logDir, Map<String, Long> ends, int n) throws IOException {
    List<Line> all = new ArrayList<>();
    for (Map.Entry<String, Long> e : ends.entrySet()) {
      all.addAll(last(logDir, e.getKey(), n, e.getValue()));
    }
    all.sort(BY_TIME); // stable: equal times keep the order of each file
    return all.subList(Math.max(0, all.size() - n), all.size());
  }

  /** The last {@code n} lines of one component: its file up to {@code end}, then rotated ones while fewer than n. */
  static List<Line> last(Path logDir, String component, int n, long end) throws IOException {
    Deque<String> lines = new ArrayDeque<>();
    Path current = file(logDir, component);
    for (int i = 0; lines.size() < n; i++) {
      Path f = i == 0 ? current : current.resolveSibling(current.getFileName() + "." + i);
      if (!Files.isRegularFile(f)) {
        break;
      }
      List<String> tail = tail(f, n - lines.size(), i == 0 ? end : Long.MAX_VALUE);
      for (int j = tail.size() - 1; j >= 0; j--) {
        lines.addFirst(tail.get(j));
      }
    }
    return stamp(component, new ArrayList<>(lines), "");
  }

  /** Each line with its timestamp; an unstamped line takes the one before it ({@code previous} for the first). */
  static List<Line> stamp(String component, List<String> lines, String previous) {
    List<Line> out = new ArrayList<>(lines.size());
    String time = previous;
    for (String text : lines) {
      if (STAMPED.matcher(text).matches()) {
        time = text.substring(0, STAMP_LENGTH);
      }
      out.add(new Line(component, time, text));
    }
    return out;
  }

  /** {@code web    | 2026-11-23T12:00:00.210Z out | text}: the name padded to {@code width}. */
  static String render(Line line, int width) {
    StringBuilder b = new StringBuilder(line.component());
    while (b.length() < width) {
      b.append(' ');
    }
    return b.append(" | ").append(line.text()).toString();
  }

  static int width(List<String> components) {
    return components.stream().mapToInt(String::length).max().orElse(0);
  }

  /** The last {@code n} lines of a file before {@code end} (or its size), read backwards in chunks. */
  static List<String> tail(Path file, int n, long end) throws IOException {
    if (n <= 0) {
      return List.of();
    }
    try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ)) {
      long pos = Math.min(end, ch.size());
      byte[] data = new byte[0];
      int newlines = 0;
      // n lines need n + 1 newlines before them, unless the file starts first (a last line may lack its newline)
      while (pos > 0 && newlines <= n) {
        int size = (int) Math.min(CHUNK, pos);
        pos -= size;
        ByteBuffer buf = ByteBuffer.allocate(size);
        ch.position(pos);
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
          // keep reading
        }
        byte[] chunk = buf.array();
        for (byte b : chunk) {
          if (b == '\n') {
            newlines++;
          }
        }
        byte[] joined = new byte[chunk.length + data.length];
        System.arraycopy(chunk, 0, joined, 0, chunk.length);
        System.arraycopy(data, 0, joined, chunk.length, data.length);
        data = joined;
      }
      List<String> lines = new String(data, StandardCharsets.UTF_8).lines().toList();
      if (pos > 0 && !lines.isEmpty()) {
        lines = lines.subList(1, lines.size()); // the first one may have been cut
      }
      return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }
  }

  /**
   * {@code tail -F} of several logs at once: each {@link #poll} returns the lines written since the
   * last one, of every file, merged by time. A rotated file is read to its end before the new one
   * is opened; a file that appears later (a component's first start) is picked up.
   */
  static final class Follower implements AutoCloseable {

    private final Path logDir;
    private final Map<String, Tail> tails = new LinkedHashMap<>();

    /** Follows from the current end of each file: what is there already is not returned by {@link #poll}. */
    Follower(Path logDir, List<String> components) throws IOException {
      this.logDir = logDir;
      for (String component : components) {
        Tail t = new Tail(component);
        t.openAtEnd(file(logDir, component));
        tails.put(component, t);
      }
    }

    /** The last {@code n} lines before where following starts: no line is lost or shown twice in between. */
    List<Line> backlog(int n) throws IOException {
      Map<String, Long> ends = new LinkedHashMap<>();
      for (Tail t : tails.values()) {
        if (t.channel != null) {
          ends.put(t.component, t.channel.position());
        }
      }
      return last(logDir, ends, n);
    }

    List<Line> poll() throws IOException {
      List<Line> fresh = new ArrayList<>();
      for (Tail t : tails.values()) {
        fresh.addAll(t.read(file(logDir, t.component)));
      }
      fresh.sort(BY_TIME);
      return fresh;
    }

    @Override
    public void close() throws IOException {
      for (Tail t : tails.values()) {
        t.close();
      }
    }
  }

  /**
   * One followed file: an open channel (which keeps reading the file when rotation renames it),
   * its position, and the last line while it is incomplete.
   */
  private static final class Tail {

    final String component;
    SeekableByteChannel channel;
    Object fileKey;
    final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    String lastTime = "";

    Tail(String component) {
      this.component = component;
    }

    void openAtEnd(Path file) throws IOException {
      if (open(file)) {
        channel.position(channel.size());
      }
    }

    boolean open(Path file) throws IOException {
      try {
        channel = Files.newByteChannel(file, StandardOpenOption.READ);
        fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return true;
      } catch (NoSuchFileException e) {
        channel = null;
        return false;
      }
    }

    List<Line> read(Path file) throws IOException {
      List<String> lines = new ArrayList<>();
      if (channel == null) {
        if (!open(file)) {
          return List.of();
        }
      }
      drain(lines);
      Object now;
      try {
        now = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      } catch (NoSuchFileException e) {
        now = null;
      }
      if (now != null && !Objects.equals(now, fileKey)) {
        // rotated: the old file was read to its end above; the new one is read from its start
        if (partial.size() > 0) {
          lines.add(partial.toString(StandardCharsets.UTF_8));
          partial.reset();
        }
        close();
        if (open(file)) {
          drain(lines);
        }
      } else if (now != null && channel.size() < channel.position()) {
        channel.position(0); // truncated in place
        partial.reset();
        drain(lines);
      }
      List<Line> stamped = stamp(component, lines, lastTime);
      if (!stamped.isEmpty()) {
        lastTime = stamped.get(stamped.size() - 1).time();
      }
      return stamped;
    }

    private void drain(List<String> lines) throws IOException {
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      while (channel.read(buf) > 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          byte b = buf.get();
          if (b == '\n') {
            String line = partial.toString(StandardCharsets.UTF_8);
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            partial.reset();
          } else {
            partial.write(b);
          }
        }
        buf.clear();
      }
    }

    void close() throws IOException {
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }
  }
}

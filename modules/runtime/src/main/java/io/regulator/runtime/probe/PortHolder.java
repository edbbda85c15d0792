package io.regulator.runtime.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The process listening on a TCP port, found the way {@code ss -ltnp} finds it: the socket inodes
 * in LISTEN state on that port from {@code /proc/net/tcp} and {@code tcp6}, then the process
 * with a {@code /proc/<pid>/fd} link to one of them. Only processes whose fds this user may read
 * are found (all of them as root). Blocking (lists every process's fds): call off actor threads.
 *
 * @param command its command line, spaces between arguments, cut to 200 characters
 */
public record PortHolder(long pid, String command) {

  private static final Path PROC = Path.of("/proc");
  private static final String LISTEN = "0A";

  /** Who listens on {@code port} (any local address, IPv4 or IPv6), if it can be found. */
  public static Optional<PortHolder> find(int port) {
    Set<String> inodes = new HashSet<>();
    listeningInodes(PROC.resolve("net/tcp"), port, inodes);
    listeningInodes(PROC.resolve("net/tcp6"), port, inodes);
    if (inodes.isEmpty()) {
      return Optional.empty();
    }
    long self = ProcessHandle.current().pid();
    Optional<PortHolder> jvm = Optional.empty();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
      for (Path proc : procs) {
        long pid = Long.parseLong(proc.getFileName().toString());
        if (holds(proc, inodes)) {
          PortHolder holder = new PortHolder(pid, commandLine(pid));
          if (pid != self) {
            return Optional.of(holder);
          }
          jvm = Optional.of(holder); // Regulator itself: only if nobody else holds it
        }
      }
    } catch (IOException e) {
      return jvm;
    }
    return jvm;
  }

  private static void listeningInodes(Path table, int port, Set<String> inodes) {
    List<String> lines;
    try {
      lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return; // no IPv6, or no /proc
    }
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    // "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).trim().split("\\s+");
      if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals(LISTEN) && !f[9].equals("0")) {
        inodes.add(f[9]);
      }
    }
  }

  private static boolean holds(Path proc, Set<String> inodes) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        String link;
        try {
          link = Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException e) {
          continue;
        }
        // "socket:[12345]"
        if (link.startsWith("socket:[") && inodes.contains(link.substring(8, link.length() - 1))) {
          return true;
        }
      }
    } catch (IOException e) {
      // gone, or not ours to read
    }
    return false;
  }

  static String commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
      String text = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
      if (text.isEmpty()) {
        text = Files.readString(PROC.resolve(Long.toString(pid)).resolve("comm")).strip();
      }
      return text.length() > 200 ? text.substring(0, 197) + "..." : text;
    } catch (IOException e) {
      return "?";
    }
  }

  private static boolean isPid(String name) {
    return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}

package io.regulator.runtime.process;

import java.util.List;
import java.util.function.Predicate;

/** The JVM's live threads, by name. */
final class Threads {

  private Threads() {}

  static List<String> named(Predicate<String> name) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(name).toList();
  }

  /** The one live thread called {@code name}. */
  static Thread thread(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no thread " + name));
  }
}

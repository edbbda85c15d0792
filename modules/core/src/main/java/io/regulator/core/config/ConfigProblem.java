package io.regulator.core.config;

/**
 * One thing wrong with a configuration, located like a compiler error.
 *
 * @param file where the value came from (a file name, a resource, or the origin description)
 * @param line 1-based line in {@code file}; 0 or less when unknown
 * @param key the full key path, e.g. {@code regulator.components.runner.restart}; empty when the
 *     problem concerns the whole file (not found, syntax error)
 * @param message what was expected and what to do
 */
public record ConfigProblem(String file, int line, String key, String message) {

  public ConfigProblem {
    file = file == null ? "" : file;
    key = key == null ? "" : key;
  }

  /** {@code file:line: key: message}, leaving out the parts that are unknown. */
  public String render() {
    StringBuilder out = new StringBuilder();
    if (!file.isEmpty()) {
      out.append(file);
      if (line > 0) {
        out.append(':').append(line);
      }
      out.append(": ");
    }
    if (!key.isEmpty()) {
      out.append(key).append(": ");
    }
    return out.append(message).toString();
  }
}

package io.regulator.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used, with every problem found in it (not just the first). */
public final class ConfigValidationException extends Exception {

  private final List<ConfigProblem> problems;

  public ConfigValidationException(List<ConfigProblem> problems) {
    super(problems.stream().map(ConfigProblem::render).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a validation failure needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}

package io.regulator.core.spec;

import java.time.Duration;

/** How a component is stopped: {@code signal} to its process group, then SIGKILL after {@code timeout}. */
public record StopSpec(String signal, Duration timeout) {}

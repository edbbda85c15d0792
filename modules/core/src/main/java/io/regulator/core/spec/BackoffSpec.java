package io.regulator.core.spec;

import java.time.Duration;

/**
 * Exponential restart backoff: {@code min * 2^attempt}, capped at {@code max}, spread by
 * {@code randomFactor}, and back to {@code min} once the process stayed up for {@code resetAfter}.
 */
public record BackoffSpec(Duration min, Duration max, double randomFactor, Duration resetAfter) {}

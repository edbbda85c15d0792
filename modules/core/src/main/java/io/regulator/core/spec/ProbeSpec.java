package io.regulator.core.spec;

import java.time.Duration;

/**
 * One probe of a component: a role, a check, and its timing (Kubernetes semantics).
 *
 * @param deadline startup only: how long the startup probe may take to first succeed before the
 *     component counts as failed and is restarted; {@code period * failure-threshold} when unset
 */
public record ProbeSpec(
    ProbeRole role,
    ProbeCheck check,
    Duration period,
    Duration timeout,
    Duration initialDelay,
    int failureThreshold,
    int successThreshold,
    Duration deadline) {}

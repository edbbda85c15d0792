package io.regulator.core.spec;

import java.time.Duration;

/** The restart circuit: OPEN for {@code cooldown}, doubling on each re-open up to {@code maxCooldown}. */
public record CircuitSpec(Duration cooldown, Duration maxCooldown) {}

package io.regulator.core.spec;

import java.time.Duration;

/** At most {@code maxRestarts} restarts within a sliding window of {@code within} (OTP intensity / period). */
public record IntensitySpec(int maxRestarts, Duration within) {}

package io.regulator.journal.read;

import io.regulator.core.event.Cause;
import java.time.Instant;

/** One failure of one component: when, and why (the cause of the event that reported it). */
public record Failure(Instant time, String component, Cause cause) {}

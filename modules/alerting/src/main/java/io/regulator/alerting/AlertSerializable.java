package io.regulator.alerting;

/** Marker for what the alert outbox persists: serialized as JSON by pekko-serialization-jackson. */
public interface AlertSerializable {}

package io.regulator.journal;

/** Marker for everything the journal stores: serialized as JSON by pekko-serialization-jackson. */
public interface JournalSerializable {}

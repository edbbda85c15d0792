package io.regulator.core.spec;

import java.nio.file.Path;

/**
 * Process-wide settings.
 *
 * @param node the name of this host in events (stable across restarts; see DESIGN §10)
 * @param dataDir pid records, journal, token
 * @param logDir component output logs and Regulator's own logs
 */
public record RegulatorSettings(String node, Path dataDir, Path logDir) {}

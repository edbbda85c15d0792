package io.regulator.journal;

import io.regulator.core.event.HealthEvent;

/**
 * How journal rows are named. The read side and the CLI rely on exactly these: one entity per
 * component ({@code component|<name>}), one for Regulator itself ({@code system}), and the tag
 * {@code health} on every event for global ordered queries.
 */
public final class PersistenceIds {

  /** The tag of every health event: {@code eventsByTag(TAG)} is the whole history in write order. */
  public static final String TAG = "health";

  /** The persistence id of Regulator's own events (component {@link HealthEvent#SYSTEM}). */
  public static final String SYSTEM = "system";

  public static final String COMPONENT_PREFIX = "component|";

  private PersistenceIds() {}

  /** The persistence id of a component's history; {@code system} for Regulator itself. */
  public static String of(String component) {
    if (component == null || component.isEmpty() || HealthEvent.SYSTEM.equals(component)) {
      return SYSTEM;
    }
    return COMPONENT_PREFIX + component;
  }

  /** The component a persistence id belongs to ({@code system} for Regulator itself). */
  public static String componentOf(String persistenceId) {
    if (persistenceId.startsWith(COMPONENT_PREFIX)) {
      return persistenceId.substring(COMPONENT_PREFIX.length());
    }
    if (SYSTEM.equals(persistenceId)) {
      return HealthEvent.SYSTEM;
    }
    throw new IllegalArgumentException("not a Regulator persistence id: '" + persistenceId
        + "' (expected 'component|<name>' or 'system')");
  }
}

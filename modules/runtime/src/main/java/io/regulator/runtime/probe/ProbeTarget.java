package io.regulator.runtime.probe;

import io.regulator.runtime.process.LaunchedProcess;
import java.util.Objects;

/**
 * What a check looks at besides its own spec: the component and its current process.
 *
 * @param process the component's running process, or null when there is none; the log and
 *     resources probes need it (and fail with NOT_RUNNING without it), the others ignore it
 */
public record ProbeTarget(String component, LaunchedProcess process) {

  public ProbeTarget {
    Objects.requireNonNull(component, "component");
  }

  public static ProbeTarget of(LaunchedProcess process) {
    return new ProbeTarget(process.component(), process);
  }
}

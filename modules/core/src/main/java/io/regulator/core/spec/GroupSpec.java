package io.regulator.core.spec;

import java.util.List;

/** A named group of components with an OTP strategy and its own restart intensity. */
public record GroupSpec(String name, GroupStrategy strategy, List<String> members, IntensitySpec intensity) {
  public GroupSpec {
    members = List.copyOf(members);
  }
}

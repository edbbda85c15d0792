package io.regulator.core.config;

import com.typesafe.config.ConfigValue;
import java.util.function.BiConsumer;

/**
 * What one config value must look like. {@link #check} parses the value the same way the fleet
 * builder will read it afterwards, so a value that passes here cannot fail there.
 */
interface Kind {

  /** A description of valid values for messages, e.g. "a duration such as 500ms, 10s or 5m". */
  String expected();

  /** Tells {@code complaint} everything wrong with {@code value}; silent when it fits. */
  void check(ConfigValue value, Complaint complaint);

  /** A kind from its description and its check. */
  static Kind of(String expected, BiConsumer<ConfigValue, Complaint> check) {
    return new Kind() {
      @Override
      public String expected() {
        return expected;
      }

      @Override
      public void check(ConfigValue value, Complaint complaint) {
        check.accept(value, complaint);
      }
    };
  }

  /** Where a value's problems go; {@code subKey} names an entry inside the value (an env var, a dependency). */
  interface Complaint {
    void at(ConfigValue where, String subKey, String message);

    default void at(ConfigValue where, String message) {
      at(where, null, message);
    }
  }
}

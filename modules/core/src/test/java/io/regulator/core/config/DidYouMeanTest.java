package io.regulator.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

  private static final List<String> KEYS = List.of("restart", "ready-after", "max-restarts", "min", "max", "shell", "env");

  @Test
  void typosTranspositionsAndOtherSpellingsFindTheKey() {
    assertThat(DidYouMean.nearest("restrat", KEYS)).contains("restart");
    assertThat(DidYouMean.nearest("rstart", KEYS)).contains("restart");
    assertThat(DidYouMean.nearest("maxRestarts", KEYS)).contains("max-restarts");
    assertThat(DidYouMean.nearest("max_restarts", KEYS)).contains("max-restarts");
    assertThat(DidYouMean.nearest("SHELL", KEYS)).contains("shell");
    assertThat(DidYouMean.nearest("mni", KEYS)).contains("min");
  }

  @Test
  void aSharedPrefixFindsTheLongerKey() {
    assertThat(DidYouMean.nearest("ready", KEYS)).contains("ready-after");
    assertThat(DidYouMean.nearest("restart-policy", KEYS)).contains("restart");
  }

  @Test
  void nothingNearMeansNoSuggestion() {
    assertThat(DidYouMean.nearest("zzz", KEYS)).isEmpty();
    assertThat(DidYouMean.nearest("probes", KEYS)).isEmpty();
    assertThat(DidYouMean.hint("zzz", KEYS)).isEmpty();
    assertThat(DidYouMean.hint("restrat", KEYS)).isEqualTo(" (did you mean 'restart'?)");
  }

  @Test
  void shortNamesNeedACloserMatch() {
    // one edit is allowed below five letters, so "foo" does not become "env"
    assertThat(DidYouMean.nearest("foo", KEYS)).isEmpty();
    assertThat(DidYouMean.nearest("mux", KEYS)).contains("max");
    assertThat(DidYouMean.nearest("mix", KEYS)).as("ties go to the longer shared prefix").contains("min");
  }

  @Test
  void editDistanceCountsASwapAsOneEdit() {
    assertThat(DidYouMean.distance("restrat", "restart")).isEqualTo(1);
    assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
    assertThat(DidYouMean.distance("same", "same")).isZero();
  }
}

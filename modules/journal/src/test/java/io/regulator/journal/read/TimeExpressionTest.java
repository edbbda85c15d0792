package io.regulator.journal.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TimeExpressionTest {

  private static final Instant NOW = Instant.parse("2024-05-02T15:30:00Z");
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris"); // UTC+2 in May

  private static Instant parse(String s) {
    return TimeExpression.parse(s, NOW, PARIS);
  }

  @Test
  void relativeTimesCountBackFromNow() {
    assertThat(parse("30m")).isEqualTo(NOW.minus(Duration.ofMinutes(30)));
    assertThat(parse("1h")).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(parse("2d")).isEqualTo(NOW.minus(Duration.ofDays(2)));
    assertThat(parse("1w")).isEqualTo(NOW.minus(Duration.ofDays(7)));
    assertThat(parse("1h30m")).isEqualTo(NOW.minus(Duration.ofMinutes(90)));
    assertThat(parse("90s ago")).isEqualTo(NOW.minus(Duration.ofSeconds(90)));
    assertThat(parse("-500ms")).isEqualTo(NOW.minusMillis(500));
    assertThat(parse("now")).isEqualTo(NOW);
  }

  @Test
  void todayAndYesterdayAreLocalMidnights() {
    assertThat(parse("today")).isEqualTo(Instant.parse("2024-05-01T22:00:00Z"));
    assertThat(parse("yesterday")).isEqualTo(Instant.parse("2024-04-30T22:00:00Z"));
  }

  @Test
  void isoTimesWithAndWithoutOffset() {
    assertThat(parse("2024-05-01T10:00:00Z")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(parse("2024-05-01T10:00:00.250+02:00")).isEqualTo(Instant.parse("2024-05-01T08:00:00.250Z"));
    assertThat(parse("2024-05-01T10:00")).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
    assertThat(parse("2024-05-01 10:00:30")).isEqualTo(Instant.parse("2024-05-01T08:00:30Z"));
    assertThat(parse("2024-05-01")).isEqualTo(Instant.parse("2024-04-30T22:00:00Z"));
  }

  @Test
  void anythingElseSaysWhichFormsWork() {
    assertThatThrownBy(() -> parse("last tuesday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot read the time 'last tuesday': use an ISO time")
        .hasMessageContaining("30m, 1h30m, 2d");
    assertThatThrownBy(() -> parse("5 minutes")).isInstanceOf(IllegalArgumentException.class);
  }
}

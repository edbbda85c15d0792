package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regulator.alerting.Alert;
import io.regulator.alerting.Notification;
import io.regulator.alerting.Severity;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The Block Kit message: what it shows, and that no input takes it over Slack's limits. */
class SlackMessageTest {

  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  /** An ampersand that does not start one of our three escapes: a cut escape or an unescaped one. */
  static final Pattern BROKEN_ESCAPE = Pattern.compile("&(?!amp;|lt;|gt;)");

  @Test
  void aTypicalAlertShowsWhatSomeoneActsOn() throws Exception {
    Alert alert = new Alert("runner/crashed", "runner", "crashed", Severity.CRITICAL, "runner crashed",
        new Cause(CauseCategory.ADDRESS_IN_USE, "port 5051 is in use by pid 4242 (python3 old.py)",
            "stop pid 4242 or change the port"),
        NOW.minusSeconds(5 * 60 + 3), List.of("Traceback (most recent call last):", "OSError: [Errno 98] in use"),
        false, 1);
    Notification n = new Notification("n-1", "ops", NOW, List.of(alert), Optional.empty(),
        Optional.of("http://regulator.example:8080/"));

    ObjectNode message = SlackMessage.render(n);
    assertWithinLimits(message);

    String header = message.at("/blocks/0/text/text").asText();
    assertThat(header).startsWith(":rotating_light: CRITICAL").contains("runner crashed");
    String all = message.toString();
    assertThat(all)
        .contains("*Severity*\\nCRITICAL (escalation step 1)")
        .contains("*Component*\\nrunner")
        .contains("*Condition*\\ncrashed")
        .contains("<!date^" + alert.since().getEpochSecond() + "^")
        .contains("(5m 3s ago)")
        .contains("*Cause:* port 5051 is in use by pid 4242 (python3 old.py)")
        .contains("*Suggestion:* stop pid 4242 or change the port")
        .contains("```\\nTraceback (most recent call last):\\nOSError: [Errno 98] in use\\n```")
        .contains("<http://regulator.example:8080/|Open the dashboard>");
    assertThat(message.get("text").asText()).isEqualTo(
        "[CRITICAL] runner: runner crashed - port 5051 is in use by pid 4242 (python3 old.py)");
    // parses back as JSON, as Slack will read it
    assertThat(new ObjectMapper().readTree(SlackMessage.json(n))).isEqualTo(message);
  }

  @Test
  void hugeInputStaysWithinSlacksLimits() {
    String longTitle = "x".repeat(9_999) + "\uD83D\uDE00" + "&<>".repeat(2000);
    String longComponent = "component-" + "c".repeat(5_000);
    String longDetail = "&".repeat(10_000);
    List<String> lines = IntStream.range(0, 2_000).mapToObj(i -> "line " + i + " " + "y".repeat(200) + " <&>")
        .toList();
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      alerts.add(new Alert(longComponent + "/c" + i, longComponent, "condition-" + "z".repeat(3_000),
          Severity.values()[i % 4], longTitle, new Cause(CauseCategory.EXIT_CODE, longDetail, "s".repeat(10_000)),
          NOW.minusSeconds(i), lines, i % 7 == 0, i));
    }
    Notification n = new Notification("n-huge", "ops", NOW, alerts, Optional.of("summary ".repeat(2_000)),
        Optional.of("http://regulator.example:8080/?a=1&b=" + "q".repeat(5_000)));

    ObjectNode message = SlackMessage.render(n);

    assertWithinLimits(message);
    JsonNode blocks = message.get("blocks");
    // header, summary, 11 alerts of 4 blocks (a 12th would leave no room for "and N more" and the footer)
    assertThat(blocks.size()).isEqualTo(48);
    assertThat(message.at("/blocks/0/text/text").asText()).hasSize(SlackMessage.MAX_HEADER_TEXT)
        .endsWith(SlackMessage.TRUNCATED);
    String more = blocks.get(blocks.size() - 2).at("/text/text").asText();
    assertThat(more).startsWith("*… and 289 more alerts:*").endsWith(SlackMessage.TRUNCATED);
    String all = message.toString();
    assertThat(all).contains("line 1999 ").contains("earlier lines left out").doesNotContain("line 0 ");
  }

  @Test
  void userTextCannotPingChannelsOrBreakMarkup() {
    Alert alert = new Alert("web/crashed", "web", "crashed", Severity.ERROR, "<!channel> look & <@U123>",
        new Cause(CauseCategory.LOG_PATTERN, "matched <b>&nbsp;", ""), NOW, List.of("```escape```", "\u001B[31mred\u001B[0m"),
        false, 0);
    ObjectNode message = SlackMessage.render(new Notification("n", "ops", NOW, List.of(alert), Optional.empty(),
        Optional.empty()));

    assertWithinLimits(message);
    // mentions only work in mrkdwn; the header is plain_text, where Slack does not parse them
    assertThat(message.at("/blocks/0/text/type").asText()).isEqualTo("plain_text");
    List<String> mrkdwn = message.findParents("type").stream().filter(o -> o.get("type").asText().equals("mrkdwn"))
        .map(o -> o.get("text").asText()).toList();
    assertThat(mrkdwn).isNotEmpty().noneMatch(t -> t.contains("<!channel>") || t.contains("<@U123>"));
    String all = message.toString();
    assertThat(all).contains("&lt;!channel&gt; look &amp; &lt;@U123&gt;")
        .contains("matched &lt;b&gt;&amp;nbsp;")
        .contains("'''escape'''")
        .contains("\\nred\\n").doesNotContain("\\u001B");
  }

  @Test
  void resolvedAndSummaryMessagesSayWhatTheyAre() {
    Alert resolved = new Alert("web/crashed", "web", "crashed", Severity.ERROR, "web crashed", null, NOW,
        List.of(), true, 0);
    ObjectNode r = SlackMessage.render(new Notification("r", "ops", NOW, List.of(resolved), Optional.empty(),
        Optional.empty()));
    assertWithinLimits(r);
    assertThat(r.at("/blocks/0/text/text").asText()).isEqualTo(":white_check_mark: RESOLVED: web crashed");
    assertThat(r.get("text").asText()).isEqualTo("[RESOLVED] web: web crashed");

    ObjectNode s = SlackMessage.render(new Notification("s", "ops", NOW, List.of(),
        Optional.of("12 alerts held back by the rate limit (20 per 1h)"), Optional.empty()));
    assertWithinLimits(s);
    assertThat(s.at("/blocks/0/text/text").asText()).contains("Rate limit reached");
    assertThat(s.at("/blocks/1/text/text").asText()).isEqualTo("12 alerts held back by the rate limit (20 per 1h)");
  }

  @Test
  void truncationNeverSplitsAnEscapeOrASurrogatePair() {
    String marker = SlackMessage.TRUNCATED;
    for (int max = marker.length() + 1; max < marker.length() + 12; max++) {
      String cut = SlackMessage.truncate(SlackMessage.escape("ab<&>") + "\uD83D\uDE00".repeat(5), max);
      assertThat(cut.length()).isLessThanOrEqualTo(max);
      assertThat(cut).endsWith(marker);
      assertNoBrokenText(cut);
    }
    assertThat(SlackMessage.truncate("short", 10)).isEqualTo("short");
    assertThat(SlackMessage.truncate("x".repeat(11), 10)).hasSize(10);
  }

  @Test
  void lastLinesKeepTheNewestAndSayHowManyAreLeftOut() {
    List<String> lines = IntStream.range(0, 500).mapToObj(i -> String.format("%03d %s", i, "w".repeat(40)))
        .toList();
    String block = SlackMessage.lastLines(lines);
    assertThat(block.length()).isLessThanOrEqualTo(SlackMessage.MAX_SECTION_TEXT);
    assertThat(block).startsWith("*Last output*\n```\n… ").endsWith("499 " + "w".repeat(40) + "\n```");
    int kept = (int) block.lines().filter(l -> l.matches("\\d{3} w+")).count();
    assertThat(block).contains("… " + (500 - kept) + " earlier lines left out\n");

    String one = SlackMessage.lastLines(List.of("v".repeat(10_000)));
    assertThat(one.length()).isLessThanOrEqualTo(SlackMessage.MAX_SECTION_TEXT);
    assertThat(one).contains(SlackMessage.TRUNCATED).endsWith("\n```");
  }

  @Test
  void durationsReadLikeAPersonWouldSayThem() {
    assertThat(SlackMessage.human(java.time.Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(SlackMessage.human(java.time.Duration.ofSeconds(303))).isEqualTo("5m 3s");
    assertThat(SlackMessage.human(java.time.Duration.ofMinutes(125))).isEqualTo("2h 5m");
    assertThat(SlackMessage.human(java.time.Duration.ofHours(76))).isEqualTo("3d 4h");
  }

  /** Every limit of Slack's Block Kit that a message from us could reach. */
  static void assertWithinLimits(JsonNode message) {
    assertThat(message.get("text").asText()).isNotEmpty().hasSizeLessThanOrEqualTo(SlackMessage.MAX_FALLBACK_TEXT);
    assertNoBrokenText(message.get("text").asText());
    JsonNode blocks = message.get("blocks");
    assertThat(blocks.size()).isBetween(1, SlackMessage.MAX_BLOCKS);
    for (JsonNode block : blocks) {
      switch (block.get("type").asText()) {
        case "header" -> {
          assertThat(block.at("/text/type").asText()).isEqualTo("plain_text");
          assertThat(block.at("/text/text").asText()).isNotEmpty().hasSizeLessThanOrEqualTo(SlackMessage.MAX_HEADER_TEXT);
        }
        case "section" -> {
          String text = block.at("/text/text").asText();
          assertThat(text).isNotEmpty().hasSizeLessThanOrEqualTo(SlackMessage.MAX_SECTION_TEXT);
          assertNoBrokenText(text);
          if (block.has("fields")) {
            assertThat(block.get("fields").size()).isLessThanOrEqualTo(SlackMessage.MAX_FIELDS);
            block.get("fields").forEach(f -> {
              assertThat(f.get("text").asText()).isNotEmpty().hasSizeLessThanOrEqualTo(SlackMessage.MAX_FIELD_TEXT);
              assertNoBrokenText(f.get("text").asText());
            });
          }
        }
        case "context" -> {
          assertThat(block.get("elements").size()).isBetween(1, SlackMessage.MAX_CONTEXT_ELEMENTS);
          block.get("elements").forEach(e -> assertThat(e.get("text").asText()).isNotEmpty()
              .hasSizeLessThanOrEqualTo(3000));
        }
        case "divider" -> { }
        default -> throw new AssertionError("unexpected block " + block);
      }
    }
  }

  static void assertNoBrokenText(String s) {
    assertThat(BROKEN_ESCAPE.matcher(s).find()).as("broken escape in %s", abbreviated(s)).isFalse();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        assertThat(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))).as("lone surrogate").isTrue();
        i++;
      } else {
        assertThat(Character.isLowSurrogate(c)).as("lone surrogate").isFalse();
      }
    }
  }

  private static String abbreviated(String s) {
    return s.length() < 200 ? s : s.substring(0, 100) + "..." + s.substring(s.length() - 100);
  }
}

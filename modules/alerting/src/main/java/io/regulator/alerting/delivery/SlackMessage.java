package io.regulator.alerting.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regulator.alerting.Alert;
import io.regulator.alerting.Notification;
import io.regulator.alerting.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A notification as a Slack Block Kit message: a pure function, within Slack's limits whatever the
 * input (a message over a limit is refused by Slack with 400, and the alert would be lost).
 *
 * <p>Layout: a header (severity and what happened), the rate-limit summary if any, then per alert a
 * section with severity / component / condition / since, a section with the cause and the
 * suggested fix, and the component's last output lines as a code block; a footer with the
 * dashboard link. When the alerts do not fit in {@value #MAX_BLOCKS} blocks, the rest are listed
 * in one "and N more" section. Text over a limit is cut with {@value #TRUNCATED}; of the output
 * lines the newest are kept. User text is escaped for mrkdwn ({@code & < >}), and a cut never splits
 * an escape or a surrogate pair. {@code text} is the plain fallback shown in notifications.
 */
public final class SlackMessage {

  /** Blocks per message. */
  public static final int MAX_BLOCKS = 50;
  /** Characters of a header block's plain text. */
  public static final int MAX_HEADER_TEXT = 150;
  /** Characters of a section's text. */
  public static final int MAX_SECTION_TEXT = 3000;
  /** Characters of one field of a section. */
  public static final int MAX_FIELD_TEXT = 2000;
  /** Fields per section. */
  public static final int MAX_FIELDS = 10;
  /** Elements per context block. */
  public static final int MAX_CONTEXT_ELEMENTS = 10;
  /** Characters of a context element (Slack allows 3000 for a text object; we stay well below). */
  public static final int MAX_CONTEXT_TEXT = 2000;
  /** Characters of the fallback {@code text} (Slack cuts at 40,000; notifications show far less). */
  public static final int MAX_FALLBACK_TEXT = 3000;
  /** Marks text that was cut to fit. */
  public static final String TRUNCATED = "… [truncated]";

  private static final ObjectMapper JSON = new ObjectMapper();
  /** ANSI colour and cursor sequences, common in stderr. */
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\t]]");
  private static final String CODE_OPEN = "*Last output*\n```\n";
  private static final String CODE_CLOSE = "\n```";
  /** Blocks kept free for the "and N more" section and the footer. */
  private static final int RESERVED_BLOCKS = 2;

  private SlackMessage() {}

  /** The request body for Slack's incoming webhook. */
  public static String json(Notification n) {
    try {
      return JSON.writeValueAsString(render(n));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a Slack message as JSON: " + e.getMessage(), e);
    }
  }

  /** The message as a JSON tree: {@code text} and {@code blocks}. */
  public static ObjectNode render(Notification n) {
    List<ObjectNode> blocks = new ArrayList<>();
    blocks.add(header(emoji(n) + " " + headline(n)));
    n.summary().ifPresent(s -> blocks.add(section(truncate(escape(s), MAX_SECTION_TEXT))));
    int shown = 0;
    for (Alert a : n.alerts()) {
      List<ObjectNode> own = alertBlocks(a, n.createdAt(), blocks.size() > 1);
      if (blocks.size() + own.size() + RESERVED_BLOCKS > MAX_BLOCKS) {
        break;
      }
      blocks.addAll(own);
      shown++;
    }
    if (shown < n.alerts().size()) {
      blocks.add(section(more(n.alerts().subList(shown, n.alerts().size()))));
    }
    if (n.alerts().isEmpty() && n.summary().isEmpty()) {
      blocks.add(section("No alerts in this notification."));
    }
    blocks.add(footer(n));

    ObjectNode message = JSON.createObjectNode();
    message.put("text", fallback(n));
    ArrayNode array = message.putArray("blocks");
    blocks.forEach(array::add);
    return message;
  }

  // ---- the parts -------------------------------------------------------------------------------

  static String headline(Notification n) {
    List<Alert> alerts = n.alerts();
    if (alerts.isEmpty()) {
      return "Rate limit reached: alerts held back";
    }
    boolean resolved = alerts.stream().allMatch(Alert::resolved);
    String level = resolved ? "RESOLVED" : n.severity().name();
    if (alerts.size() == 1) {
      return level + ": " + title(alerts.get(0));
    }
    String components = alerts.stream().map(Alert::component).distinct().collect(Collectors.joining(", "));
    return level + ": " + alerts.size() + " alerts on " + components;
  }

  private static String fallback(Notification n) {
    StringBuilder b = new StringBuilder();
    n.summary().ifPresent(s -> b.append(s).append(n.alerts().isEmpty() ? "" : " "));
    List<Alert> alerts = n.alerts();
    if (alerts.size() == 1) {
      Alert a = alerts.get(0);
      b.append('[').append(a.resolved() ? "RESOLVED" : a.severity().name()).append("] ").append(a.component())
          .append(": ").append(title(a));
      if (a.cause() != null && !a.cause().detail().isEmpty()) {
        b.append(" - ").append(a.cause().detail());
      }
    } else if (!alerts.isEmpty()) {
      b.append('[').append(headline(n)).append("] ")
          .append(alerts.stream().map(SlackMessage::title).collect(Collectors.joining("; ")));
    }
    return truncate(escape(clean(b.toString())), MAX_FALLBACK_TEXT);
  }

  private static List<ObjectNode> alertBlocks(Alert a, Instant now, boolean divider) {
    List<ObjectNode> out = new ArrayList<>();
    if (divider) {
      ObjectNode d = JSON.createObjectNode();
      d.put("type", "divider");
      out.add(d);
    }
    String prefix = emoji(a) + " *";
    String suffix = a.resolved() ? "* - resolved" : "*";
    ObjectNode summary = section(prefix + truncate(escape(clean(title(a))),
        MAX_SECTION_TEXT - prefix.length() - suffix.length()) + suffix);
    ArrayNode fields = summary.putArray("fields");
    fields.add(mrkdwn(field("Severity", a.severity().name()
        + (a.escalationStep() > 0 ? " (escalation step " + a.escalationStep() + ")" : ""))));
    fields.add(mrkdwn(field("Component", a.component())));
    fields.add(mrkdwn(field("Condition", a.condition())));
    fields.add(mrkdwn("*Since*\n" + since(a.since(), now)));
    out.add(summary);

    if (a.cause() != null && !(a.cause().detail().isEmpty() && a.cause().suggestion().isEmpty())) {
      String suggestion = a.cause().suggestion().isEmpty() ? ""
          : "\n*Suggestion:* " + truncate(escape(clean(a.cause().suggestion())), MAX_SECTION_TEXT / 3);
      String cause = "*Cause:* ";
      out.add(section(cause + truncate(escape(clean(a.cause().detail())),
          MAX_SECTION_TEXT - cause.length() - suggestion.length()) + suggestion));
    }
    if (!a.lastLines().isEmpty()) {
      out.add(section(lastLines(a.lastLines())));
    }
    return out;
  }

  /** The newest lines that fit in one section, as a code block, with how many older ones were left out. */
  static String lastLines(List<String> lines) {
    int budget = MAX_SECTION_TEXT - CODE_OPEN.length() - CODE_CLOSE.length();
    // room for the "N earlier lines left out" line, whatever N is
    int noteRoom = 48;
    List<String> kept = new ArrayList<>();
    int used = 0;
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = escape(clean(lines.get(i))).replace("```", "'''");
      int room = budget - noteRoom - used - (kept.isEmpty() ? 0 : 1);
      if (room <= 0) {
        break;
      }
      if (line.length() > room) {
        if (!kept.isEmpty()) {
          break; // an older line that does not fit: leave it out whole
        }
        line = truncate(line, room);
      }
      kept.add(0, line);
      used += line.length() + (kept.size() > 1 ? 1 : 0);
    }
    int left = lines.size() - kept.size();
    String note = left > 0 ? "… " + left + " earlier line" + (left == 1 ? "" : "s") + " left out\n" : "";
    String body = String.join("\n", kept);
    return CODE_OPEN + note + (body.isEmpty() ? " " : body) + CODE_CLOSE;
  }

  private static String more(List<Alert> rest) {
    String head = "*… and " + rest.size() + " more alert" + (rest.size() == 1 ? "" : "s") + ":* ";
    String list = rest.stream().map(a -> (a.resolved() ? "RESOLVED" : a.severity().name()) + " " + a.key())
        .collect(Collectors.joining(", "));
    return head + truncate(escape(clean(list)), MAX_SECTION_TEXT - head.length());
  }

  private static ObjectNode footer(Notification n) {
    List<String> elements = new ArrayList<>();
    elements.add("Regulator");
    n.dashboardUrl().map(SlackMessage::link).ifPresent(elements::add);
    elements.add("sent " + date(n.createdAt()));
    elements.add("notification " + truncate(escape(clean(n.id())), 200));
    ObjectNode context = JSON.createObjectNode();
    context.put("type", "context");
    ArrayNode array = context.putArray("elements");
    elements.stream().limit(MAX_CONTEXT_ELEMENTS)
        .forEach(e -> array.add(mrkdwn(truncate(e, MAX_CONTEXT_TEXT))));
    return context;
  }

  /** A mrkdwn link to the dashboard; {@code | < >} in the URL would end the link early, so they are encoded. */
  private static String link(String url) {
    String safe = url.replace("&", "&amp;").replace("|", "%7C").replace("<", "%3C").replace(">", "%3E");
    String link = "<" + safe + "|Open the dashboard>";
    return link.length() <= MAX_CONTEXT_TEXT ? link : "dashboard link too long to show";
  }

  /** Slack shows the date in the reader's time zone; the ISO form is the fallback. */
  private static String date(Instant t) {
    if (t == null) {
      return "unknown";
    }
    return "<!date^" + t.getEpochSecond() + "^{date_short_pretty} {time_secs}|" + t + ">";
  }

  private static String since(Instant since, Instant now) {
    if (since == null) {
      return "unknown";
    }
    String text = date(since);
    if (now != null && !now.isBefore(since)) {
      text += " (" + human(Duration.between(since, now)) + " ago)";
    }
    return text;
  }

  /** The two largest units: {@code 45s}, {@code 5m 3s}, {@code 2h 5m}, {@code 3d 4h}. */
  static String human(Duration d) {
    long s = d.getSeconds();
    long days = s / 86_400;
    long hours = s % 86_400 / 3600;
    long minutes = s % 3600 / 60;
    long seconds = s % 60;
    if (days > 0) {
      return days + "d" + (hours > 0 ? " " + hours + "h" : "");
    }
    if (hours > 0) {
      return hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
    }
    if (minutes > 0) {
      return minutes + "m" + (seconds > 0 ? " " + seconds + "s" : "");
    }
    return seconds + "s";
  }

  private static String title(Alert a) {
    return a.title() == null || a.title().isBlank() ? a.key() : a.title();
  }

  private static String field(String name, String value) {
    String head = "*" + name + "*\n";
    String v = value == null || value.isEmpty() ? "-" : value;
    return head + truncate(escape(clean(v)), MAX_FIELD_TEXT - head.length());
  }

  private static String emoji(Notification n) {
    if (n.alerts().isEmpty()) {
      return ":hourglass:";
    }
    return n.alerts().stream().allMatch(Alert::resolved) ? ":white_check_mark:" : emoji(n.severity());
  }

  private static String emoji(Alert a) {
    return a.resolved() ? ":white_check_mark:" : emoji(a.severity());
  }

  private static String emoji(Severity s) {
    return switch (s) {
      case INFO -> ":information_source:";
      case WARNING -> ":warning:";
      case ERROR -> ":red_circle:";
      case CRITICAL -> ":rotating_light:";
    };
  }

  // ---- blocks and text -------------------------------------------------------------------------

  private static ObjectNode header(String text) {
    ObjectNode block = JSON.createObjectNode();
    block.put("type", "header");
    ObjectNode t = block.putObject("text");
    t.put("type", "plain_text");
    t.put("text", truncate(clean(text), MAX_HEADER_TEXT));
    t.put("emoji", true);
    return block;
  }

  private static ObjectNode section(String mrkdwnText) {
    ObjectNode block = JSON.createObjectNode();
    block.put("type", "section");
    block.set("text", mrkdwn(truncate(mrkdwnText, MAX_SECTION_TEXT)));
    return block;
  }

  private static ObjectNode mrkdwn(String text) {
    ObjectNode t = JSON.createObjectNode();
    t.put("type", "mrkdwn");
    t.put("text", text.isEmpty() ? " " : text);
    return t;
  }

  /** Slack's three mrkdwn escapes; everything a user or a process wrote goes through this. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Without ANSI sequences and control characters (tabs stay). */
  static String clean(String s) {
    return CONTROL.matcher(ANSI.matcher(s).replaceAll("")).replaceAll("");
  }

  /**
   * At most {@code max} characters (UTF-16 units, so never more code points), ending with
   * {@link #TRUNCATED} when cut; never splits a surrogate pair or an escape made by {@link #escape}.
   */
  static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    if (max <= TRUNCATED.length()) {
      return TRUNCATED.substring(0, Math.max(0, max));
    }
    int cut = max - TRUNCATED.length();
    if (Character.isHighSurrogate(s.charAt(cut - 1))) {
      cut--;
    }
    int amp = s.lastIndexOf('&', cut - 1);
    if (amp >= 0 && cut - amp < "&amp;".length()) {
      int semicolon = s.indexOf(';', amp);
      if (semicolon < 0 || semicolon >= cut) {
        cut = amp;
      }
    }
    return s.substring(0, cut) + TRUNCATED;
  }
}

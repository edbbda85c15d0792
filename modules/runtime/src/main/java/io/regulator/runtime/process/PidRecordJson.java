package io.regulator.runtime.process;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-object JSON form of a {@link PidRecord}, written and read by hand: the runtime has no
 * JSON library, and the shape is fixed and flat.
 *
 * <pre>{"component":"runner","pid":4242,"pgid":4242,"startMillis":1795473601123,
 *  "started":"2026-11-23T22:40:01.123Z","command":["python3","runner.py"]}</pre>
 */
final class PidRecordJson {

  private PidRecordJson() {}

  static String write(PidRecord r) {
    StringBuilder b = new StringBuilder(128);
    b.append("{\"component\":");
    string(b, r.component());
    b.append(",\"pid\":").append(r.pid());
    b.append(",\"pgid\":").append(r.pgid());
    b.append(",\"startMillis\":").append(r.startInstant().toEpochMilli());
    b.append(",\"started\":");
    string(b, r.startInstant().toString()); // for people; startMillis is what is read back
    b.append(",\"command\":[");
    for (int i = 0; i < r.command().size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      string(b, r.command().get(i));
    }
    return b.append("]}\n").toString();
  }

  /** @throws IllegalArgumentException with the reason when the text is not such a record */
  static PidRecord read(String text) {
    Map<String, Object> fields = new Reader(text).object();
    try {
      @SuppressWarnings("unchecked")
      List<String> command = (List<String>) fields.getOrDefault("command", List.of());
      return new PidRecord((String) required(fields, "component"),
          Long.parseLong((String) required(fields, "pid")),
          Long.parseLong((String) required(fields, "pgid")),
          Instant.ofEpochMilli(Long.parseLong((String) required(fields, "startMillis"))),
          command);
    } catch (ClassCastException | NumberFormatException e) {
      throw new IllegalArgumentException("a field has the wrong type: " + e.getMessage());
    }
  }

  private static Object required(Map<String, Object> fields, String key) {
    Object value = fields.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing \"" + key + "\"");
    }
    return value;
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** Reads one object whose values are strings, integers (kept as text) or arrays of strings. */
  private static final class Reader {
    private final String s;
    private int i;

    Reader(String s) {
      this.s = s;
    }

    Map<String, Object> object() {
      Map<String, Object> fields = new HashMap<>();
      expect('{');
      if (peek() == '}') {
        i++;
        return fields;
      }
      do {
        String key = string();
        expect(':');
        fields.put(key, value());
      } while (next(',', '}') == ',');
      return fields;
    }

    private Object value() {
      char c = peek();
      if (c == '"') {
        return string();
      }
      if (c == '[') {
        i++;
        List<String> items = new ArrayList<>();
        if (peek() == ']') {
          i++;
          return items;
        }
        do {
          items.add(string());
        } while (next(',', ']') == ',');
        return items;
      }
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '-')) {
        i++;
      }
      if (start == i) {
        throw error("a value");
      }
      return s.substring(start, i);
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        if (i >= s.length()) {
          break;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("four hex digits");
            }
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e); // \" \\ \/
        }
      }
      throw error("the end of a string");
    }

    private char next(char a, char b) {
      char c = peek();
      if (c != a && c != b) {
        throw error("'" + a + "' or '" + b + "'");
      }
      i++;
      return c;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("'" + c + "'");
      }
      i++;
    }

    private char peek() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private IllegalArgumentException error(String expected) {
      return new IllegalArgumentException("expected " + expected + " at character " + i);
    }
  }
}

package io.regulator.journal.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the query commands print: readable lines, one JSON object per line, or a Markdown table. */
public enum OutputFormat {
  TEXT,
  JSON,
  MARKDOWN;

  /** Times in every format: UTC, millisecond precision, fixed width. */
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
      .registerModule(new Jdk8Module()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** {@code text}, {@code json}, {@code markdown} (or {@code md}), any case. */
  public static OutputFormat parse(String typed) {
    String t = typed.trim().toLowerCase(Locale.ROOT);
    if (t.equals("md")) {
      return MARKDOWN;
    }
    return Arrays.stream(values()).filter(f -> f.name().toLowerCase(Locale.ROOT).equals(t)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown format '" + typed + "': use text, json or markdown"));
  }

  static String time(Instant t) {
    return TIME.format(t);
  }

  static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** A Markdown table row; pipes and line breaks in cells would break the table. */
  static String row(List<String> cells) {
    return cells.stream().map(c -> c.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " "))
        .collect(Collectors.joining(" | ", "| ", " |"));
  }

  static String headerRows(List<String> headers) {
    return row(headers) + "\n" + headers.stream().map(h -> "---").collect(Collectors.joining(" | ", "| ", " |"));
  }

  /** 99.95%: two decimals, but never 100.00% for anything short of 100. */
  static String percent(double value) {
    String shown = String.format(Locale.ROOT, "%.2f", value);
    if (value < 100.0 && shown.equals("100.00")) {
      shown = "99.99";
    }
    return shown + "%";
  }
}

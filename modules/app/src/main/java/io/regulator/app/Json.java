package io.regulator.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only JSON tree for the control commands, built with Jackson's streaming parser only:
 * the object mapper takes longer to set up than a whole {@code bin/regulator status} may.
 * Missing fields and JSON {@code null} read as {@link #MISSING}, so lookups chain without checks.
 */
final class Json {

  static final Json MISSING = new Json(null);
  private static final JsonFactory FACTORY = new JsonFactory();

  private final Object value;

  private Json(Object value) {
    this.value = value;
  }

  static Json parse(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IOException("empty JSON");
      }
      return new Json(read(parser, first));
    }
  }

  /** The field of an object; {@link #MISSING} for anything else. */
  Json get(String field) {
    return value instanceof Map<?, ?> map && map.get(field) instanceof Json j ? j : MISSING;
  }

  boolean isMissing() {
    return value == null;
  }

  boolean isObject() {
    return value instanceof Map;
  }

  boolean isArray() {
    return value instanceof List;
  }

  boolean isText() {
    return value instanceof String;
  }

  /** Strings, numbers and booleans as text; null when missing, an object or an array. */
  String text() {
    return value instanceof String || value instanceof Number || value instanceof Boolean ? value.toString() : null;
  }

  String text(String fallback) {
    String t = text();
    return t == null ? fallback : t;
  }

  /** A number, or a string holding one; {@code fallback} otherwise. */
  long asLong(long fallback) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }

  boolean isNumber() {
    return value instanceof Number;
  }

  double asDouble(double fallback) {
    return value instanceof Number n ? n.doubleValue() : fallback;
  }

  boolean asBoolean() {
    return Boolean.TRUE.equals(value);
  }

  /** The elements of an array; empty for anything else. */
  @SuppressWarnings("unchecked")
  List<Json> items() {
    return value instanceof List<?> list ? (List<Json>) list : List.of();
  }

  /** The fields of an object in their order; empty for anything else. */
  @SuppressWarnings("unchecked")
  Map<String, Json> fields() {
    return value instanceof Map<?, ?> map ? (Map<String, Json>) map : Map.of();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    write(b, this);
    return b.toString();
  }

  /** An object of string fields, as compact JSON text; null values are left out. */
  static String object(Map<String, String> fields) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (e.getValue() != null) {
        if (b.length() > 1) {
          b.append(',');
        }
        quote(b, e.getKey()).append(':');
        quote(b, e.getValue());
      }
    }
    return b.append('}').toString();
  }

  private static StringBuilder quote(StringBuilder b, String s) {
    b.append('"');
    JsonStringEncoder.getInstance().quoteAsString(s, b);
    return b.append('"');
  }

  private static void write(StringBuilder b, Json j) {
    Object v = j.value;
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      quote(b, s);
    } else if (v instanceof List<?>) {
      b.append('[');
      List<Json> items = j.items();
      for (int i = 0; i < items.size(); i++) {
        b.append(i == 0 ? "" : ",");
        write(b, items.get(i));
      }
      b.append(']');
    } else if (v instanceof Map<?, ?>) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, Json> e : j.fields().entrySet()) {
        b.append(first ? "" : ",");
        first = false;
        quote(b, e.getKey()).append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else {
      b.append(v);
    }
  }

  private static Object read(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        Map<String, Json> map = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String name = p.currentName();
          map.put(name, new Json(read(p, p.nextToken())));
        }
        return Collections.unmodifiableMap(map);
      }
      case START_ARRAY: {
        List<Json> list = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          list.add(new Json(read(p, t)));
        }
        return Collections.unmodifiableList(list);
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getNumberValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected JSON token " + token);
    }
  }
}

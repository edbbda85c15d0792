package io.regulator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** JSON in and out of the API: one mapper, ISO times, empty optionals as null. */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .registerModule(new Jdk8Module())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  private static final Pattern PARSER_SETTING =
      Pattern.compile("\\s*[:;,]?\\s*(?:enable|from|using) `[^`]*`(?: to allow)?");

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  public static HttpResponse ok(Object value) {
    return response(StatusCodes.OK, value);
  }

  public static HttpResponse response(StatusCode status, Object value) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, write(value)));
  }

  /**
   * A request body as a JSON object; an empty body is an empty object.
   *
   * @throws ApiException 400 with where the JSON is broken
   */
  public static JsonNode object(String body) {
    if (body == null || body.isBlank()) {
      return MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not valid JSON: " + withoutParserInternals(e.getOriginalMessage())
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr()));
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object, not " + (node == null ? "nothing"
          : node.getNodeType().name().toLowerCase()));
    }
    return node;
  }

  /**
   * The parser's message without the names of its own settings ("enable `JsonReadFeature.X` to allow",
   * "from `StreamReadConstraints.getMaxNestingDepth()`"): a caller can do nothing with them.
   */
  static String withoutParserInternals(String message) {
    if (message == null) {
      return "";
    }
    return PARSER_SETTING.matcher(message).replaceAll("").trim();
  }

  /** A text field of a body, if present; a value of another type is a 400 naming the field. */
  public static java.util.Optional<String> text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return java.util.Optional.empty();
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest("'" + field + "' must be a string, not " + value.getNodeType().name().toLowerCase());
    }
    return java.util.Optional.of(value.asText());
  }
}

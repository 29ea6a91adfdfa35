package rpc.serviceconfig;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a service config (grpc's {@code doc/service_config.md}) from JSON text into the object
 * model {@code Channel.Builder.defaultServiceConfig} and {@code ManualResolver.setAddresses} take:
 * {@code Map<String, Object>} for objects, {@code List<Object>} for arrays, {@code String},
 * {@code Double}, {@code Boolean}, and null. Strict JSON (RFC 8259), parsed by Gson. Thread-safe
 * (stateless).
 *
 * <pre>{@code
 * Channel channel = Channel.newBuilder("dns:///orders.internal:50051")
 *     .defaultServiceConfig(ServiceConfigJson.parse(Files.readString(Path.of("service-config.json"))))
 *     .build();
 * }</pre>
 *
 * <p>This checks the JSON only; the channel checks the config itself when it is built, and names
 * the field that is wrong.
 */
public final class ServiceConfigJson {
  private static final TypeAdapter<JsonElement> TREE = new Gson().getAdapter(JsonElement.class);

  private ServiceConfigJson() {}

  /**
   * Parses a service config.
   *
   * @param json the JSON text: one object
   * @return the object as nested maps and lists
   * @throws IllegalArgumentException if the text is not strict JSON or not one object, naming where
   */
  public static Map<String, Object> parse(String json) {
    JsonElement tree;
    try (JsonReader reader = new JsonReader(new StringReader(json))) {
      reader.setStrictness(Strictness.STRICT);
      tree = TREE.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("service config JSON has more after its object, at " + where(reader));
      }
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException("service config is not valid JSON: " + plain(e.getMessage()), e);
    }
    if (tree == null || !tree.isJsonObject()) {
      throw new IllegalArgumentException("a service config is a JSON object, not " + (tree == null ? "nothing" : tree));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) toJava(tree);
    return map;
  }

  /**
   * Reads and parses a service config file (UTF-8).
   *
   * @param file the file
   * @return the object as nested maps and lists
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not UTF-8, or its text is not one JSON object, naming
   *     the file and where
   */
  public static Map<String, Object> read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException(file + ": a service config file is UTF-8 text, and this one is not", e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Gson's message without its advice to parse leniently and its troubleshooting link. */
  private static String plain(String message) {
    if (message == null) {
      return "malformed";
    }
    String m = message;
    int see = m.indexOf("\nSee ");
    if (see >= 0) {
      m = m.substring(0, see);
    }
    return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON ", "").strip();
  }

  private static String where(JsonReader reader) {
    return reader.getPath();
  }

  private static Object toJava(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (e instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> entry : o.entrySet()) {
        m.put(entry.getKey(), toJava(entry.getValue()));
      }
      return m;
    }
    if (e instanceof JsonArray a) {
      List<Object> l = new ArrayList<>(a.size());
      for (JsonElement item : a) {
        l.add(toJava(item));
      }
      return l;
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return p.getAsBoolean();
    }
    if (p.isNumber()) {
      return p.getAsDouble();
    }
    return p.getAsString();
  }
}

package dev.spirekms.status;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The status report the plugin keeps in {@code status_file}: what it runs with and how its
 * background work went. It holds no secret: credentials appear only as their source's name and
 * their expiry.
 *
 * @param writtenAt when the document was made
 * @param pluginVersion the plugin's version
 * @param trustDomain the trust domain
 * @param serverId the server id that scopes this server's aliases
 * @param credentials where the AWS credentials come from and when they expire
 * @param keys the keys the plugin holds
 * @param tasks each background task's last run, by task name
 * @param deletionQueueLength how many keys wait in the deletion queue
 * @param errors each component's last error, by component name
 */
public record StatusDocument(
    Instant writtenAt,
    String pluginVersion,
    String trustDomain,
    String serverId,
    Credentials credentials,
    List<Key> keys,
    Map<String, TaskRun> tasks,
    int deletionQueueLength,
    Map<String, LastError> errors) {

  /** The version of the document's layout; readers check it before trusting the fields. */
  public static final int SCHEMA_VERSION = 1;

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  public StatusDocument {
    Objects.requireNonNull(writtenAt, "writtenAt");
    Objects.requireNonNull(pluginVersion, "pluginVersion");
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(serverId, "serverId");
    Objects.requireNonNull(credentials, "credentials");
    keys = List.copyOf(keys);
    tasks = Map.copyOf(new LinkedHashMap<>(tasks));
    errors = Map.copyOf(new LinkedHashMap<>(errors));
  }

  /**
   * Where the credentials come from.
   *
   * @param source the source's name, e.g. {@code env_vars} or {@code assume_role (2 hops)}
   * @param expiresAt when the credentials KMS calls are signed with expire; empty when unknown or
   *     never
   */
  public record Credentials(String source, Optional<Instant> expiresAt) {
    public Credentials {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /** One key the plugin holds. */
  public record Key(String spireKeyId, String keySpec, String keyArn, String fingerprint) {}

  /**
   * One background task's last run.
   *
   * @param result {@code ok}, {@code failed} or {@code error}
   */
  public record TaskRun(
      Instant lastRun, String result, Map<String, Integer> counts, Optional<Instant> nextRun) {
    public TaskRun {
      Objects.requireNonNull(lastRun, "lastRun");
      Objects.requireNonNull(result, "result");
      counts = Map.copyOf(counts);
      Objects.requireNonNull(nextRun, "nextRun");
    }
  }

  /** A component's last error. */
  public record LastError(String message, Instant at) {}

  /** The document as JSON, keys in a fixed order. */
  public String toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("schema_version", SCHEMA_VERSION);
    o.addProperty("written_at", writtenAt.toString());
    o.addProperty("plugin_version", pluginVersion);
    o.addProperty("trust_domain", trustDomain);
    o.addProperty("server_id", serverId);
    JsonObject creds = new JsonObject();
    creds.addProperty("source", credentials.source());
    creds.addProperty("expires_at", credentials.expiresAt().map(Instant::toString).orElse(null));
    o.add("credentials", creds);
    JsonArray keyArray = new JsonArray();
    keys.stream()
        .sorted((a, b) -> a.spireKeyId().compareTo(b.spireKeyId()))
        .forEach(
            k -> {
              JsonObject key = new JsonObject();
              key.addProperty("spire_key_id", k.spireKeyId());
              key.addProperty("key_spec", k.keySpec());
              key.addProperty("key_arn", k.keyArn());
              key.addProperty("fingerprint", k.fingerprint());
              keyArray.add(key);
            });
    o.add("keys", keyArray);
    JsonObject taskObject = new JsonObject();
    tasks.keySet().stream()
        .sorted()
        .forEach(
            name -> {
              TaskRun run = tasks.get(name);
              JsonObject t = new JsonObject();
              t.addProperty("last_run", run.lastRun().toString());
              t.addProperty("result", run.result());
              JsonObject counts = new JsonObject();
              run.counts().keySet().stream()
                  .sorted()
                  .forEach(c -> counts.addProperty(c, run.counts().get(c)));
              t.add("counts", counts);
              t.addProperty("next_run", run.nextRun().map(Instant::toString).orElse(null));
              taskObject.add(name, t);
            });
    o.add("tasks", taskObject);
    JsonObject queue = new JsonObject();
    queue.addProperty("length", deletionQueueLength);
    o.add("deletion_queue", queue);
    JsonObject errorObject = new JsonObject();
    errors.keySet().stream()
        .sorted()
        .forEach(
            name -> {
              JsonObject e = new JsonObject();
              e.addProperty("message", errors.get(name).message());
              e.addProperty("at", errors.get(name).at().toString());
              errorObject.add(name, e);
            });
    o.add("errors", errorObject);
    return GSON.toJson(o) + "\n";
  }

  /**
   * Reads a document {@link #toJson()} wrote.
   *
   * @throws IllegalArgumentException when the text is not such a document, or of another schema
   *     version
   */
  public static StatusDocument parse(String json) {
    try {
      JsonObject o = JsonParser.parseString(json).getAsJsonObject();
      int version = o.get("schema_version").getAsInt();
      if (version != SCHEMA_VERSION) {
        throw new IllegalArgumentException(
            String.format(StatusMessages.OTHER_SCHEMA_VERSION, version, SCHEMA_VERSION));
      }
      JsonObject creds = o.getAsJsonObject("credentials");
      List<Key> keys = new ArrayList<>();
      for (JsonElement e : o.getAsJsonArray("keys")) {
        JsonObject k = e.getAsJsonObject();
        keys.add(
            new Key(
                text(k, "spire_key_id"),
                text(k, "key_spec"),
                text(k, "key_arn"),
                text(k, "fingerprint")));
      }
      Map<String, TaskRun> tasks = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("tasks").entrySet()) {
        JsonObject t = e.getValue().getAsJsonObject();
        Map<String, Integer> counts = new LinkedHashMap<>();
        t.getAsJsonObject("counts")
            .entrySet()
            .forEach(c -> counts.put(c.getKey(), c.getValue().getAsInt()));
        tasks.put(
            e.getKey(),
            new TaskRun(
                Instant.parse(text(t, "last_run")),
                text(t, "result"),
                counts,
                instant(t, "next_run")));
      }
      Map<String, LastError> errors = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("errors").entrySet()) {
        JsonObject x = e.getValue().getAsJsonObject();
        errors.put(e.getKey(), new LastError(text(x, "message"), Instant.parse(text(x, "at"))));
      }
      return new StatusDocument(
          Instant.parse(text(o, "written_at")),
          text(o, "plugin_version"),
          text(o, "trust_domain"),
          text(o, "server_id"),
          new Credentials(text(creds, "source"), instant(creds, "expires_at")),
          keys,
          tasks,
          o.getAsJsonObject("deletion_queue").get("length").getAsInt(),
          errors);
    } catch (JsonParseException
        | IllegalStateException
        | NullPointerException
        | UnsupportedOperationException
        | DateTimeParseException e) {
      throw new IllegalArgumentException(
          String.format(StatusMessages.NOT_A_STATUS_DOCUMENT, e.getMessage()), e);
    }
  }

  private static String text(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      throw new IllegalStateException(name + " is missing");
    }
    return e.getAsString();
  }

  private static Optional<Instant> instant(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull()
        ? Optional.empty()
        : Optional.of(Instant.parse(e.getAsString()));
  }
}

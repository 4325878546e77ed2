package dev.spirekms.doctor;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * The report for machines: {@code {"schema_version":1, "trust_domain", "outcome", "counts":{ok,
 * warn, fail}, "findings":[{"check", "outcome", "message", "fix"}]}}; {@code fix} is null on OK.
 */
public final class JsonRenderer {
  public static final int SCHEMA_VERSION = 1;

  private JsonRenderer() {}

  public static String render(Report report) {
    JsonObject o = new JsonObject();
    o.addProperty("schema_version", SCHEMA_VERSION);
    o.addProperty("trust_domain", report.trustDomain());
    o.addProperty("outcome", report.outcome().name());
    JsonObject counts = new JsonObject();
    counts.addProperty("ok", report.count(Outcome.OK));
    counts.addProperty("warn", report.count(Outcome.WARN));
    counts.addProperty("fail", report.count(Outcome.FAIL));
    o.add("counts", counts);
    JsonArray findings = new JsonArray();
    for (Finding f : report.findings()) {
      JsonObject j = new JsonObject();
      j.addProperty("check", f.check());
      j.addProperty("outcome", f.outcome().name());
      j.addProperty("message", f.message());
      j.addProperty("fix", f.fix().orElse(null));
      findings.add(j);
    }
    o.add("findings", findings);
    return new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(o) + "\n";
  }
}

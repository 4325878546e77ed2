package dev.spirekms.config;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Throwaway: which SPIRE text forms hcl4j decodes. */
class Hcl4jEvaluationTest {

  @Test
  void forms() {
    Map<String, String> forms = new LinkedHashMap<>();
    forms.put("esc quote", "a = \"x\\\"y\"");
    forms.put("esc backslash", "a = \"x\\\\y\"");
    forms.put("esc n", "a = \"x\\ny\"");
    forms.put("esc t", "a = \"x\\ty\"");
    forms.put("esc u", "a = \"x\\u00e9y\"");
    forms.put("quoted map =", "\"key_tags\" = {\n  \"team\" = \"platform\"\n}");
    forms.put("json nested list", "{\"a\": [1, 2], \"b\": {\"c\": true}}");
    forms.put("int big", "a = 9007199254740993");
    forms.put("float exp", "a = 1.5e3");
    forms.put("error: garbage", "region = \"a\" }");
    forms.put("error: json bad", "{\"region\": ");
    for (Map.Entry<String, String> e : forms.entrySet()) {
      String out;
      try {
        Object r = new HCLParser().parse(e.getValue());
        out = "OK " + r + (r == null ? "" : " types=" + types(r));
      } catch (Throwable t) {
        out = "FAIL " + t.getClass().getSimpleName() + ": " + t.getMessage();
      }
      System.out.println("HCL4J [" + e.getKey() + "] " + out.replace("\n", "\\n"));
    }
  }

  private static String types(Object o) {
    if (o instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      m.forEach((k, v) -> sb.append(k).append(':').append(types(v)).append(' '));
      return sb.append('}').toString();
    }
    if (o instanceof java.util.List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      l.forEach(v -> sb.append(types(v)).append(' '));
      return sb.append(']').toString();
    }
    return o == null ? "null" : o.getClass().getSimpleName();
  }
}

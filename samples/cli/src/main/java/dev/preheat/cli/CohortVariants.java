package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.warm.WarmVariant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --cohort-cookie NAME=VALUE}: every variant is warmed once per cohort cookie value, with
 * {@code Cookie: NAME=VALUE} as its only cookie. The variant is named after the cohort id of a
 * signed {@code v1} value ({@code br.beta}), else after its position ({@code br.cohort2}); the
 * value itself never appears in names, reports or logs.
 */
final class CohortVariants {

  private CohortVariants() {}

  static List<WarmVariant> multiply(List<WarmVariant> variants, List<String> specs,
      List<String> namesOut) {
    if (specs.isEmpty()) {
      return variants;
    }
    List<WarmVariant> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      String spec = specs.get(i);
      int eq = spec.indexOf('=');
      String name = eq <= 0 ? "" : spec.substring(0, eq).trim();
      String value = eq <= 0 ? "" : spec.substring(eq + 1).trim();
      if (name.isEmpty() || value.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f
          && c != ';' && c != '=') || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f
          && c != ';' && c != ',')) {
        throw new UsageError("--cohort-cookie #" + (i + 1) + " must be NAME=VALUE (a cookie name"
            + " and a printable value without spaces, ';' or ',')");
      }
      if (!namesOut.contains(name)) {
        namesOut.add(name);
      }
      String label = label(value, i);
      for (WarmVariant v : variants) {
        Map<String, String> headers = new LinkedHashMap<>(v.headers());
        headers.put("Cookie", name + "=" + value);
        out.add(new WarmVariant(v.name() + "." + label, headers));
      }
    }
    if (out.stream().map(WarmVariant::name).distinct().count() != out.size()) {
      throw new UsageError("--cohort-cookie values name the same cohort twice");
    }
    return out;
  }

  private static String label(String value, int index) {
    String[] pieces = value.split("\\.", -1);
    if (pieces.length == 6 && pieces[0].equals("v1")) {
      try {
        String cohort = new String(Base64.getUrlDecoder().decode(pieces[1]),
            StandardCharsets.UTF_8);
        if (cohort.matches("[A-Za-z0-9_-]{1,32}")) {
          return cohort;
        }
      } catch (IllegalArgumentException notBase64) {
        // falls back to the position
      }
    }
    return "cohort" + (index + 1);
  }
}

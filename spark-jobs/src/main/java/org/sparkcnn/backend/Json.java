package org.sparkcnn.backend;

import java.util.List;
import java.util.stream.Collectors;

/** The few JSON values {@code environment.json} is written with. */
final class Json {
  private Json() {}

  /** A JSON string, or {@code null} for null. */
  static String string(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A JSON array of strings. */
  static String strings(List<String> values) {
    return values.stream().map(Json::string).collect(Collectors.joining(", ", "[", "]"));
  }
}

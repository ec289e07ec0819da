import Foundation

/// Text and numbers as they go into the report's HTML and SVG.
enum Markup {
  /// `text` with `&`, `<`, `>`, `"` and `'` escaped, safe in element content and quoted attributes.
  static func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#39;"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  /// A coordinate: one decimal is a tenth of a pixel, finer than any screen draws.
  static func coordinate(_ value: Double) -> String { trimmed(String(format: "%.1f", value)) }

  /// A value for a data attribute: up to 6 decimals, trailing zeros dropped (`12.5`, `3`).
  static func value(_ value: Double) -> String { trimmed(String(format: "%.6f", value)) }

  /// `12.500` as `12.5`, `3.000` as `3`, `-0` as `0`.
  private static func trimmed(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var text = text
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
  }
}

/// Text from input (a file's line, a CSV field, a host name) made safe to print on a terminal.
///
/// A value read from a file may hold an escape sequence (`ESC [ 2 J` clears the screen, `ESC ]`
/// sets the window title), a carriage return that overwrites the start of the line, a NUL or
/// bidirectional overrides that make the printed text read differently from the bytes. Every
/// message that echoes such a value passes it through ``escaped(_:)`` first.
public enum SafeText {
  /// `text` with each C0 control character (U+0000 to U+001F), DEL, each C1 control character
  /// (U+0080 to U+009F), U+FFFD and each bidirectional control (U+200E, U+200F, U+202A to U+202E,
  /// U+2066 to U+2069) written as `\u{1B}`; every other character is kept.
  ///
  /// ```swift
  /// SafeText.escaped("rock\u{1B}[2J01")  // "rock\\u{1B}[2J01"
  /// ```
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var result = ""
    result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) {
        result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// Whether `scalar` must not reach a terminal raw.
  static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0xFFFD, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }
}

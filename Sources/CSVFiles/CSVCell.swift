import Files

/// Spreadsheet formula injection (OWASP "CSV injection"): a cell starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets. Cells
/// that come from input (host names, job names, messages, paths) could start so; ``CSVFile``
/// writes such a cell with a `'` in front, which those tools read as "text follows" and do not
/// show, and every reader of the suite (``CSVRecord``, ``CSVRecordReader``, ``CSVTable``) removes
/// it again, so the suite's files read back exactly as written.
///
/// Numbers (`-1.5`, `+3`, `-2e-05`) are left alone: they are what spreadsheets should compute
/// with. A cell already starting with `'` before such a character gets one more `'`, so that
/// reading back removes exactly the one added.
enum CSVCell {
  /// `field` as written to a file: `'` + `field` when a spreadsheet would take it for a formula.
  static func neutralised(_ field: String) -> String {
    needsPrefix(field.utf8) ? "'" + field : field
  }

  /// The field a reader returns for the bytes of a cell: without the `'` ``neutralised(_:)``
  /// added.
  static func restored(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
    if bytes.first == apostrophe, needsPrefix(bytes.dropFirst()) { return bytes.dropFirst() }
    return bytes[...]
  }

  private static let apostrophe = UInt8(ascii: "'")
  private static let triggers: Set<UInt8> = [
    UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "\t"),
    UInt8(ascii: "\r"),
  ]

  /// Whether the cell, after any `'`s it starts with, starts with a formula character and is not
  /// a number.
  static func needsPrefix<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
    let rest = bytes.drop { $0 == apostrophe }
    guard let first = rest.first, triggers.contains(first) else { return false }
    return !isDecimalNumber(rest)
  }

  /// `[+-]digits[.digits][e[+-]digits]` or `[+-].digits…`: a number as the suite writes them.
  static func isDecimalNumber<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
    var index = bytes.startIndex
    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    func skipDigits() -> Int {
      var count = 0
      while index != bytes.endIndex, isDigit(bytes[index]) {
        count += 1
        index = bytes.index(after: index)
      }
      return count
    }
    func skip(_ characters: String) -> Bool {
      guard index != bytes.endIndex, characters.utf8.contains(bytes[index]) else { return false }
      index = bytes.index(after: index)
      return true
    }
    _ = skip("+-")
    var digits = skipDigits()
    if skip(".") { digits += skipDigits() }
    guard digits > 0 else { return false }
    if skip("eE") {
      _ = skip("+-")
      guard skipDigits() > 0 else { return false }
    }
    return index == bytes.endIndex
  }
}

/// Reads the values of one HPL.dat, line by line, and turns every problem into an
/// ``HPLInputError`` that names the HPL.dat line.
///
/// Stricter than xhpl on purpose: lines are whole lines (xhpl splits lines longer than 253
/// characters), values may be separated by any whitespace (xhpl's scan misreads runs of spaces),
/// and a missing line, a word where a number belongs or a list shorter than its count is an error
/// rather than a silent 0.
///
/// netlib: the reading half of `HPL_pdinfo`
struct HPLDatReader {
  /// The largest count a count line may hold. netlib: `HPL_MAX_PARAM`
  static let maximumCount = 20

  /// The largest integer any line may hold: xhpl reads every value into a C `int`, and MPI
  /// numbers ranks with one, so larger values could not run anywhere (and would overflow the
  /// size arithmetic).
  static let maximumValue = Int(Int32.max)

  let fileName: String
  let lines: [Substring]

  init(contents: String, fileName: String) {
    self.fileName = fileName
    let isNewline: (Character) -> Bool = { $0 == "\n" || $0 == "\r\n" }
    var lines = contents.split(omittingEmptySubsequences: false, whereSeparator: isNewline)
    // The piece after a final newline is not a line; an empty file has no lines at all.
    if let last = contents.last, isNewline(last) { lines.removeLast() }
    if contents.isEmpty { lines = [] }
    self.lines = lines.map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
  }

  // MARK: - Errors

  /// An error on `line`, with a hint when the line's comment shows the file is shifted.
  func error(_ line: HPLDatLine, _ message: String) -> HPLInputError {
    var message = message
    if line.rawValue <= lines.count,
      let other = line.otherLineWhoseComment(matches: lines[line.rawValue - 1])
    {
      let question =
        other.rawValue > line.rawValue
        ? "is a line missing above it?" : "is there an extra line above it?"
      message +=
        " (this line's comment reads like line \(other.rawValue), \(other.key): \(question))"
    }
    return HPLInputError(fileName: fileName, line: line.rawValue, key: line.key, message: message)
  }

  // MARK: - Raw text

  /// The text of `line`; throws when the file ends before it.
  func text(_ line: HPLDatLine) throws(HPLInputError) -> Substring {
    guard line.rawValue <= lines.count else {
      let end =
        lines.isEmpty ? "the file is empty" : "the file ends after line \(lines.count)"
      throw error(line, "missing: \(end), and an HPL.dat has \(HPLDatLine.count) lines")
    }
    return lines[line.rawValue - 1]
  }

  /// The whitespace-separated words of `line`.
  func tokens(_ line: HPLDatLine) throws(HPLInputError) -> [Substring] {
    try text(line).split(whereSeparator: \.isWhitespace)
  }

  /// Lines 32 and later, verbatim.
  var tail: [String] {
    lines.count > HPLDatLine.count ? lines[HPLDatLine.count...].map(String.init) : []
  }

  // MARK: - Scalars

  /// The first word of `line` as an integer.
  func integer(_ line: HPLDatLine, minimum: Int? = nil) throws(HPLInputError) -> Int {
    guard let token = try tokens(line).first else {
      throw error(line, "expected an integer, found an empty line")
    }
    let value = try integer(token, on: line)
    if let minimum, value < minimum {
      throw error(line, "value \(value) is less than \(minimum)")
    }
    return value
  }

  /// The first word of `line` as a finite decimal number.
  func number(_ line: HPLDatLine) throws(HPLInputError) -> Double {
    guard let token = try tokens(line).first else {
      throw error(line, "expected a number, found an empty line")
    }
    // Only decimal notation: Double(_:) would also take "nan", "inf" and hexadecimal.
    let decimal = token.allSatisfy { $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }
    guard decimal, let value = Double(token), value.isFinite else {
      throw error(line, "expected a number, found '\(token)'")
    }
    return value
  }

  /// The first word of `line` as one of `E`'s netlib codes.
  func code<E: RawRepresentable<Int> & CaseIterable>(
    _ line: HPLDatLine, as type: E.Type, names: (E) -> String
  ) throws(HPLInputError) -> E {
    try code(integer(line), on: line, names: names)
  }

  /// `value` as one of `E`'s codes, or an error that lists the valid codes.
  func code<E: RawRepresentable<Int> & CaseIterable>(
    _ value: Int, on line: HPLDatLine, position: String = "", names: (E) -> String
  ) throws(HPLInputError) -> E {
    if let code = E(rawValue: value) { return code }
    let valid = E.allCases.map { "\($0.rawValue) (\(names($0)))" }.joined(separator: ", ")
    throw error(line, "unknown code \(value)\(position); valid codes are \(valid)")
  }

  // MARK: - Counts and lists

  /// The count on `line`: an integer in 1...20.
  func count(_ line: HPLDatLine) throws(HPLInputError) -> Int {
    let value = try integer(line)
    guard (1...Self.maximumCount).contains(value) else {
      throw error(line, "count \(value) is not between 1 and \(Self.maximumCount)")
    }
    return value
  }

  /// The first `count` words of `line` as integers, each at least `minimum`. Words after them are
  /// comment, unless they are integers too: a list longer than its count is an error (xhpl would
  /// silently read only the first `count`).
  func integers(
    _ line: HPLDatLine, count: Int, countLine: HPLDatLine, minimum: Int? = nil
  ) throws(HPLInputError) -> [Int] {
    let tokens = try tokens(line)
    var values: [Int] = []
    for (index, token) in tokens.prefix(count).enumerated() {
      guard isInteger(token) else {
        // A word followed by more numbers sits where a value belongs; a word at the end is the
        // comment of a list that is too short.
        let numbersFollow = tokens[(index + 1)...].contains { Double($0) != nil }
        if looksNumeric(token) || numbersFollow {
          throw error(line, "expected an integer, found '\(token)'")
        }
        break
      }
      let value = try integer(token, on: line, position: position(index, of: count))
      if let minimum, value < minimum {
        throw error(line, "value \(value) is less than \(minimum)\(position(index, of: count))")
      }
      values.append(value)
    }
    let extra = values.count == count ? tokens.dropFirst(count).prefix(while: isInteger).count : 0
    guard values.count == count, extra == 0 else {
      let found = values.count + extra
      let hint = extra > 0 ? " (xhpl would read only the first \(count); fix the count or the list)" : ""
      throw error(
        line,
        "the count on line \(countLine.rawValue) says \(count) value\(count == 1 ? "" : "s"), "
          + "found \(found)\(hint)")
    }
    return values
  }

  /// The first `count` words of `line` as codes of `E`.
  func codes<E: RawRepresentable<Int> & CaseIterable>(
    _ line: HPLDatLine, count: Int, countLine: HPLDatLine, names: (E) -> String
  ) throws(HPLInputError) -> [E] {
    let values = try integers(line, count: count, countLine: countLine)
    var codes: [E] = []
    for (index, value) in values.enumerated() {
      codes.append(try code(value, on: line, position: position(index, of: count), names: names))
    }
    return codes
  }

  // MARK: - Helpers

  /// `token` as an integer within ±``maximumValue``; a longer run of digits is too large, not
  /// a word.
  private func integer(_ token: Substring, on line: HPLDatLine, position: String = "")
    throws(HPLInputError) -> Int
  {
    guard isInteger(token) else {
      throw error(line, "expected an integer, found '\(token)'")
    }
    guard let value = Int(token), value <= Self.maximumValue, value >= -Self.maximumValue else {
      let limit = token.hasPrefix("-") ? "less than -" : "larger than "
      throw error(
        line,
        "value \(token) is \(limit)\(Self.maximumValue)\(position), the limit of xhpl's C int "
          + "(and of MPI ranks)")
    }
    return value
  }

  /// Whether `token` is a decimal integer: an optional sign and digits only, of any length.
  private func isInteger(_ token: Substring) -> Bool {
    let digits = token.first == "-" || token.first == "+" ? token.dropFirst() : token
    return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
  }

  /// " (item 2 of 3)" for lists of more than one value, "" otherwise.
  private func position(_ index: Int, of count: Int) -> String {
    count > 1 ? " (item \(index + 1) of \(count))" : ""
  }

  /// Whether `token` is a number of the wrong kind (`2.5`, `1e3`, `-`), not a word.
  private func looksNumeric(_ token: Substring) -> Bool {
    guard let first = token.first else { return false }
    return first.isNumber || first == "-" || first == "+" || first == "."
  }
}

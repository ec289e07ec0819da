/// One record of an RFC 4180 CSV text, with the line it starts on.
///
/// Quoted fields may hold commas, doubled quotes and line breaks. Both `\n` and `\r\n` end a
/// record. ``CSVTable`` builds on it to read whole files; use this directly only to split text.
public struct CSVRecord: Sendable, Equatable {
  /// The unquoted fields.
  public var fields: [String]
  /// The 1-based line the record starts on.
  public var line: Int
  /// Whether a line end closed the record (false for a last record cut short).
  public var terminated: Bool
  /// What is malformed about the record, if anything (an unclosed quote, text around a quoted
  /// field).
  public var problem: String?

  public init(fields: [String], line: Int, terminated: Bool, problem: String? = nil) {
    (self.fields, self.line, self.terminated, self.problem) = (fields, line, terminated, problem)
  }

  /// Splits `text` into records. Never fails: malformed records carry a ``problem``.
  public static func parse(_ text: String) -> [CSVRecord] {
    var records: [CSVRecord] = []
    var fields: [String] = []
    var field = ""
    var line = 1
    var start = 1
    var inQuotes = false
    var afterQuote = false  // just closed a quoted field
    var problem: String?
    var characters = text.makeIterator()
    var pending: Character? = nil

    func finish(terminated: Bool) {
      fields.append(field)
      records.append(
        CSVRecord(fields: fields, line: start, terminated: terminated, problem: problem))
      fields = []
      field = ""
      problem = nil
      afterQuote = false
    }

    while let character = pending ?? characters.next() {
      pending = nil
      if inQuotes {
        if character == "\"" {
          let next = characters.next()
          if next == "\"" {
            field.append("\"")
          } else {
            inQuotes = false
            afterQuote = true
            pending = next
          }
        } else {
          if character.isNewline { line += 1 }
          field.append(character)
        }
        continue
      }
      switch character {
      case ",":
        fields.append(field)
        field = ""
        afterQuote = false
      case "\n", "\r\n":
        finish(terminated: true)
        line += 1
        start = line
      case "\"" where field.isEmpty && !afterQuote:
        inQuotes = true
      default:
        if afterQuote || character == "\"" {
          problem = problem ?? "stray text around a quoted field"
        }
        field.append(character)
      }
    }
    if inQuotes {
      problem = "a quoted field is not closed (cut short?)"
      finish(terminated: false)
    } else if !field.isEmpty || !fields.isEmpty || afterQuote {
      finish(terminated: false)
    }
    return records
  }
}

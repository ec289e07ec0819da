import Files

/// The RFC 4180 state machine behind ``CSVRecord/parse(_:)`` and ``CSVRecordReader``: bytes go
/// in, in pieces of any size, and records come out, so whole texts and files read in chunks
/// follow exactly the same rules.
///
/// Quoted fields may hold commas, doubled quotes and line breaks; `\n` and `\r\n` end a record
/// (a lone `\r` outside quotes is text); a quote inside an unquoted field or text after a closing
/// quote is kept and marks the record's ``CSVRecord/problem``. Line numbers count `\n`, `\r\n`
/// and a lone `\r` inside quoted fields, so a record's line is where an editor shows it. A field
/// starting with the `'` that ``CSVCell`` adds before a formula character is given back without
/// it; a record longer than ``maximumRecordBytes`` is cut there and marked as a problem.
struct CSVRecordParser {
  private static let quote = UInt8(ascii: "\"")
  private static let comma = UInt8(ascii: ",")
  private static let lineFeed = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")

  private var fields: [String] = []
  private var field: [UInt8] = []
  private var line = 1
  private var start = 1
  private var inQuotes = false
  /// Just closed a quoted field: more text in the same field is a problem.
  private var afterQuote = false
  /// Saw `"` inside quotes: the next byte tells a doubled quote from the closing one.
  private var quoteInQuotes = false
  /// Saw `\r` outside quotes: the next byte tells a `\r\n` line end from a stray `\r`.
  private var pendingCarriageReturn = false
  /// The last byte inside quotes was `\r`, already counted as a line: a `\n` after it is not.
  private var carriageReturnInQuotes = false
  private var problem: String?
  /// Bytes of the record so far: past ``maximumRecordBytes`` the rest is dropped (a file with
  /// no line end must not grow one field without bound).
  private var recordBytes = 0

  /// The longest record kept whole; a longer one is a problem ("longer than 1 MiB").
  static let maximumRecordBytes = 1 << 20

  init() { field.reserveCapacity(64) }

  /// Parses `bytes`, appending each record they complete to `records`.
  mutating func feed(_ bytes: UnsafeRawBufferPointer, into records: inout [CSVRecord]) {
    for byte in bytes { consume(byte, into: &records) }
  }

  /// Ends the input: appends the last record when it lacks its line end (unterminated, and with
  /// a problem when a quoted field is still open).
  mutating func finish(into records: inout [CSVRecord]) {
    if quoteInQuotes {
      quoteInQuotes = false
      inQuotes = false
      afterQuote = true
    }
    if pendingCarriageReturn {
      pendingCarriageReturn = false
      appendText(Self.carriageReturn)
    }
    if inQuotes {
      problem = "a quoted field is not closed (cut short?)"
      finishRecord(terminated: false, into: &records)
    } else if !field.isEmpty || !fields.isEmpty || afterQuote {
      finishRecord(terminated: false, into: &records)
    }
  }

  @inline(__always)
  private mutating func consume(_ byte: UInt8, into records: inout [CSVRecord]) {
    if quoteInQuotes {
      quoteInQuotes = false
      if byte == Self.quote {
        store(byte)
        return
      }
      inQuotes = false
      afterQuote = true  // and `byte` is read outside the quotes, below
    } else if inQuotes {
      if byte == Self.quote {
        quoteInQuotes = true
        carriageReturnInQuotes = false
        return
      }
      if byte == Self.carriageReturn || (byte == Self.lineFeed && !carriageReturnInQuotes) { line += 1 }
      carriageReturnInQuotes = byte == Self.carriageReturn
      store(byte)
      return
    }
    if pendingCarriageReturn {
      pendingCarriageReturn = false
      if byte == Self.lineFeed {
        endLine(into: &records)
        return
      }
      appendText(Self.carriageReturn)
    }
    switch byte {
    case Self.comma:
      guard countByte() else { return }
      fields.append(String(decoding: CSVCell.restored(field), as: UTF8.self))
      field.removeAll(keepingCapacity: true)
      afterQuote = false
    case Self.lineFeed:
      endLine(into: &records)
    case Self.carriageReturn:
      pendingCarriageReturn = true
    case Self.quote where field.isEmpty && !afterQuote:
      inQuotes = true
      carriageReturnInQuotes = false
    default:
      appendText(byte)
    }
  }

  /// A byte of an unquoted field; a quote in it, or text after a closing quote, is a problem.
  @inline(__always)
  private mutating func appendText(_ byte: UInt8) {
    if afterQuote || byte == Self.quote {
      problem = problem ?? "stray text around a quoted field"
    }
    store(byte)
  }

  /// Appends a byte of a field, unless the record is already too long.
  @inline(__always)
  private mutating func store(_ byte: UInt8) {
    if countByte() { field.append(byte) }
  }

  /// Counts one byte of the record; `false` (and a problem) once it is too long.
  @inline(__always)
  private mutating func countByte() -> Bool {
    recordBytes += 1
    guard recordBytes > Self.maximumRecordBytes else { return true }
    problem = "the row is longer than \(Self.maximumRecordBytes) bytes"
    return false
  }

  private mutating func endLine(into records: inout [CSVRecord]) {
    finishRecord(terminated: true, into: &records)
    line += 1
    start = line
  }

  private mutating func finishRecord(terminated: Bool, into records: inout [CSVRecord]) {
    fields.append(String(decoding: CSVCell.restored(field), as: UTF8.self))
    records.append(CSVRecord(fields: fields, line: start, terminated: terminated, problem: problem))
    fields = []
    fields.reserveCapacity(records.last?.fields.count ?? 0)
    field.removeAll(keepingCapacity: true)
    problem = nil
    afterQuote = false
    recordBytes = 0
  }
}

import Files

/// A time-series classification file of the UCR and UEA archives (`.ts`, the format sktime and aeon read), read
/// whole and checked: its header's tags, then one case per line.
///
/// ```
/// # comments start with # or %
/// @problemName GunPoint
/// @timeStamps false
/// @missing false
/// @univariate true
/// @equalLength true
/// @seriesLength 150
/// @classLabel true 1 2
/// @data
/// -0.64,-0.64,-0.63,…,-0.64:2
/// ```
///
/// A case holds each dimension's values (commas between them, colons between dimensions; `?` a missing value;
/// with `@timeStamps true`, `(time,value)` pairs whose times are dropped) and, last, its class label, one of
/// `@classLabel`'s names. Tags are matched without regard to case. Every dimension of a case has the same length;
/// with `@equalLength true` every case has `@seriesLength` values per dimension. A file that regresses
/// (`@targetLabel`) or has no class labels is refused: cnnswift classifies. Errors name the file and line.
public struct TimeSeriesFile: Sendable, Equatable {
  /// `@problemName`, if the file names its problem.
  public var problemName: String?
  /// `@classLabel`'s names, in the file's order: a label's index is its class.
  public var classNames: [String]
  /// The series' dimensions (1 for the UCR's univariate files).
  public var dimensions: Int
  /// Each case's values, dimension after dimension (`dimensions × lengths[i]` of them), NaN where the file has `?`.
  public var series: [[Float]]
  /// Each case's length (values per dimension).
  public var lengths: [Int]
  /// Each case's class (an index into ``classNames``).
  public var labels: [Int]

  /// The largest `.ts` file read (1 GiB; the archives' largest, InsectSound's training file, is 270 MB).
  public static let byteLimit = 1 << 30
  /// The most dimensions a series may have (the UEA archive's widest, DuckDuckGeese, has 1,345).
  public static let dimensionLimit = 1 << 14

  /// Whether any value is missing.
  public var hasMissingValues: Bool { series.contains { $0.contains(where: \.isNaN) } }

  /// Reads and checks the file at `path`.
  public init(path: String) throws(DataError) {
    let text: String
    do { text = try BoundedFile.text(path, limit: Self.byteLimit) } catch { throw DataError(path, "\(error)") }
    try self.init(text: text, path: path)
  }

  /// Parses `text`, the contents of the file `path` (named in errors).
  public init(text: String, path: String) throws(DataError) {
    var header = TimeSeriesHeader()
    var parsed = TimeSeriesCases()
    var inData = false
    // "\r\n" is one Character: Windows line ends are line ends too.
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    for (index, rawLine) in lines.enumerated() {
      let line = rawLine.trimmingWhitespace()
      let place = "\(path):\(index + 1)"
      if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("%") { continue }
      if inData {
        try parsed.append(line, header: header, place: place)
      } else if line.first == "@" {
        inData = try header.read(tag: line, place: place)
      } else {
        throw DataError(
          place, "expected a tag such as @problemName or @data before the cases, got '\(line.prefix(40))'")
      }
    }
    guard inData else { throw DataError(path, "no @data line: the header never ends") }
    guard !parsed.labels.isEmpty else { throw DataError(path, "no cases after @data") }
    problemName = header.problemName
    classNames = header.classNames
    dimensions = parsed.dimensions ?? 1
    (series, lengths, labels) = (parsed.series, parsed.lengths, parsed.labels)
  }
}

/// The tags of a `.ts` header read so far.
struct TimeSeriesHeader {
  var problemName: String?
  var timeStamps = false
  var univariate: Bool?
  var dimensions: Int?
  var equalLength: Bool?
  var seriesLength: Int?
  var classNames: [String] = []

  /// Reads one tag line; true at `@data`, the end of the header.
  mutating func read(tag line: Substring, place: String) throws(DataError) -> Bool {
    let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    let tag = words[0].lowercased()
    let values = Array(words.dropFirst())
    func flag() throws(DataError) -> Bool {
      switch values.first?.lowercased() {
      case "true": return true
      case "false": return false
      default: throw DataError(place, "\(words[0]) takes true or false, got '\(values.first ?? "")'")
      }
    }
    func count(_ limit: Int) throws(DataError) -> Int {
      guard values.count == 1, let n = Int(values[0]), n >= 1, n <= limit else {
        throw DataError(
          place, "\(words[0]) takes one whole number from 1 to \(limit), got '\(values.joined(separator: " "))'")
      }
      return n
    }
    switch tag {
    case "@problemname": problemName = values.joined(separator: " ")
    case "@timestamps": timeStamps = try flag()
    case "@missing": _ = try flag()
    case "@univariate": univariate = try flag()
    case "@dimensions": dimensions = try count(TimeSeriesFile.dimensionLimit)
    case "@equallength": equalLength = try flag()
    case "@serieslength": seriesLength = try count(InputLimits.sampleValues)
    case "@classlabel":
      guard try flag() else {
        throw DataError(place, "@classLabel false: the file has no classes, and cnnswift classifies")
      }
      classNames = values.dropFirst().map(String.init)
      guard !classNames.isEmpty else { throw DataError(place, "@classLabel true names no classes") }
      guard classNames.count <= InputLimits.classes else {
        throw DataError(place, "\(classNames.count) classes; at most \(InputLimits.classes)")
      }
      guard Set(classNames).count == classNames.count else { throw DataError(place, "@classLabel names a class twice") }
    case "@targetlabel":
      if try flag() { throw DataError(place, "@targetLabel true: a regression problem, and cnnswift classifies") }
    case "@data":
      guard !classNames.isEmpty else { throw DataError(place, "@data before @classLabel true and the class names") }
      if univariate == true, let dimensions, dimensions != 1 {
        throw DataError(place, "@univariate true with @dimensions \(dimensions)")
      }
      if univariate == true { dimensions = 1 }
      return true
    default:
      throw DataError(
        place,
        "unknown tag \(words[0]); expected @problemName, @timeStamps, @missing, @univariate, @dimensions, "
          + "@equalLength, @seriesLength, @classLabel, @targetLabel or @data")
    }
    return false
  }
}

/// The cases of a `.ts` file read so far.
struct TimeSeriesCases {
  var dimensions: Int?
  var series: [[Float]] = []
  var lengths: [Int] = []
  var labels: [Int] = []
  /// Values of all cases so far (bounded, so that a huge file fails with a message rather than memory).
  var values = 0

  /// Reads the case on `line`.
  mutating func append(_ line: Substring, header: TimeSeriesHeader, place: String) throws(DataError) {
    var fields = splitFields(line, timeStamps: header.timeStamps)
    guard fields.count >= 2 else {
      throw DataError(place, "expected the values then ':' and the class label, got no ':'")
    }
    let name = fields.removeLast().trimmingWhitespace()
    guard let label = header.classNames.firstIndex(where: { $0[...] == name }) else {
      throw DataError(
        place,
        "class label '\(name.prefix(40))' is not one of @classLabel's (\(header.classNames.joined(separator: " ")))")
    }
    let expected = dimensions ?? header.dimensions ?? fields.count
    guard fields.count == expected, expected <= TimeSeriesFile.dimensionLimit else {
      throw DataError(place, "\(fields.count) dimensions; expected \(expected) (as the header or the first case has)")
    }
    var values: [Float] = []
    var length: Int?
    for (dimension, field) in fields.enumerated() {
      let dimensionValues = try parseValues(field, timeStamps: header.timeStamps, place: place)
      guard !dimensionValues.isEmpty else { throw DataError(place, "dimension \(dimension + 1) has no values") }
      if let length, length != dimensionValues.count {
        throw DataError(
          place,
          "dimension \(dimension + 1) has \(dimensionValues.count) values and dimension 1 \(length): a case's "
            + "dimensions must be equally long")
      }
      length = dimensionValues.count
      values += dimensionValues
    }
    if header.equalLength == true, let seriesLength = header.seriesLength, length != seriesLength {
      throw DataError(place, "\(length!) values per dimension; @seriesLength says \(seriesLength)")
    }
    self.values += values.count
    guard self.values <= InputLimits.sampleValues else {
      throw DataError(place, "more than \(InputLimits.sampleValues) values in the file's cases")
    }
    dimensions = expected
    series.append(values)
    lengths.append(length!)
    labels.append(label)
  }

  /// The dimensions' fields and the label: split at colons, but not inside a `(time,value)` pair, whose time may
  /// hold colons.
  func splitFields(_ line: Substring, timeStamps: Bool) -> [Substring] {
    guard timeStamps else { return line.split(separator: ":", omittingEmptySubsequences: false) }
    var fields: [Substring] = []
    var (depth, start) = (0, line.startIndex)
    for index in line.indices {
      switch line[index] {
      case "(": depth += 1
      case ")": depth -= 1
      case ":" where depth == 0:
        fields.append(line[start..<index])
        start = line.index(after: index)
      default: break
      }
    }
    fields.append(line[start...])
    return fields
  }

  /// One dimension's values: numbers or `?` between commas, or `(time,value)` pairs with time stamps.
  func parseValues(_ field: Substring, timeStamps: Bool, place: String) throws(DataError) -> [Float] {
    var texts: [Substring] = []
    if timeStamps {
      for pair in field.split(separator: ")", omittingEmptySubsequences: true) {
        let inside = pair.drop { $0 == "," || $0 == " " }
        guard inside.first == "(", let comma = inside.lastIndex(of: ",") else {
          throw DataError(place, "expected (time,value) pairs with @timeStamps true, got '\(inside.prefix(40))'")
        }
        texts.append(inside[inside.index(after: comma)...])
      }
    } else {
      texts = field.split(separator: ",", omittingEmptySubsequences: false)
    }
    var values: [Float] = []
    values.reserveCapacity(texts.count)
    for text in texts {
      let trimmed = text.trimmingWhitespace()
      if trimmed == "?" || trimmed.lowercased() == "nan" {
        values.append(.nan)
      } else if let value = Float(trimmed), value.isFinite {
        values.append(value)
      } else {
        throw DataError(place, "'\(trimmed.prefix(40))' is not a number (nor ? for a missing value)")
      }
    }
    return values
  }
}

extension Substring {
  /// Without leading and trailing spaces, tabs and carriage returns.
  func trimmingWhitespace() -> Substring {
    func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" }
    var (start, end) = (startIndex, endIndex)
    while start < end, isSpace(self[start]) { start = index(after: start) }
    while end > start, isSpace(self[index(before: end)]) { end = index(before: end) }
    return self[start..<end]
  }
}

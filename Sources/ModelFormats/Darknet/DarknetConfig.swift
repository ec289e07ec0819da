import CNN

/// A darknet network description (`yolov2-tiny.cfg`) as text: `[section]` headers, each followed by `key=value`
/// lines; `#` and `;` start comments, blank lines and spaces are ignored (darknet strips every space, so
/// `anchors = 1, 2` is `anchors=1,2`).
public struct DarknetConfig: Sendable, Equatable {
  /// One `[section]` and its options.
  public struct Section: Sendable, Equatable {
    /// The section's type: `net`, `convolutional`, `maxpool`, …
    public var type: String
    /// The line of its `[type]` header (1-based).
    public var line: Int
    /// Each option's value and line, by key.
    public var options: [String: (value: String, line: Int)]

    public static func == (a: Section, b: Section) -> Bool {
      a.type == b.type && a.line == b.line && a.options.mapValues(\.value) == b.options.mapValues(\.value)
    }
  }

  /// The file, for messages.
  public var path: String
  /// The sections in file order, `[net]` first.
  public var sections: [Section]

  /// The most bytes a cfg may have (darknet's largest are about 20 KB).
  public static let byteLimit = 4 << 20

  /// Reads and parses the cfg at `path`.
  public static func read(path: String) throws(ModelFileError) -> DarknetConfig {
    let data = try ModelFile.readBytes(path: path, limit: byteLimit)
    guard let text = String(validating: data, as: UTF8.self) else {
      throw ModelFileError(path, "not a darknet cfg: it is not UTF-8 text")
    }
    if let nul = data.firstIndex(of: 0) {
      throw ModelFileError(path, "not a darknet cfg: a NUL byte at byte offset \(nul) (a binary file?)")
    }
    return try DarknetConfig(text: text, path: path)
  }

  /// Parses cfg `text`; `path` names it in errors.
  public init(text: String, path: String) throws(ModelFileError) {
    self.path = path
    sections = []
    // Any line ending (CRLF is one Character, so "\n" alone would not split it); a byte order mark is no text.
    let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
    for (offset, raw) in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      let number = offset + 1
      // A comment after a value (`filters=16  # first layer`) ends the line, as for a whole line.
      let line = raw.prefix { $0 != "#" }.filter { !$0.isWhitespace }
      guard let first = line.first, first != ";" else { continue }
      if first == "[" {
        guard line.last == "]", line.count > 2 else {
          throw ModelFileError(path, "line \(number): '\(Self.quoted(raw))' is not a [section] header")
        }
        sections.append(Section(type: String(line.dropFirst().dropLast()), line: number, options: [:]))
        guard sections.count <= InputLimits.graphNodes else {
          throw ModelFileError(path, "line \(number): more than \(InputLimits.graphNodes) sections")
        }
        continue
      }
      guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
        throw ModelFileError(path, "line \(number): '\(Self.quoted(raw))' is neither a [section] nor key=value")
      }
      guard !sections.isEmpty else {
        throw ModelFileError(path, "line \(number): an option before the first [section]")
      }
      let key = String(line[..<equals])
      if let earlier = sections[sections.count - 1].options[key] {
        throw ModelFileError(
          path, "line \(number): \(key) is set twice in this section (first on line \(earlier.line))")
      }
      sections[sections.count - 1].options[key] = (String(line[line.index(after: equals)...]), number)
    }
    guard let first = sections.first, Self.isNet(first) else {
      throw ModelFileError(path, "not a darknet cfg: it must start with a [net] section")
    }
    if let second = sections.dropFirst().first(where: Self.isNet) {
      throw ModelFileError(
        path,
        "line \(second.line): a second [\(second.type)] section (the first is on line \(first.line)); a cfg has one")
    }
  }

  /// Whether `section` is the network's own (`[net]`, or darknet's older `[network]`).
  static func isNet(_ section: Section) -> Bool { section.type == "net" || section.type == "network" }

  /// A line of the file as a message quotes it: at most 80 characters (a file without line breaks is one line).
  static func quoted(_ line: Substring) -> String {
    line.count <= 80 ? String(line) : String(line.prefix(80)) + "…"
  }
}

extension DarknetConfig.Section {
  /// The integer option `key` (`fallback` when absent), within `range`.
  func int(_ key: String, _ fallback: Int, in range: ClosedRange<Int>, path: String) throws(ModelFileError) -> Int {
    guard let option = options[key] else { return fallback }
    guard let value = Int(option.value), range.contains(value) else {
      throw ModelFileError(
        path,
        "line \(option.line): [\(type)] \(key)=\(option.value): expected an integer from \(range.lowerBound) to "
          + "\(range.upperBound)")
    }
    return value
  }

  /// The number option `key` (`fallback` when absent), finite and within `range`.
  func float(_ key: String, _ fallback: Float, in range: ClosedRange<Float>, path: String) throws(ModelFileError)
    -> Float
  {
    guard let option = options[key] else { return fallback }
    guard let value = Float(option.value), value.isFinite, range.contains(value) else {
      throw ModelFileError(
        path,
        "line \(option.line): [\(type)] \(key)=\(option.value): expected a number from \(range.lowerBound) to "
          + "\(range.upperBound)")
    }
    return value
  }

  /// The comma-separated list option `key` (nil when absent), each element read by `element`.
  func list<T>(_ key: String, path: String, _ what: String, _ element: (Substring) -> T?) throws(ModelFileError) -> [T]?
  {
    guard let option = options[key] else { return nil }
    let parts = option.value.split(separator: ",", omittingEmptySubsequences: false)
    let values = parts.compactMap(element)
    guard !parts.isEmpty, values.count == parts.count, values.count <= 4096 else {
      throw ModelFileError(path, "line \(option.line): [\(type)] \(key)=\(option.value): expected \(what)")
    }
    return values
  }

  /// Refuses an option outside `known` (options that change what the layer computes and that cnnswift does not
  /// implement, or typing mistakes), naming it and the known ones.
  func checkKeys(_ known: Set<String>, path: String) throws(ModelFileError) {
    for (key, option) in options.sorted(by: { $0.value.line < $1.value.line }) where !known.contains(key) {
      throw ModelFileError(
        path,
        "line \(option.line): [\(type)] \(key) is not supported; a [\(type)] section here takes "
          + known.sorted().joined(separator: ", "))
    }
  }
}

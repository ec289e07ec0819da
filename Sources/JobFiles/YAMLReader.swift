import Yams

/// A strict reader over a YAML mapping: each value is read with the type it must have, every
/// error names the file, line and key path, and keys nobody asked for are reported as unknown
/// (a misspelt key must never be silently ignored).
struct YAMLReader {
  let path: String
  let node: Node
  /// The key path of this mapping (`""` at the top, `hpl` inside `hpl:`).
  let keyPath: String

  init(path: String, node: Node, keyPath: String = "") {
    (self.path, self.node, self.keyPath) = (path, node, keyPath)
  }

  /// Parses `text` and checks its top level is a mapping.
  static func parse(_ text: String, path: String) throws(JobFileError) -> YAMLReader {
    // Editors on Windows start UTF-8 files with a byte-order mark; YAML 1.2 allows one.
    var text = text
    if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw JobFileError(
        path: path, line: Self.line(of: error), message: "is not valid YAML: \(Self.problem(of: error))")
    } catch {
      throw JobFileError(path: path, message: "is not valid YAML: \(error)")
    }
    guard let node, case .mapping = node else {
      throw JobFileError(path: path, line: node?.mark?.line, message: "expected a mapping of keys (kind: hpl, ...)")
    }
    return YAMLReader(path: path, node: node)
  }

  func fullKey(_ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

  /// An error at `value`'s line, or, for a missing value, at the line of the section that lacks
  /// it (no line at the top level, where "line 1" would point at an unrelated key).
  func fail(_ key: String?, _ value: Node?, _ message: String) -> JobFileError {
    var line = value?.mark?.line ?? (keyPath.isEmpty ? nil : node.mark?.line)
    // A mapping or list value starts on the line after its key: point at the key instead.
    if let key, let value, !Self.isScalar(value), let keyLine = keyLine(key) { line = keyLine }
    return JobFileError(path: path, line: line, key: key.map(fullKey), message: message)
  }

  /// The value of `key`, or `nil` when absent (or `null`).
  func value(_ key: String) -> Node? {
    guard case .mapping(let mapping) = node else { return nil }
    for (name, value) in mapping where name.string == key {
      if case .scalar(let scalar) = value, scalar.string == "" || scalar.string == "~" || scalar.string == "null",
        scalar.style == .plain
      {
        return nil
      }
      return value
    }
    return nil
  }

  func string(_ key: String) throws(JobFileError) -> String? {
    guard let value = value(key) else { return nil }
    guard case .scalar(let scalar) = value else { throw fail(key, value, "expected a text value") }
    return scalar.string
  }

  func requiredString(_ key: String, expected: String) throws(JobFileError) -> String {
    guard let text = try string(key) else { throw fail(key, nil, "missing; expected \(expected)") }
    return text
  }

  /// A positive integer of at most `maximum` (a job file's sizes are checked before any use: a
  /// number too large for `Int` gets the same message as one above `maximum`).
  func positiveInt(_ key: String, maximum: Int) throws(JobFileError) -> Int? {
    guard let value = value(key) else { return nil }
    guard let number = Self.int(value), (1...maximum).contains(number) else {
      throw fail(key, value, "expected a positive integer up to \(maximum), found \(Self.show(value))")
    }
    return number
  }

  /// A list of positive integers of at most `maximum`; a single integer is taken as a list of
  /// one. Never empty.
  func positiveIntList(_ key: String, maximum: Int) throws(JobFileError) -> [Int]? {
    try list(key, of: "positive integers", expected: "a list of positive integers up to \(maximum)") { item in
      Self.int(item).flatMap { (1...maximum).contains($0) ? $0 : nil }
    }
  }

  /// A list of numbers in `range`; a single number is taken as a list of one. Never empty.
  func numberList(_ key: String, in range: ClosedRange<Double>, expected: String) throws(JobFileError)
    -> [Double]?
  {
    try list(key, of: expected, expected: "a list of \(expected)") { item in
      guard case .scalar(let scalar) = item, let number = Double(scalar.string), range.contains(number) else {
        return nil
      }
      return number
    }
  }

  /// A list of text values; a single value is taken as a list of one. Never empty.
  func stringList(_ key: String, expected: String) throws(JobFileError) -> [String]? {
    try list(key, of: expected, expected: expected) { item in
      guard case .scalar(let scalar) = item, !scalar.string.isEmpty else { return nil }
      return scalar.string
    }
  }

  /// The list at `key`, each item read by `element` (`nil` for an item it refuses); a single
  /// value is taken as a list of one. An empty list is refused as a list of `noun`, a refused
  /// item as not being `expected`.
  private func list<Element>(
    _ key: String, of noun: String, expected: String, _ element: (Node) -> Element?
  ) throws(JobFileError) -> [Element]? {
    guard let value = value(key) else { return nil }
    let items = Self.items(value)
    guard !items.isEmpty else { throw fail(key, value, "expected a non-empty list of \(noun), found []") }
    var result: [Element] = []
    for item in items {
      guard let read = element(item) else { throw fail(key, item, "expected \(expected), found \(Self.show(item))") }
      result.append(read)
    }
    return result
  }

  /// One number in `range`.
  func number(_ key: String, in range: ClosedRange<Double>, expected: String) throws(JobFileError) -> Double? {
    guard let value = value(key) else { return nil }
    guard case .scalar(let scalar) = value, let number = Double(scalar.string), range.contains(number) else {
      throw fail(key, value, "expected \(expected), found \(Self.show(value))")
    }
    return number
  }

  /// A nested mapping, read strictly too.
  func mapping(_ key: String) throws(JobFileError) -> YAMLReader? {
    guard let value = value(key) else { return nil }
    guard case .mapping = value else { throw fail(key, value, "expected a mapping of keys") }
    return YAMLReader(path: path, node: value, keyPath: fullKey(key))
  }

  /// Fails on the first key not in `allowed`, listing the keys this mapping accepts. Called before
  /// the values are read: a misspelt key explains the errors that would follow from its absence.
  func rejectUnknownKeys(allowed: [String]) throws(JobFileError) {
    guard case .mapping(let mapping) = node else { return }
    for (name, _) in mapping {
      let key = name.string ?? "?"
      if !allowed.contains(key) {
        throw JobFileError(
          path: path, line: name.mark?.line, key: fullKey(key),
          message: "unknown key; expected one of: \(allowed.joined(separator: ", "))")
      }
    }
  }

  /// The line `key` is written on in this mapping.
  func keyLine(_ key: String) -> Int? {
    guard case .mapping(let mapping) = node else { return nil }
    return mapping.first { $0.key.string == key }?.key.mark?.line
  }

  static func isScalar(_ node: Node) -> Bool {
    if case .scalar = node { return true }
    return false
  }

  static func items(_ node: Node) -> [Node] {
    if case .sequence(let sequence) = node { return Array(sequence) }
    return [node]
  }

  static func int(_ node: Node) -> Int? {
    guard case .scalar(let scalar) = node else { return nil }
    return Int(scalar.string)
  }

  static func show(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar): "'\(shortened(scalar.string))'"
    case .sequence: "a list"
    case .mapping: "a mapping"
    case .alias: "an alias"
    }
  }

  /// `text`, or its first 60 characters and `…` when longer (a message quotes a value, not a file).
  static func shortened(_ text: String) -> String {
    text.count > 60 ? text.prefix(60) + "…" : text
  }

  static func line(of error: YamlError) -> Int? {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
    default: nil
    }
  }

  static func problem(of error: YamlError) -> String {
    switch error {
    case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
      .composer(let context, let problem, _, _):
      [context?.text, problem].compactMap { $0 }.joined(separator: " ")
    case .duplicatedKeysInMapping(let duplicates, _): "duplicated keys: \(duplicates.joined(separator: ", "))"
    default: "\(error)"
    }
  }
}

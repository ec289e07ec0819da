import Foundation

/// The dictionary of an `.npy` file's header, read as NumPy writes it: `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (100, 1, 28, 28), }`, keys in any order, single or double quotes, any spacing.
enum NPYHeader {
  /// The shape the header gives, after checking that its values are C-ordered little-endian float32.
  static func parse(_ text: String, path: String) throws(DataError) -> [Int] {
    func refuse(_ problem: String) -> DataError { DataError(path, "header \(quoted(text)): \(problem)") }
    var entries: [String: String] = [:]
    let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard body.hasPrefix("{"), body.hasSuffix("}") else { throw refuse("expected a {…} dictionary") }
    for entry in splitTopLevel(String(body.dropFirst().dropLast())) {
      let parts = entry.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, let key = unquoted(parts[0]) else { throw refuse("cannot read the entry '\(entry)'") }
      entries[key] = parts[1]
    }
    guard let descr = entries["descr"], let order = entries["fortran_order"], let shape = entries["shape"] else {
      throw refuse("expected the keys 'descr', 'fortran_order' and 'shape'")
    }
    guard let type = unquoted(descr), type == "<f4" || type == "=f4" else {
      throw refuse(
        "descr \(descr): expected '<f4' (float32, little-endian); save numpy.asarray(a, dtype='<f4')")
    }
    guard order == "False" else {
      throw refuse("fortran_order \(order): expected False (C order); save numpy.ascontiguousarray(a)")
    }
    guard shape.hasPrefix("("), shape.hasSuffix(")") else { throw refuse("shape \(shape): expected a tuple (…)") }
    var sides: [Int] = []
    for side in shape.dropFirst().dropLast().split(separator: ",") {
      let text = side.trimmingCharacters(in: .whitespaces)
      if text.isEmpty { continue }
      guard let value = Int(text), value >= 0 else {
        throw refuse("shape \(shape): '\(text)' is not a size")
      }
      sides.append(value)
    }
    return sides
  }

  /// The entries of a dictionary's body, split at commas outside parentheses and quotes.
  private static func splitTopLevel(_ body: String) -> [String] {
    var (entries, current, depth, quote): ([String], String, Int, Character?) = ([], "", 0, nil)
    for character in body {
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "'" || character == "\"" {
        quote = character
      } else if character == "(" {
        depth += 1
      } else if character == ")" {
        depth -= 1
      } else if character == "," && depth == 0 {
        entries.append(current)
        current = ""
        continue
      }
      current.append(character)
    }
    entries.append(current)
    return entries.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
  }

  /// The text inside matching single or double quotes, or nil.
  private static func unquoted(_ text: String) -> String? {
    guard text.count >= 2, let first = text.first, first == "'" || first == "\"", text.last == first else { return nil }
    return String(text.dropFirst().dropLast())
  }

  /// The header shortened for a message.
  private static func quoted(_ text: String) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.count > 120 ? String(trimmed.prefix(120)) + "…" : trimmed
  }
}

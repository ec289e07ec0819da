/// A plain-text table for a terminal: columns padded to their widest cell and separated by two
/// spaces, numbers right-aligned, the last column (a free-text note) never padded, no trailing
/// spaces. `clusterbench telemetry summary` and `clusterbench compare` print through it.
public struct TextTable: Sendable, Equatable {
  /// The first line.
  public var header: [String]
  /// The columns (by index) whose cells are left-aligned; the others are right-aligned.
  public var leftAligned: Set<Int>
  /// The lines after the header, each as long as the header.
  public var rows: [[String]]

  public init(header: [String], leftAligned: Set<Int>, rows: [[String]] = []) {
    (self.header, self.leftAligned, self.rows) = (header, leftAligned, rows)
  }

  /// The table, each line ending with `\n`.
  public func render() -> String {
    let lines = [header] + rows
    let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
    return lines.map { line in
      var text = ""
      for (column, cell) in line.enumerated() {
        if column > 0 { text += "  " }
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        if column == line.count - 1 {
          text += cell  // nothing to align after the last column
        } else {
          text += leftAligned.contains(column) ? cell + padding : padding + cell
        }
      }
      while text.last?.isWhitespace == true { text.removeLast() }
      return text + "\n"
    }.joined()
  }
}

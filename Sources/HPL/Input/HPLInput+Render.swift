extension HPLInput {
  /// The column (0-based) where the comment starts in xhpl's written files.
  private static let commentColumn = 13

  /// Writes the input as an HPL.dat file in the layout of xhpl's own files: values left-aligned,
  /// padded to column 14, then the conventional comment; lines 32 and later from ``ptransTail``.
  ///
  /// Lines 1–2 get the conventional text. A ``OutputDevice/file(_:)`` is written as device 8 with
  /// its name on line 3 (the name must not contain spaces: xhpl reads one word); otherwise line 3
  /// reads `HPL.out`. ``parse(contents:fileName:)`` reads the result back to an equal value.
  ///
  /// netlib: the layout of `testing/ptest/HPL.dat`
  public func render() -> String {
    var lines: [String] = [HPLDatLine.title.comment, HPLDatLine.subtitle.comment]
    func add(_ value: String, _ line: HPLDatLine) {
      let padding = max(1, Self.commentColumn - value.count)
      lines.append(value + String(repeating: " ", count: padding) + line.comment)
    }
    func add(_ values: [Int], _ line: HPLDatLine) {
      add(values.map(String.init).joined(separator: " "), line)
    }
    func add(count values: [some Any], _ line: HPLDatLine) {
      add(String(values.count), line)
    }

    if case .file(let name) = outputDevice {
      add(name, .outputFileName)
    } else {
      add("HPL.out", .outputFileName)
    }
    add(String(outputDevice.code), .device)
    add(count: problemSizes, .problemSizeCount)
    add(problemSizes, .problemSizes)
    add(count: blockSizes, .blockSizeCount)
    add(blockSizes, .blockSizes)
    add(String(processMapping.rawValue), .processMapping)
    add(count: grids, .gridCount)
    add(grids.map(\.rows), .gridRows)
    add(grids.map(\.columns), .gridColumns)
    add(String(threshold), .threshold)
    add(count: panelFactorizations, .panelFactorizationCount)
    add(panelFactorizations.map(\.rawValue), .panelFactorizations)
    add(count: recursionStoppingSizes, .recursionStoppingSizeCount)
    add(recursionStoppingSizes, .recursionStoppingSizes)
    add(count: panelDivisions, .panelDivisionCount)
    add(panelDivisions, .panelDivisions)
    add(count: recursivePanelFactorizations, .recursivePanelFactorizationCount)
    add(recursivePanelFactorizations.map(\.rawValue), .recursivePanelFactorizations)
    add(count: broadcasts, .broadcastCount)
    add(broadcasts.map(\.rawValue), .broadcasts)
    add(count: lookaheadDepths, .lookaheadDepthCount)
    add(lookaheadDepths, .lookaheadDepths)
    add(String(swap.rawValue), .swap)
    add(String(swapThreshold), .swapThreshold)
    add(String(l1Form.rawValue), .l1Form)
    add(String(uForm.rawValue), .uForm)
    add(equilibration ? "1" : "0", .equilibration)
    add(String(alignment), .alignment)
    lines += ptransTail
    return lines.map { $0 + "\n" }.joined()
  }
}

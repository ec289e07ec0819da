import Foundation

extension HPLInput {
  /// Reads and validates the HPL.dat file at `path`.
  ///
  /// A missing file is an error that names the folder searched, where xhpl prints "cannot open
  /// file HPL.dat" and then crashes.
  ///
  /// netlib: `HPL_pdinfo` (rank 0's part)
  public static func read(path: String = "HPL.dat") throws(HPLInputError) -> HPLInput {
    let url = URL(fileURLWithPath: path)
    let name = url.lastPathComponent
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      let folder = url.deletingLastPathComponent().path
      let reason =
        FileManager.default.fileExists(atPath: url.path)
        ? "cannot be read (\(error.localizedDescription))"
        : "does not exist: there is no \(name) in \(folder)"
      throw HPLInputError(fileName: path, line: 0, key: "", message: reason)
    }
    if data.contains(0) {
      throw HPLInputError(
        fileName: path, line: 0, key: "",
        message: "is a binary file, not an HPL.dat text file")
    }
    return try parse(contents: String(decoding: data, as: UTF8.self), fileName: path)
  }

  /// Parses the text of an HPL.dat file.
  ///
  /// Checks run in file order and stop at the first problem, like xhpl's, but every problem is
  /// reported with its HPL.dat line and nothing is coerced: unknown codes, non-numeric words,
  /// short lists, counts outside 1...20 and truncated files are errors. Lines 32 and later are
  /// kept in ``ptransTail``.
  ///
  /// - Parameters:
  ///   - contents: the file's text (local input, rank 0).
  ///   - fileName: the name used in error messages, e.g. `HPL.dat`.
  ///
  /// netlib: `HPL_pdinfo`
  public static func parse(contents: String, fileName: String = "HPL.dat") throws(HPLInputError)
    -> HPLInput
  {
    let reader = HPLDatReader(contents: contents, fileName: fileName)

    _ = try reader.text(.title)
    _ = try reader.text(.subtitle)
    let outputFileName = try reader.tokens(.outputFileName).first.map(String.init)
    let outputDevice: OutputDevice
    switch try reader.integer(.device) {
    case 6: outputDevice = .standardOutput
    case 7: outputDevice = .standardError
    case let code:
      guard let outputFileName else {
        throw reader.error(
          .outputFileName,
          "line 4 holds device \(code), which means a file, but this line names none")
      }
      outputDevice = .file(outputFileName)
    }

    let problemSizeCount = try reader.count(.problemSizeCount)
    let problemSizes = try reader.integers(
      .problemSizes, count: problemSizeCount, countLine: .problemSizeCount, minimum: 0)
    let blockSizeCount = try reader.count(.blockSizeCount)
    let blockSizes = try reader.integers(
      .blockSizes, count: blockSizeCount, countLine: .blockSizeCount, minimum: 1)
    let processMapping = try reader.code(.processMapping, as: ProcessMapping.self) {
      $0 == .rowMajor ? "row-major" : "column-major"
    }
    let gridCount = try reader.count(.gridCount)
    let rows = try reader.integers(
      .gridRows, count: gridCount, countLine: .gridCount, minimum: 1)
    let columns = try reader.integers(
      .gridColumns, count: gridCount, countLine: .gridCount, minimum: 1)
    let threshold = try reader.number(.threshold)

    let panelFactorizationCount = try reader.count(.panelFactorizationCount)
    let panelFactorizations: [PanelFactorization] = try reader.codes(
      .panelFactorizations, count: panelFactorizationCount,
      countLine: .panelFactorizationCount, names: \.token)
    let recursionStoppingSizeCount = try reader.count(.recursionStoppingSizeCount)
    let recursionStoppingSizes = try reader.integers(
      .recursionStoppingSizes, count: recursionStoppingSizeCount,
      countLine: .recursionStoppingSizeCount, minimum: 1)
    let panelDivisionCount = try reader.count(.panelDivisionCount)
    let panelDivisions = try reader.integers(
      .panelDivisions, count: panelDivisionCount, countLine: .panelDivisionCount, minimum: 2)
    let recursivePanelFactorizationCount = try reader.count(.recursivePanelFactorizationCount)
    let recursivePanelFactorizations: [PanelFactorization] = try reader.codes(
      .recursivePanelFactorizations, count: recursivePanelFactorizationCount,
      countLine: .recursivePanelFactorizationCount, names: \.token)
    let broadcastCount = try reader.count(.broadcastCount)
    let broadcasts: [BroadcastTopology] = try reader.codes(
      .broadcasts, count: broadcastCount, countLine: .broadcastCount, names: \.token)
    let lookaheadDepthCount = try reader.count(.lookaheadDepthCount)
    let lookaheadDepths = try reader.integers(
      .lookaheadDepths, count: lookaheadDepthCount, countLine: .lookaheadDepthCount, minimum: 0)

    let swap = try reader.code(.swap, as: SwapAlgorithm.self) { $0.token }
    let swapThreshold = try reader.integer(.swapThreshold, minimum: 0)
    let l1Form = try reader.code(.l1Form, as: StorageForm.self) { $0.token }
    let uForm = try reader.code(.uForm, as: StorageForm.self) { $0.token }
    let equilibration = try reader.code(.equilibration, as: Equilibration.self) {
      $0 == .yes ? "yes" : "no"
    }
    let alignment = try reader.integer(.alignment, minimum: 1)

    return HPLInput(
      outputDevice: outputDevice,
      problemSizes: problemSizes,
      blockSizes: blockSizes,
      processMapping: processMapping,
      grids: zip(rows, columns).map { GridShape(rows: $0, columns: $1) },
      threshold: threshold,
      panelFactorizations: panelFactorizations,
      recursionStoppingSizes: recursionStoppingSizes,
      panelDivisions: panelDivisions,
      recursivePanelFactorizations: recursivePanelFactorizations,
      broadcasts: broadcasts,
      lookaheadDepths: lookaheadDepths,
      swap: swap,
      swapThreshold: swapThreshold,
      l1Form: l1Form,
      uForm: uForm,
      equilibration: equilibration == .yes,
      alignment: alignment,
      ptransTail: reader.tail)
  }
}

/// The codes of HPL.dat line 30. netlib: `EQUIL`
private enum Equilibration: Int, CaseIterable {
  case no = 0
  case yes = 1
}

import CSVFiles
import Files
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension HPLInput {
  /// The most bytes an HPL.dat may hold: 31 lines of at most a few hundred characters, plus
  /// HPC Challenge's PTRANS lines, fit many times over; a larger file is not an HPL.dat.
  public static let maximumFileBytes = 1 << 20

  /// Reads and validates the HPL.dat file at `path`.
  ///
  /// A missing file is an error that names the folder searched, where xhpl prints "cannot open
  /// file HPL.dat" and then crashes.
  ///
  /// netlib: `HPL_pdinfo` (rank 0's part)
  public static func read(path: String = "HPL.dat") throws(HPLInputError) -> HPLInput {
    try parse(contents: readText(path: path), fileName: path)
  }

  /// The text of the HPL.dat at `path`, read through ``BoundedFile``: at most
  /// ``maximumFileBytes``, never blocking on a FIFO or a device.
  ///
  /// - Throws: ``HPLInputError`` for the whole file (line 0): it does not exist (naming the
  ///   folder searched, or the target of a dangling symbolic link), is not a regular file, is
  ///   too large, is a loop of symbolic links, cannot be read, or holds NUL bytes.
  public static func readText(path: String) throws(HPLInputError) -> String {
    let data: Data
    do {
      data = try BoundedFile.read(path, limit: maximumFileBytes)
    } catch {
      throw failure(error)
    }
    if data.contains(0) {
      throw HPLInputError(
        fileName: path, line: 0, key: "",
        message: "is a binary file, not an HPL.dat text file")
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// The error for a file ``BoundedFile`` refused; a missing path is told apart from a
  /// symbolic link whose target is missing.
  private static func failure(_ error: BoundedFileError) -> HPLInputError {
    var failure = HPLInputError(fileName: error.path, line: 0, key: "", message: error.reason)
    guard case .missing = error else { return failure }
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink(error.path, &buffer, buffer.count - 1)
    if length > 0 {
      let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      failure.message = "is a symbolic link to \(target), which does not exist"
    } else {
      let url = URL(fileURLWithPath: error.path)
      failure.message =
        "does not exist: there is no \(url.lastPathComponent) in \(url.deletingLastPathComponent().path)"
      failure.isMissingFile = true
    }
    return failure
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
    // Each step reads its lines in file order, so the first problem is the one reported.
    _ = try reader.text(.title)
    _ = try reader.text(.subtitle)
    var input = HPLInput(
      outputDevice: try outputDevice(from: reader), problemSizes: [], blockSizes: [], grids: [])
    try input.readProblemsAndGrids(from: reader)
    try input.readAlgorithmLists(from: reader)
    try input.readFixedSettings(from: reader)
    input.ptransTail = reader.tail
    return input
  }

  /// Lines 3–4: the output file name and the device code (6, 7 or a file).
  private static func outputDevice(from reader: HPLDatReader) throws(HPLInputError) -> OutputDevice {
    let outputFileName = try reader.tokens(.outputFileName).first.map(String.init)
    switch try reader.integer(.device) {
    case 6: return .standardOutput
    case 7: return .standardError
    case let code:
      guard let outputFileName else {
        throw reader.error(
          .outputFileName,
          "line 4 holds device \(code), which means a file, but this line names none")
      }
      return .file(outputFileName)
    }
  }

  /// Lines 5–13: the Ns, the NBs, PMAP, the grids and the threshold.
  private mutating func readProblemsAndGrids(from reader: HPLDatReader) throws(HPLInputError) {
    problemSizes = try reader.countedIntegers(.problemSizeCount, .problemSizes, minimum: 0)
    blockSizes = try reader.countedIntegers(.blockSizeCount, .blockSizes, minimum: 1)
    processMapping = try reader.code(.processMapping, as: ProcessMapping.self) {
      $0 == .rowMajor ? "row-major" : "column-major"
    }
    let gridCount = try reader.count(.gridCount)
    let rows = try reader.integers(
      .gridRows, count: gridCount, countLine: .gridCount, minimum: 1)
    let columns = try reader.integers(
      .gridColumns, count: gridCount, countLine: .gridCount, minimum: 1)
    grids = zip(rows, columns).map { GridShape(rows: $0, columns: $1) }
    threshold = try reader.number(.threshold)
  }

  /// Lines 14–25: the lists of PFACT, NBMIN, NDIV, RFACT, BCAST and DEPTH.
  private mutating func readAlgorithmLists(from reader: HPLDatReader) throws(HPLInputError) {
    panelFactorizations = try reader.countedCodes(.panelFactorizationCount, .panelFactorizations)
    recursionStoppingSizes = try reader.countedIntegers(
      .recursionStoppingSizeCount, .recursionStoppingSizes, minimum: 1)
    panelDivisions = try reader.countedIntegers(.panelDivisionCount, .panelDivisions, minimum: 2)
    recursivePanelFactorizations = try reader.countedCodes(
      .recursivePanelFactorizationCount, .recursivePanelFactorizations)
    broadcasts = try reader.countedCodes(.broadcastCount, .broadcasts)
    lookaheadDepths = try reader.countedIntegers(.lookaheadDepthCount, .lookaheadDepths, minimum: 0)
  }

  /// Lines 26–31: SWAP, its threshold, the L1 and U forms, EQUIL and ALIGN (one value each).
  private mutating func readFixedSettings(from reader: HPLDatReader) throws(HPLInputError) {
    swap = try reader.code(.swap, as: SwapAlgorithm.self) { $0.token }
    swapThreshold = try reader.integer(.swapThreshold, minimum: 0)
    l1Form = try reader.code(.l1Form, as: StorageForm.self) { $0.token }
    uForm = try reader.code(.uForm, as: StorageForm.self) { $0.token }
    equilibration =
      try reader.code(.equilibration, as: Equilibration.self) { $0 == .yes ? "yes" : "no" } == .yes
    alignment = try reader.integer(.alignment, minimum: 1)
  }

  /// Refuses a sweep of more than ``maximumTestCount`` tests, naming the lists that multiply:
  /// call it before walking ``tests``. (Parsing accepts such a file, as xhpl does.)
  public func checkTestCount(fileName: String = "HPL.dat") throws(HPLInputError) {
    let count = testCount
    guard count > Self.maximumTestCount else { return }
    let lengths: [(name: String, count: Int)] = [
      ("grids", grids.count), ("Ns", problemSizes.count), ("NBs", blockSizes.count),
      ("DEPTHs", lookaheadDepths.count), ("BCASTs", broadcasts.count),
      ("RFACTs", recursivePanelFactorizations.count), ("PFACTs", panelFactorizations.count),
      ("NBMINs", recursionStoppingSizes.count), ("NDIVs", panelDivisions.count),
    ]
    let lists = lengths.filter { $0.count > 1 }.map { "\($0.count) \($0.name)" }.joined(separator: " × ")
    throw HPLInputError(
      fileName: fileName, line: 0, key: "",
      message: "the lists make \(lists) = \(count) tests, more than the \(Self.maximumTestCount) "
        + "one run may hold; split the sweep into several HPL.dat files")
  }
}

extension HPLDatReader {
  /// The count on `countLine`, then that many integers (each at least `minimum`) on `line`.
  fileprivate func countedIntegers(_ countLine: HPLDatLine, _ line: HPLDatLine, minimum: Int)
    throws(HPLInputError) -> [Int]
  {
    try integers(line, count: try count(countLine), countLine: countLine, minimum: minimum)
  }

  /// The count on `countLine`, then that many codes of `E` on `line`, named by their tokens.
  fileprivate func countedCodes<E: HPLCode>(
    _ countLine: HPLDatLine, _ line: HPLDatLine
  ) throws(HPLInputError) -> [E] {
    try codes(line, count: try count(countLine), countLine: countLine, names: \.token)
  }
}

/// The codes of HPL.dat line 30. netlib: `EQUIL`
private enum Equilibration: Int, CaseIterable {
  case no = 0
  case yes = 1
}

import Foundation
import HPL
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// HPL.dat read within bounds: what a file that is not an HPL.dat, a count that disagrees with its
/// list, a value no C int holds, or a sweep too large to list does.
@Suite("HPL.dat bounds")
struct HPLInputBoundsTests {
  /// good.dat with line `number` (1-based) replaced.
  static func good(line number: Int, _ replacement: String) throws -> String {
    var lines = try DriverFixtures.text("HPLDat/good.dat").components(separatedBy: "\n")
    lines[number - 1] = replacement
    return lines.joined(separator: "\n")
  }

  static func parseError(_ text: String) -> HPLInputError? {
    #expect(throws: HPLInputError.self) { try HPLInput.parse(contents: text, fileName: "HPL.dat") }
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var line: Int
    var text: String
    var expected: String
    var testDescription: String { "line \(line): \(text)" }
  }

  /// More values than the count: xhpl reads only the first `count`, the README promises an
  /// error. (Before, the extra values were silently taken for comment.)
  @Test(arguments: [
    Case(
      line: 6, text: "1000 2000 3000    Ns",
      expected: "HPL.dat line 6 (Ns): the count on line 5 says 2 values, found 3 (xhpl would read "
        + "only the first 2; fix the count or the list)"),
    Case(
      line: 11, text: "1 2 4        Ps",
      expected: "HPL.dat line 11 (Ps): the count on line 10 says 2 values, found 3 (xhpl would "
        + "read only the first 2; fix the count or the list)"),
    Case(
      line: 23, text: "1 3 5 0     BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)",
      expected: "HPL.dat line 23 (BCASTs): the count on line 22 says 2 values, found 4 (xhpl "
        + "would read only the first 2; fix the count or the list)"),
    Case(
      line: 6, text: "1000         Ns",
      expected: "HPL.dat line 6 (Ns): the count on line 5 says 2 values, found 1"),
  ])
  func countsThatDisagreeWithTheirListAreErrors(_ bad: Case) throws {
    let error = Self.parseError(try Self.good(line: bad.line, bad.text))
    #expect(error?.description == bad.expected)
  }

  /// Words and numbers after the values that do not continue the list stay comment.
  @Test func commentAfterTheValuesMayHoldNumbers() throws {
    let text = try Self.good(line: 6, "1000 2000    Ns (2 sizes, 3.5 GB)")
    #expect(try HPLInput.parse(contents: text).problemSizes == [1000, 2000])
  }

  /// Values no C int holds are refused with the line and the limit, never trapped on later.
  @Test(arguments: [
    Case(
      line: 6, text: "9223372036854775807 2000    Ns",
      expected: "HPL.dat line 6 (Ns): value 9223372036854775807 is larger than 2147483647 (item 1 "
        + "of 2), the limit of xhpl's C int (and of MPI ranks)"),
    Case(
      line: 8, text: "64 1099511627776       NBs",
      expected: "HPL.dat line 8 (NBs): value 1099511627776 is larger than 2147483647 (item 2 of "
        + "2), the limit of xhpl's C int (and of MPI ranks)"),
    Case(
      line: 11, text: "4294967296 2  Ps",
      expected: "HPL.dat line 11 (Ps): value 4294967296 is larger than 2147483647 (item 1 of 2), "
        + "the limit of xhpl's C int (and of MPI ranks)"),
    Case(
      line: 25, text: "123456789012345678901234567890   DEPTHs (>=0)",
      expected: "HPL.dat line 25 (DEPTHs): value 123456789012345678901234567890 is larger than "
        + "2147483647, the limit of xhpl's C int (and of MPI ranks)"),
    Case(
      line: 31, text: "9223372036854775807   memory alignment in double (> 0)",
      expected: "HPL.dat line 31 (ALIGN): value 9223372036854775807 is larger than 2147483647, "
        + "the limit of xhpl's C int (and of MPI ranks)"),
    Case(
      line: 27, text: "-9999999999   swapping threshold",
      expected: "HPL.dat line 27 (swapping threshold): value -9999999999 is less than "
        + "-2147483647, the limit of xhpl's C int (and of MPI ranks)"),
  ])
  func valuesBeyondACIntAreRefused(_ bad: Case) throws {
    let error = Self.parseError(try Self.good(line: bad.line, bad.text))
    #expect(error?.description == bad.expected)
  }

  @Test func theLargestCIntIsAccepted() throws {
    let text = try Self.good(line: 31, "2147483647   memory alignment in double (> 0)")
    #expect(try HPLInput.parse(contents: text).alignment == 2_147_483_647)
  }

  /// Nine lists of 20 would make 20⁹ tests; the count is told before any list is built.
  @Test func sweepsBeyondTheTestLimitAreRefusedBeforeListing() throws {
    let twenty = Array(1...20)
    let input = HPLInput(
      problemSizes: twenty, blockSizes: twenty,
      grids: twenty.map { GridShape(rows: 1, columns: $0) },
      panelFactorizations: Array(repeating: .right, count: 20), recursionStoppingSizes: twenty,
      panelDivisions: twenty.map { $0 + 1 }, recursivePanelFactorizations: Array(repeating: .crout, count: 20),
      broadcasts: Array(repeating: .oneRing, count: 20), lookaheadDepths: twenty)
    #expect(input.testCount == 512_000_000_000)
    let error = #expect(throws: HPLInputError.self) { try input.checkTestCount(fileName: "big.dat") }
    #expect(
      error?.description
        == "big.dat: the lists make 20 grids × 20 Ns × 20 NBs × 20 DEPTHs × 20 BCASTs × 20 RFACTs × "
        + "20 PFACTs × 20 NBMINs × 20 NDIVs = 512000000000 tests, more than the 100000 one run may "
        + "hold; split the sweep into several HPL.dat files")
    let good = try HPLInput.parse(contents: DriverFixtures.text("HPLDat/good.dat"))
    try good.checkTestCount()
  }

  // MARK: - Files that are not HPL.dat files

  static func readError(_ path: String) -> HPLInputError? {
    #expect(throws: HPLInputError.self) { try HPLInput.readText(path: path) }
  }

  /// Each ends at once with a message naming the path; before, a FIFO blocked forever, a 2 GB
  /// file was read whole and a symbolic link loop was reported as a missing HPL.dat.
  @Test(.timeLimit(.minutes(1))) func filesThatAreNotHPLDatFilesEndAtOnce() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("fifo").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let big = folder.appendingPathComponent("big.dat").path
    #expect(FileManager.default.createFile(atPath: big, contents: nil))
    #expect(truncate(big, 2 << 30) == 0)  // sparse: 2 GiB of zeros, no disk used
    let loop = folder.appendingPathComponent("loop").path
    try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
    let dangling = folder.appendingPathComponent("dangling").path
    try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "gone.dat")
    let expected = [
      (fifo, "\(fifo): is a named pipe (FIFO), not a regular file"),
      ("/dev/zero", "/dev/zero: is a character device, not a regular file"),
      (big, "\(big): is larger than 1048576 bytes, more than such a file can hold"),
      (loop, "\(loop): cannot be opened: a loop of symbolic links"),
      (dangling, "\(dangling): is a symbolic link to gone.dat, which does not exist"),
      (folder.path, "\(folder.path): is a folder, not a regular file"),
    ]
    for (path, message) in expected {
      let error = Self.readError(path)
      #expect(error?.description == message)
      #expect(error?.isMissingFile == false)
    }
    let missing = Self.readError(folder.appendingPathComponent("HPL.dat").path)
    #expect(missing?.isMissingFile == true)
    #expect(missing?.message == "does not exist: there is no HPL.dat in \(folder.path)")
  }
}

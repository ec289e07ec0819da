import Foundation
import HPL
import Testing

@Suite("HPL.dat parsing")
struct HPLInputParseTests {
  @Test func goodFileParses() throws {
    let input = try HPLInput.parse(
      contents: DriverFixtures.text("HPLDat/good.dat"), fileName: "HPL.dat")
    #expect(input.outputDevice == .standardOutput)
    #expect(input.problemSizes == [1000, 2000])
    #expect(input.blockSizes == [64, 128])
    #expect(input.processMapping == .rowMajor)
    #expect(input.grids == [GridShape(rows: 1, columns: 2), GridShape(rows: 2, columns: 2)])
    #expect(input.threshold == 16.0)
    #expect(input.panelFactorizations == [.crout, .right])
    #expect(input.recursionStoppingSizes == [4])
    #expect(input.panelDivisions == [2])
    #expect(input.recursivePanelFactorizations == [.crout])
    #expect(input.broadcasts == [.oneRingModified, .twoRingModified])
    #expect(input.lookaheadDepths == [1])
    #expect(input.swap == .mix)
    #expect(input.swapThreshold == 64)
    #expect(input.l1Form == .transposed)
    #expect(input.uForm == .transposed)
    #expect(input.equilibration)
    #expect(input.alignment == 8)
    #expect(input.ptransTail.isEmpty)
    #expect(input.maximumProcessCount == 4)
    #expect(input.tests.count == 2 * 2 * 2 * 2 * 2)
  }

  @Test(arguments: [
    "good-no-final-newline.dat", "good-crlf.dat", "good-whitespace.dat", "good-ptrans-tail.dat",
  ])
  func variantsOfTheGoodFileParseToTheSameValues(_ name: String) throws {
    let good = try HPLInput.parse(contents: DriverFixtures.text("HPLDat/good.dat"))
    var input = try HPLInput.parse(contents: DriverFixtures.text("HPLDat/\(name)"))
    input.ptransTail = []
    #expect(input == good)
  }

  @Test func ptransTailIsKeptVerbatim() throws {
    let input = try HPLInput.parse(contents: DriverFixtures.text("HPLDat/good-ptrans-tail.dat"))
    #expect(input.ptransTail.count == 5)
    #expect(input.ptransTail[0].hasPrefix("##### This line (no. 32) is ignored"))
    #expect(input.ptransTail[4] == "40 9 8 13 13 20 16 32 64        values of NB")
  }

  @Test func anyOtherDeviceCodeWritesToTheFileOnLine3() throws {
    let input = try HPLInput.parse(contents: DriverFixtures.text("HPLDat/good-device-file.dat"))
    #expect(input.outputDevice == .file("results.out"))
  }

  @Test func thresholdZeroIsLegal() throws {
    let input = try HPLInput.parse(contents: DriverFixtures.text("HPLDat/good-threshold-zero.dat"))
    #expect(input.threshold == 0)
  }

  /// One malformed file and the error it must produce.
  struct BadFile: Sendable, CustomTestStringConvertible {
    var file: String
    var line: Int
    var key: String
    var message: String
    var testDescription: String { file }
  }

  static let badFiles: [BadFile] = [
    BadFile(
      file: "bad-missing-line.dat", line: 7, key: "# of NBs",
      message: "count 64 is not between 1 and 20 (this line's comment reads like line 8, NBs: "
        + "is a line missing above it?)"),
    BadFile(
      file: "bad-extra-line.dat", line: 7, key: "# of NBs",
      message: "count 1000 is not between 1 and 20 (this line's comment reads like line 6, Ns: "
        + "is there an extra line above it?)"),
    BadFile(
      file: "bad-word-in-ns.dat", line: 6, key: "Ns", message: "expected an integer, found 'abc'"),
    BadFile(
      file: "bad-decimal-in-nbs.dat", line: 8, key: "NBs",
      message: "expected an integer, found '12.5'"),
    BadFile(
      file: "bad-word-device.dat", line: 4, key: "device out",
      message: "expected an integer, found 'six'"),
    BadFile(
      file: "bad-device-file-without-name.dat", line: 3, key: "output file name",
      message: "line 4 holds device 8, which means a file, but this line names none"),
    BadFile(
      file: "bad-negative-n.dat", line: 6, key: "Ns",
      message: "value -1000 is less than 0 (item 1 of 2)"),
    BadFile(file: "bad-nb-zero.dat", line: 8, key: "NBs", message: "value 0 is less than 1"),
    BadFile(
      file: "bad-p-zero.dat", line: 11, key: "Ps", message: "value 0 is less than 1 (item 1 of 2)"),
    BadFile(
      file: "bad-q-zero.dat", line: 12, key: "Qs", message: "value 0 is less than 1 (item 2 of 2)"),
    BadFile(
      file: "bad-pmap-code.dat", line: 9, key: "PMAP",
      message: "unknown code 2; valid codes are 0 (row-major), 1 (column-major)"),
    BadFile(
      file: "bad-pfact-code.dat", line: 15, key: "PFACTs",
      message: "unknown code 7 (item 2 of 2); valid codes are 0 (Left), 1 (Crout), 2 (Right)"),
    BadFile(
      file: "bad-rfact-code.dat", line: 21, key: "RFACTs",
      message: "unknown code 3; valid codes are 0 (Left), 1 (Crout), 2 (Right)"),
    BadFile(
      file: "bad-bcast-code.dat", line: 23, key: "BCASTs",
      message: "unknown code 9 (item 2 of 2); valid codes are 0 (1ring), 1 (1ringM), 2 (2ring), "
        + "3 (2ringM), 4 (Blong), 5 (BlongM)"),
    BadFile(
      file: "bad-swap-code.dat", line: 26, key: "SWAP",
      message: "unknown code 5; valid codes are 0 (binary-exchange), 1 (spread-roll), 2 (mix)"),
    BadFile(
      file: "bad-l1-code.dat", line: 28, key: "L1",
      message: "unknown code 3; valid codes are 0 (transposed), 1 (no-transposed)"),
    BadFile(
      file: "bad-u-code.dat", line: 29, key: "U",
      message: "unknown code 2; valid codes are 0 (transposed), 1 (no-transposed)"),
    BadFile(
      file: "bad-equil-code.dat", line: 30, key: "EQUIL",
      message: "unknown code 7; valid codes are 0 (no), 1 (yes)"),
    BadFile(
      file: "bad-count-mismatch.dat", line: 6, key: "Ns",
      message: "the count on line 5 says 4 values, found 3"),
    BadFile(
      file: "bad-count-zero.dat", line: 5, key: "# of Ns",
      message: "count 0 is not between 1 and 20"),
    BadFile(
      file: "bad-count-21.dat", line: 7, key: "# of NBs",
      message: "count 21 is not between 1 and 20"),
    BadFile(file: "bad-nbmin-zero.dat", line: 17, key: "NBMINs", message: "value 0 is less than 1"),
    BadFile(file: "bad-ndiv-one.dat", line: 19, key: "NDIVs", message: "value 1 is less than 2"),
    BadFile(
      file: "bad-depth-negative.dat", line: 25, key: "DEPTHs", message: "value -1 is less than 0"),
    BadFile(
      file: "bad-swap-threshold-negative.dat", line: 27, key: "swapping threshold",
      message: "value -1 is less than 0"),
    BadFile(file: "bad-align-zero.dat", line: 31, key: "ALIGN", message: "value 0 is less than 1"),
    BadFile(
      file: "bad-threshold-word.dat", line: 13, key: "threshold",
      message: "expected a number, found 'abc'"),
    BadFile(
      file: "bad-threshold-nan.dat", line: 13, key: "threshold",
      message: "expected a number, found 'nan'"),
    BadFile(
      file: "bad-empty-scalar.dat", line: 26, key: "SWAP",
      message: "expected an integer, found an empty line"),
    BadFile(
      file: "bad-truncated.dat", line: 13, key: "threshold",
      message: "missing: the file ends after line 12, and an HPL.dat has 31 lines"),
    BadFile(
      file: "bad-empty.dat", line: 1, key: "title",
      message: "missing: the file is empty, and an HPL.dat has 31 lines"),
  ]

  @Test(arguments: badFiles)
  func malformedFileNamesItsLine(_ bad: BadFile) throws {
    let contents = try DriverFixtures.text("HPLDat/\(bad.file)")
    let error = #expect(throws: HPLInputError.self) {
      try HPLInput.parse(contents: contents, fileName: "HPL.dat")
    }
    #expect(error?.line == bad.line)
    #expect(error?.key == bad.key)
    #expect(error?.message == bad.message)
    #expect(error?.description == "HPL.dat line \(bad.line) (\(bad.key)): \(bad.message)")
  }

  @Test func descriptionReadsLikeTheConvention() throws {
    let contents = try DriverFixtures.text("HPLDat/bad-nb-zero.dat")
    let error = #expect(throws: HPLInputError.self) {
      try HPLInput.parse(contents: contents, fileName: "HPL.dat")
    }
    #expect(error?.description == "HPL.dat line 8 (NBs): value 0 is less than 1")
  }

  @Test func readNamesTheFolderOfAMissingFile() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("HPL.dat").path
    let error = #expect(throws: HPLInputError.self) { try HPLInput.read(path: path) }
    #expect(error?.line == 0)
    #expect(error?.message == "does not exist: there is no HPL.dat in \(folder.path)")
  }

  @Test func readRejectsABinaryFile() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("HPL.dat")
    try Data([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]).write(to: url)
    let error = #expect(throws: HPLInputError.self) { try HPLInput.read(path: url.path) }
    #expect(error?.message == "is a binary file, not an HPL.dat text file")
  }

  @Test func readParsesAFile() throws {
    let input = try HPLInput.read(path: DriverFixtures.url("HPLDat/good.dat").path)
    #expect(input.problemSizes == [1000, 2000])
  }

  @Test func processCountCheckNamesTheGrid() throws {
    let input = try HPLInput.parse(contents: DriverFixtures.text("HPLDat/good.dat"))
    #expect(throws: Never.self) { try input.checkProcessCount(4) }
    let error = #expect(throws: HPLInputError.self) { try input.checkProcessCount(3) }
    #expect(error?.line == 11)
    #expect(
      error?.message.hasPrefix("grid 2 × 2 needs 4 processes, but only 3 are running") == true)
  }

  // MARK: - netlib's sample and this repository's files

  @Test(.enabled(if: DriverFixtures.hasNetlibSample, "needs ../shared/data/netlib-HPL.dat"))
  func netlibSampleGives864TestsInXhplOrder() throws {
    let input = try HPLInput.read(path: DriverFixtures.netlibSample.path)
    let tests = input.tests
    #expect(tests.count == 864)
    #expect(input.maximumProcessCount == 4)
    // Mixed radix, outermost first: grid, N, NB, DEPTH, BCAST, RFACT, PFACT, NBMIN, NDIV.
    var index = 0
    for grid in input.grids {
      for n in input.problemSizes {
        for nb in input.blockSizes {
          for rfact in input.recursivePanelFactorizations {
            for pfact in input.panelFactorizations {
              for nbmin in input.recursionStoppingSizes {
                let test = tests[index]
                #expect(test.grid == grid && test.n == n && test.nb == nb)
                #expect(test.recursivePanelFactorization == rfact)
                #expect(test.panelFactorization == pfact && test.recursionStoppingSize == nbmin)
                #expect(test.lookaheadDepth == 0 && test.broadcast == .oneRing)
                #expect(test.panelDivisions == 2 && test.threshold == 16.0)
                index += 1
              }
            }
          }
        }
      }
    }
    #expect(tests[0].variantCode == "WR00L2L2")
    #expect(tests[1].variantCode == "WR00L2L4")
    #expect(tests[2].variantCode == "WR00L2C2")
    #expect(tests[6].variantCode == "WR00C2L2")
    #expect(tests[18].n == 29 && tests[18].nb == 2)
    #expect(tests[288].grid == GridShape(rows: 1, columns: 4))
  }

  @Test func templateParses() throws {
    let input = try HPLInput.read(path: DriverFixtures.template.path)
    #expect(input.tests.count == 1)
    #expect(input.ptransTail.first?.hasPrefix("#####") == true)
    #expect(input.problemSizes[0] % input.blockSizes[0] == 0)
  }

  @Test(.enabled(if: DriverFixtures.hasDefaultDat, "hpl/HPL.dat is absent"))
  func defaultDatParses() throws {
    let input = try HPLInput.read(path: DriverFixtures.defaultDat.path)
    #expect(!input.tests.isEmpty)
  }
}

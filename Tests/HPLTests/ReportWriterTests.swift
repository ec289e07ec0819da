import Foundation
import HPL
import Testing

@Suite("xhpl report text")
struct ReportWriterTests {
  static let utc = TimeZone(identifier: "UTC")!

  /// 2026-11-22 20:07:59 UTC plus `seconds`.
  static func date(plus seconds: Double = 0) -> Date {
    var parts = DateComponents()
    (parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second) = (
      2026, 11, 22, 20, 7, 59
    )
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = utc
    return calendar.date(from: parts)!.addingTimeInterval(seconds)
  }

  static let sampleInput = HPLInput(
    problemSizes: [10000], blockSizes: [64], grids: [GridShape(rows: 2, columns: 1)])

  @Test func oneTestReportMatchesXhplByteForByte() throws {
    let expected = try DriverFixtures.text("Report/xhpl-one-test.txt")
    let writer = ReportWriter(timeZone: Self.utc)
    let test = try #require(Self.sampleInput.tests.first)
    let result = TestResult(
      parameters: test, seconds: 34.7771, gflops: 19.174, startTime: Self.date(),
      endTime: Self.date(plus: 35), residual: 1.41013730e-03, passed: true)
    let report =
      writer.header(for: Self.sampleInput)
      + writer.testResult(result, threshold: 16.0)
      + writer.footer(passed: 1, failed: 0, skipped: 0, unchecked: 0, threshold: 16.0)
    #expect(report == expected)
    if report != expected {
      let pairs = zip(report.split(separator: "\n"), expected.split(separator: "\n"))
      for (index, (got, want)) in pairs.enumerated() where got != want {
        Issue.record("line \(index + 1): got '\(got)' want '\(want)'")
        break
      }
    }
  }

  @Test func failedResidualPrintsTheSixNorms() {
    let writer = ReportWriter(timeZone: Self.utc)
    let test = TestParameters(n: 1000, nb: 64, rows: 1, columns: 1, threshold: 1e-10)
    let norms = ResidualNorms(
      residualInfinity: 2.4e-13, matrixInfinity: 136.012042, matrixOne: 134.799854,
      solutionInfinity: 3.745726, solutionOne: 490.282604, rightHandSideInfinity: 0.499890)
    let result = TestResult(
      parameters: test, seconds: 0.5, startTime: Self.date(), endTime: Self.date(plus: 1),
      residual: 4.83171621e-03, norms: norms, passed: false)
    let text = writer.testResult(result, threshold: 1e-10)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(8)
    #expect(
      Array(lines) == [
        "||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N)=   4.83171621e-03 ...... FAILED",
        "||Ax-b||_oo  . . . . . . . . . . . . . . . . . =           0.000000",
        "||A||_oo . . . . . . . . . . . . . . . . . . . =         136.012042",
        "||A||_1  . . . . . . . . . . . . . . . . . . . =         134.799854",
        "||x||_oo . . . . . . . . . . . . . . . . . . . =           3.745726",
        "||x||_1  . . . . . . . . . . . . . . . . . . . =         490.282604",
        "||b||_oo . . . . . . . . . . . . . . . . . . . =           0.499890",
        "",
      ])
  }

  @Test func uncheckedRunsPrintTheTableHeaderOnceAndNoResiduals() {
    var input = Self.sampleInput
    input.threshold = 0
    input.problemSizes = [100, 200]
    let writer = ReportWriter(timeZone: Self.utc)
    let header = writer.header(for: input)
    #expect(header.hasSuffix("ALIGN  : 8 double precision words\n\n"))
    #expect(!header.contains("residual"))
    var body = ""
    for test in input.tests {
      body += writer.testResult(
        TestResult(
          parameters: test, seconds: 1.25, startTime: Self.date(), endTime: Self.date(plus: 1)),
        threshold: 0, isFirstTest: body.isEmpty)
    }
    let expected = """
      ================================================================================
      T/V                N    NB     P     Q               Time                 Gflops
      --------------------------------------------------------------------------------
      WR11C2R4         100    64     2     1               1.25             5.4533e-04
      HPL_pdgesv() start time Sun Nov 22 20:07:59 2026

      HPL_pdgesv() end time   Sun Nov 22 20:08:00 2026

      WR11C2R4         200    64     2     1               1.25             4.3147e-03
      HPL_pdgesv() start time Sun Nov 22 20:07:59 2026

      HPL_pdgesv() end time   Sun Nov 22 20:08:00 2026


      """
    #expect(body == expected)
    let footer = writer.footer(passed: 0, failed: 0, skipped: 1, unchecked: 2, threshold: 0)
    #expect(
      footer == """
        ================================================================================

        Finished      3 tests with the following results:
                      2 tests completed without checking,
                      1 tests skipped because of illegal input values.
        --------------------------------------------------------------------------------

        End of Tests.
        ================================================================================

        """)
  }

  @Test func zeroTimePrintsNoResultLine() {
    let writer = ReportWriter(timeZone: Self.utc)
    let test = TestParameters(n: 0, nb: 64, rows: 1, columns: 1)
    let text = writer.testResult(
      TestResult(
        parameters: test, seconds: 0, startTime: Self.date(), endTime: Self.date(), residual: 0,
        passed: true),
      threshold: 16)
    #expect(!text.contains("WR11C2R4"))
    #expect(text.hasSuffix("=   0.00000000e+00 ...... PASSED\n"))
  }

  @Test func longListsContinueEightPerLine() {
    let input = HPLInput(
      problemSizes: Array(1...20), blockSizes: [64], processMapping: .columnMajor,
      grids: [GridShape(rows: 1, columns: 1)],
      panelFactorizations: [.left, .crout, .right, .left, .crout, .right, .left, .crout, .right],
      broadcasts: BroadcastTopology.allCases, swap: .binaryExchange, l1Form: .noTransposed,
      equilibration: false)
    let header = ReportWriter().header(for: input)
    let n =
      "\nN      :       1        2        3        4        5        6        7        8 "
      + "\n               9       10       11       12       13       14       15       16 "
      + "\n              17       18       19       20 \nNB     :"
    #expect(header.contains(n))
    #expect(header.contains("\nPMAP   : Column-major process mapping\n"))
    #expect(
      header.contains(
        "\nPFACT  :    Left    Crout    Right     Left    Crout    Right     Left    Crout "
          + "\n           Right \nNBMIN  :"))
    #expect(header.contains("\nBCAST  :   1ring   1ringM    2ring   2ringM    Blong   BlongM \n"))
    #expect(
      header.contains(
        "\nSWAP   : Binary-exchange\nL1     : no-transposed form\nU      : transposed form\nEQUIL  : no\n"
      ))
  }

  @Test func ctimePadsTheDay() {
    let writer = ReportWriter(timeZone: Self.utc)
    #expect(writer.ctime(Self.date()) == "Sun Nov 22 20:07:59 2026")
    #expect(writer.ctime(Self.date(plus: -20 * 86400)) == "Mon Nov  2 20:07:59 2026")
  }

  @Test func gflopsFollowsXhplsFormula() {
    #expect(abs(ReportWriter.gflops(n: 10000, seconds: 34.7771) - 19.174) < 0.001)
    let n = 1000.0
    let expected = (2.0 / 3.0 * n * n * n + 1.5 * n * n) / 2.0 / 1e9
    #expect(abs(ReportWriter.gflops(n: 1000, seconds: 2) - expected) < 1e-12)
  }

  @Test func skipNoticesUseHplsWarningFormat() {
    #expect(
      ReportWriter().skipNotice("[1,0] Memory allocation failed for A, x and b. Skip.")
        == "HPL ERROR from process # 0, in function HPL_pdtest:\n"
        + ">>> [1,0] Memory allocation failed for A, x and b. Skip. <<<\n\n")
  }
}

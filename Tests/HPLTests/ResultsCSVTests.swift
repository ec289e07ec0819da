import Foundation
import HPL
import Testing

@Suite("results/hpl.csv")
struct ResultsCSVTests {
  static func row(n: Int = 10000, blas: String = "ATLAS 3.10.3", residual: Double? = 1.41013730e-03)
    -> ResultRow
  {
    let test = TestParameters(n: n, nb: 192, rows: 2, columns: 3, broadcast: .longModified)
    let result = TestResult(
      parameters: test, seconds: 34.7771, startTime: Date(timeIntervalSince1970: 1_795_000_000),
      endTime: Date(timeIntervalSince1970: 1_795_000_035), residual: residual,
      passed: residual.map { $0 < 16 })
    return ResultRow(
      result: result, runID: "2026-11-22-run1",
      hosts: ["rp01", "rp01", "rp02", "rp02", "rp01", "rp02"],
      blas: blas, peakResidentBytes: 851_968_000, cores: ["rp01": 6, "rp02": 4])
  }

  @Test func headerHasTheDocumentedColumns() {
    #expect(
      ResultRow.header
        == "timestamp,run_id,hosts,ranks,ranks_per_host,n,nb,p,q,pmap,pfact,nbmin,ndiv,rfact,"
        + "bcast,depth,swap,swap_threshold,l1_form,u_form,equilibration,alignment,tv,seconds,"
        + "gflops,residual,status,blas,peak_rss_mb,cores_per_host")
  }

  @Test func rowTextIsReadable() {
    #expect(
      ResultsCSV.line(for: Self.row())
        == "2026-11-18T11:07:15Z,2026-11-22-run1,rp01;rp02,6,3,10000,192,2,3,row,Right,4,2,"
        + "Crout,BlongM,1,mix,64,transposed,transposed,yes,8,WR15C2R4,34.7771,"
        + "\(ReportWriter.gflops(n: 10000, seconds: 34.7771)),0.0014101373,PASSED,ATLAS 3.10.3,812.5,4\n"
    )
  }

  @Test func rankHostsGiveHostsRanksAndRanksPerHost() throws {
    let row = Self.row()
    #expect(row.hosts == ["rp01", "rp02"] && row.ranks == 6 && row.ranksPerHost == 3)
    #expect(row.peakRSSMB == 812.5 && row.status == .passed && row.variantCode == "WR15C2R4")
    let result = TestResult(
      parameters: TestParameters(n: 100, nb: 10, rows: 1, columns: 3), seconds: 1,
      startTime: Date(timeIntervalSince1970: 0), endTime: Date(timeIntervalSince1970: 1))
    let unknown = ResultRow(
      result: result, runID: "r", hosts: ["b", "a", "b"], blas: "x", peakResidentBytes: 0)
    #expect(unknown.hosts == ["b", "a"] && unknown.ranks == 3 && unknown.ranksPerHost == 2)
    #expect(unknown.peakRSSMB == nil && unknown.status == .unchecked && unknown.residual == nil)
    #expect(unknown.coresPerHost == nil)
  }

  /// `cores_per_host` is the fewest cores of the test's hosts (with `ranks_per_host`, the most
  /// ranks on one, it bounds the load of every host), and unknown when a host is.
  @Test func coresPerHostIsTheFewestOfTheTestsHosts() {
    #expect(Self.row().coresPerHost == 4)
    let result = TestResult(
      parameters: TestParameters(n: 100, nb: 10, rows: 1, columns: 2), seconds: 1,
      startTime: Date(timeIntervalSince1970: 0), endTime: Date(timeIntervalSince1970: 1))
    let partial = ResultRow(
      result: result, runID: "r", hosts: ["a", "b"], blas: "x", peakResidentBytes: 0, cores: ["a": 2])
    #expect(partial.coresPerHost == nil)
    #expect(partial.fields.last == "")
  }

  /// A file written before `cores_per_host` existed (29 columns) still reads, with the field nil:
  /// `clusterbench compare` and `report` read older results folders through here.
  @Test func filesWithoutCoresPerHostStillRead() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("hpl.csv").path
    let header = ResultRow.columns.dropLast().joined(separator: ",")
    let line = ResultsCSV.line(for: Self.row())
    let older = String(line.dropLast(3)) + "\n"  // without ",4"
    try (header + "\n" + older).write(toFile: path, atomically: true, encoding: .utf8)
    let (rows, warnings) = try ResultsCSV.read(path: path)
    #expect(warnings.isEmpty)
    var expected = Self.row()
    expected.coresPerHost = nil
    #expect(rows == [expected])
  }

  @Test func appendCreatesFolderAndHeaderThenReadsBack() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("results/sub/hpl.csv").path
    let rows = [
      Self.row(), Self.row(n: 0, residual: nil),
      Self.row(blas: "OpenBLAS 0.3.20, \"pthreads\"\nsecond line"),
    ]
    try ResultsCSV.append(Array(rows.prefix(2)), to: path)
    try ResultsCSV.append(rows[2], to: path)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasPrefix(ResultRow.header + "\n"))
    #expect(text.components(separatedBy: ResultRow.header).count == 2)
    #expect(text.contains(",\"OpenBLAS 0.3.20, \"\"pthreads\"\"\nsecond line\","))
    let (read, warnings) = try ResultsCSV.read(path: path)
    #expect(warnings.isEmpty)
    #expect(read == rows)
    #expect(read[1].status == .unchecked && read[1].residual == nil)
  }

  @Test func truncatedLastLineIsReportedAndSkipped() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("hpl.csv").path
    try ResultsCSV.append([Self.row(), Self.row(n: 20000)], to: path)
    let full = try String(contentsOfFile: path, encoding: .utf8)
    try String(full.dropLast(30)).write(toFile: path, atomically: true, encoding: .utf8)
    let (rows, warnings) = try ResultsCSV.read(path: path)
    #expect(rows == [Self.row()])
    #expect(warnings == ["\(path) line 3: the last row has no line end (cut short?); row ignored"])

    // The next append starts on a fresh line, so only the cut row stays broken.
    try ResultsCSV.append(Self.row(n: 30000), to: path)
    let (after, laterWarnings) = try ResultsCSV.read(path: path)
    #expect(after.map(\.n) == [10000, 30000])
    #expect(laterWarnings.count == 1)
    #expect(laterWarnings[0].hasPrefix("\(path) line 3: expected 30 fields, found "))
  }

  @Test func brokenRowsNameFileLineAndColumn() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("hpl.csv").path
    let good = ResultsCSV.line(for: Self.row())
    let badNumber = good.replacingOccurrences(of: ",34.7771,", with: ",fast,")
    let badQuote = "\"unterminated,1,2\n"
    try (ResultRow.header + "\n" + good + "\n" + badNumber + ResultRow.header + "\n" + good + badQuote)
      .write(toFile: path, atomically: true, encoding: .utf8)
    let (rows, warnings) = try ResultsCSV.read(path: path)
    #expect(rows.count == 2)
    #expect(
      warnings == [
        "\(path) line 4, column seconds: expected a number, found 'fast'; row ignored",
        "\(path) line 7: a quoted field is not closed (cut short?); row ignored",
      ])
  }

  @Test func columnsAreFoundByName() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("hpl.csv").path
    let row = Self.row()
    let columns = ResultRow.columns.reversed() + ["extra"]
    let fields = row.fields.reversed() + ["x"]
    try (columns.joined(separator: ",") + "\n" + fields.joined(separator: ",") + "\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try ResultsCSV.read(path: path).rows == [row])
  }

  @Test func numericCodesAreAcceptedWhenReading() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("hpl.csv").path
    var fields = Self.row().fields
    for (column, code) in [
      ("pmap", "1"), ("pfact", "0"), ("bcast", "2"), ("swap", "1"), ("equilibration", "0"),
    ] {
      fields[ResultRow.columns.firstIndex(of: column)!] = code
    }
    try (ResultRow.header + "\n" + fields.joined(separator: ",") + "\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    let row = try #require(try ResultsCSV.read(path: path).rows.first).parameters
    #expect(row.processMapping == .columnMajor && row.panelFactorization == .left)
    #expect(row.broadcast == .twoRing && row.swap == .spreadRoll && !row.equilibration)
  }

  @Test func appendRefusesAForeignHeader() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("hpl.csv").path
    try "time,gflops\n1,2\n".write(toFile: path, atomically: true, encoding: .utf8)
    let error = #expect(throws: ResultsCSVError.self) {
      try ResultsCSV.append(Self.row(), to: path)
    }
    #expect(error?.message.hasPrefix("its header differs") == true)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "time,gflops\n1,2\n")
  }

  @Test func missingColumnsAreOneWarning() throws {
    let folder = try DriverFixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("hpl.csv").path
    try "timestamp,n\n2026-11-22T20:07:59Z,5\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    let (rows, warnings) = try ResultsCSV.read(path: path)
    #expect(rows.isEmpty)
    #expect(warnings.count == 1 && warnings[0].contains("lacks column(s) run_id, hosts"))
  }

  @Test func missingFileThrows() {
    #expect(throws: ResultsCSVError.self) { try ResultsCSV.read(path: "/nonexistent/hpl.csv") }
  }
}

import Foundation

/// Writes xhpl's report text: the header with the parameter summary, one block per test, and the
/// footer with the pass/fail counts.
///
/// The text matches HPL 2.3's byte for byte, banner included: the banner names HPL 2.3 and its
/// authors because scripts that parse xhpl output (and people comparing runs) look for exactly
/// these lines. Numbers are formatted with C-locale `printf` conventions.
///
/// With a threshold ≤ 0 xhpl prints the `T/V … Gflops` table header before the first test only;
/// pass `isFirstTest` to ``testResult(_:threshold:isFirstTest:)`` accordingly.
///
/// netlib: the output of `HPL_pdinfo` (header), `HPL_pdtest` (per test) and `HPL_pddriver` (footer)
public struct ReportWriter: Sendable {
  /// The time zone of the start and end times (`ctime` uses the local zone).
  public var timeZone: TimeZone

  public init(timeZone: TimeZone = .current) {
    self.timeZone = timeZone
  }

  private static let doubleRule = String(repeating: "=", count: 80) + "\n"
  private static let singleRule = String(repeating: "-", count: 80) + "\n"

  // MARK: - Header

  /// The banner, the explanation of the columns, the parameter summary and, when the threshold
  /// is > 0, the description of the residual check.
  ///
  /// netlib: the "regurgitate input" part of `HPL_pdinfo`
  public func header(for input: HPLInput) -> String {
    var text = Self.doubleRule
    text += "HPLinpack 2.3  --  High-Performance Linpack benchmark  --   December 2, 2018\n"
    text += "Written by A. Petitet and R. Clint Whaley,  Innovative Computing Laboratory, UTK\n"
    text += "Modified by Piotr Luszczek, Innovative Computing Laboratory, UTK\n"
    text += "Modified by Julien Langou, University of Colorado Denver\n"
    text += Self.doubleRule
    text += """

      An explanation of the input/output parameters follows:
      T/V    : Wall time / encoded variant.
      N      : The order of the coefficient matrix A.
      NB     : The partitioning blocking factor.
      P      : The number of process rows.
      Q      : The number of process columns.
      Time   : Time in seconds to solve the linear system.
      Gflops : Rate of execution for solving the linear system.

      The following parameter values will be used:

      """
    text += Self.list("N", input.problemSizes.map(Self.integer))
    text += Self.list("NB", input.blockSizes.map(Self.integer))
    text +=
      Self.label("PMAP")
      + (input.processMapping == .rowMajor
        ? " Row-major process mapping" : " Column-major process mapping")
    text += Self.list("P", input.grids.map { Self.integer($0.rows) })
    text += Self.list("Q", input.grids.map { Self.integer($0.columns) })
    text += Self.list("PFACT", input.panelFactorizations.map { Self.name($0.token) })
    text += Self.list("NBMIN", input.recursionStoppingSizes.map(Self.integer))
    text += Self.list("NDIV", input.panelDivisions.map(Self.integer))
    text += Self.list("RFACT", input.recursivePanelFactorizations.map { Self.name($0.token) })
    text += Self.list("BCAST", input.broadcasts.map { Self.name($0.token) })
    text += Self.list("DEPTH", input.lookaheadDepths.map(Self.integer))
    switch input.swap {
    case .binaryExchange: text += Self.label("SWAP") + " Binary-exchange"
    case .spreadRoll: text += Self.label("SWAP") + " Spread-roll (long)"
    case .mix: text += Self.label("SWAP") + " Mix (threshold = \(input.swapThreshold))"
    }
    text += Self.label("L1") + " \(input.l1Form.token) form"
    text += Self.label("U") + " \(input.uForm.token) form"
    text += Self.label("EQUIL") + (input.equilibration ? " yes" : " no")
    text += Self.label("ALIGN") + " \(input.alignment) double precision words"
    text += "\n\n"
    if input.threshold > 0 {
      text += Self.singleRule + "\n"
      text += "- The matrix A is randomly generated for each test.\n"
      text += "- The following scaled residual check will be computed:\n"
      text += "      ||Ax-b||_oo / ( eps * ( || x ||_oo * || A ||_oo + || b ||_oo ) * N )\n"
      text +=
        "- The relative machine precision (eps) is taken to be     "
        + String(format: " %21.6e\n", ResidualNorms.epsilon)
      text +=
        "- Computational tests pass if scaled residuals are less than      "
        + String(format: "   %11.1f\n\n", input.threshold)
    }
    return text
  }

  /// `\nLABEL  :` — the label padded to 7 characters.
  private static func label(_ label: String) -> String {
    "\n" + label.padding(toLength: 7, withPad: " ", startingAt: 0) + ":"
  }

  /// One parameter line: the values 8 per line, continuation lines indented by 8 spaces.
  private static func list(_ name: String, _ values: [String]) -> String {
    var text = label(name)
    for (index, value) in values.enumerated() {
      if index > 0, index % 8 == 0 { text += "\n        " }
      text += value
    }
    return text
  }

  private static func integer(_ value: Int) -> String { String(format: "%8ld ", value) }
  private static func name(_ name: String) -> String {
    String(repeating: " ", count: max(0, 8 - name.count)) + name + " "
  }

  // MARK: - Tests

  /// The block for one test: the table header, the result line and start/end times (when the
  /// time is > 0), and, when the residual was checked, the residual line, followed on FAILED by
  /// the six norms.
  ///
  /// - Parameters:
  ///   - result: the test's outcome (rank 0).
  ///   - threshold: the HPL.dat threshold; ≤ 0 means no residual check.
  ///   - isFirstTest: whether this is the first test to print anything. xhpl prints the table
  ///     header before every test when the threshold is > 0, but only before the first when it
  ///     is ≤ 0 (its `static int first`). Tests skipped for lack of memory print nothing and do
  ///     not count.
  ///
  /// netlib: the output of `HPL_pdtest`
  public func testResult(_ result: TestResult, threshold: Double, isFirstTest: Bool = true)
    -> String
  {
    var text = ""
    if threshold > 0 || isFirstTest {
      text += Self.doubleRule
      text += "T/V                N    NB     P     Q               Time                 Gflops\n"
      text += Self.singleRule
    }
    let parameters = result.parameters
    if result.seconds > 0 {
      text += parameters.variantCode
      text += String(
        format: "%12ld %5ld %5ld %5ld %18.2f    %19.4e\n", parameters.n, parameters.nb,
        parameters.rows, parameters.columns, result.seconds, result.gflops)
      // ctime's text ends in a newline and xhpl adds another: a blank line follows each time.
      text += "HPL_pdgesv() start time \(ctime(result.startTime))\n\n"
      text += "HPL_pdgesv() end time   \(ctime(result.endTime))\n\n"
    }
    guard threshold > 0, let residual = result.residual else { return text }
    let passed = result.passed ?? (residual < threshold)
    text += Self.singleRule
    text +=
      "||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N)= "
      + String(format: "%16.8e", residual) + " ...... " + (passed ? "PASSED" : "FAILED") + "\n"
    if !passed, let norms = result.norms {
      let lines: [(String, Double)] = [
        ("||Ax-b||_oo  . . . . . . . . . . . . . . . . . = ", norms.residualInfinity),
        ("||A||_oo . . . . . . . . . . . . . . . . . . . = ", norms.matrixInfinity),
        ("||A||_1  . . . . . . . . . . . . . . . . . . . = ", norms.matrixOne),
        ("||x||_oo . . . . . . . . . . . . . . . . . . . = ", norms.solutionInfinity),
        ("||x||_1  . . . . . . . . . . . . . . . . . . . = ", norms.solutionOne),
        ("||b||_oo . . . . . . . . . . . . . . . . . . . = ", norms.rightHandSideInfinity),
      ]
      for (label, value) in lines { text += label + String(format: "%18.6f\n", value) }
    }
    return text
  }

  /// The notice xhpl prints on the output device when it skips a test, e.g. for
  /// `[0,1] Memory allocation failed for A, x and b. Skip.` or
  /// `Error code returned by solve is 17, skip`. HPL's warning format, without netlib's C line
  /// number.
  ///
  /// netlib: `HPL_pwarn` in `HPL_pdtest`
  public func skipNotice(_ message: String) -> String {
    Self.warning(message)
  }

  private static func warning(_ message: String) -> String {
    "HPL ERROR from process # 0, in function HPL_pdtest:\n>>> \(message) <<<\n\n"
  }

  /// The rate HPL reports: (2/3 N³ + 3/2 N²) / t / 10⁹, i.e. LU (2/3 N³ − 1/2 N²) plus the
  /// solve (2 N²). Evaluated in xhpl's order, so the digits match.
  ///
  /// netlib: the `Gflops` expression of `HPL_pdtest`
  public static func gflops(n: Int, seconds: Double) -> Double {
    let order = Double(n)
    return ((order / 1.0e9) * (order / seconds)) * ((2.0 / 3.0) * order + (3.0 / 2.0))
  }

  // MARK: - Footer

  /// The closing summary. With a threshold > 0 it counts passed, failed and skipped tests; with
  /// a threshold ≤ 0, tests completed without checking (`unchecked`) and skipped tests. The total
  /// is the sum of all four counts.
  ///
  /// netlib: the end of `HPL_pddriver`
  public func footer(passed: Int, failed: Int, skipped: Int, unchecked: Int, threshold: Double)
    -> String
  {
    var text = Self.doubleRule
    text += String(
      format: "\nFinished %6ld tests with the following results:\n",
      passed + failed + skipped + unchecked)
    if threshold > 0 {
      text += String(format: "         %6ld tests completed and passed residual checks,\n", passed)
      text += String(format: "         %6ld tests completed and failed residual checks,\n", failed)
    } else {
      text += String(format: "         %6ld tests completed without checking,\n", unchecked)
    }
    text += String(
      format: "         %6ld tests skipped because of illegal input values.\n", skipped)
    text += Self.singleRule
    text += "\nEnd of Tests.\n"
    text += Self.doubleRule
    return text
  }

  // MARK: - Dates

  /// `date` as C's `ctime` writes it, without the newline: `Sun Nov 22 20:07:59 2026` (the day
  /// of the month is space-padded: `Mon Nov  2 …`).
  public func ctime(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let parts = calendar.dateComponents(
      [.weekday, .month, .day, .hour, .minute, .second, .year], from: date)
    let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    return weekdays[(parts.weekday ?? 1) - 1] + " " + months[(parts.month ?? 1) - 1]
      + String(
        format: "%3ld %02ld:%02ld:%02ld %ld", parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0,
        parts.second ?? 0, parts.year ?? 0)
  }
}

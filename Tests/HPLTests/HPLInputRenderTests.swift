import Foundation
import HPL
import Testing

@Suite("HPL.dat rendering")
struct HPLInputRenderTests {
  @Test(arguments: [
    "good.dat", "good-ptrans-tail.dat", "good-device-file.dat", "good-threshold-zero.dat",
  ])
  func renderReproducesFilesInXhplsLayout(_ name: String) throws {
    let text = try DriverFixtures.text("HPLDat/\(name)")
    #expect(try HPLInput.parse(contents: text).render() == text)
  }

  @Test(.enabled(if: DriverFixtures.hasNetlibSample, "needs ../shared/data/netlib-HPL.dat"))
  func renderReproducesNetlibsSampleByteForByte() throws {
    let text = try String(contentsOf: DriverFixtures.netlibSample, encoding: .utf8)
    #expect(try HPLInput.parse(contents: text).render() == text)
  }

  @Test func roundTripKeepsEveryValue() throws {
    let input = HPLInput(
      outputDevice: .standardError,
      problemSizes: Array(stride(from: 1000, through: 20000, by: 1000)),
      blockSizes: [32, 64, 96, 128, 160, 192, 224, 256, 288],
      processMapping: .columnMajor,
      grids: [GridShape(rows: 1, columns: 8), GridShape(rows: 2, columns: 4)],
      threshold: 1e-10,
      panelFactorizations: PanelFactorization.allCases,
      recursionStoppingSizes: [1, 2, 100],
      panelDivisions: [2, 3, 4],
      recursivePanelFactorizations: [.right, .left],
      broadcasts: BroadcastTopology.allCases,
      lookaheadDepths: [0, 1, 12],
      swap: .spreadRoll, swapThreshold: 0,
      l1Form: .noTransposed, uForm: .noTransposed, equilibration: false, alignment: 16,
      ptransTail: ["#### separator", "", "anything   at all"])
    let text = input.render()
    #expect(try HPLInput.parse(contents: text) == input)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 31 + 3 + 1)
    #expect(lines[3] == "7            device out (6=stdout,7=stderr,file)")
    #expect(lines[12] == "1e-10        threshold")
    // A value wider than the padding still gets one space before its comment.
    #expect(lines[5].hasSuffix("20000 Ns"))
  }

  @Test func defaultsAreTheCommonTunedSettings() {
    let input = HPLInput(
      problemSizes: [10000], blockSizes: [64], grids: [GridShape(rows: 2, columns: 1)])
    let expected = """
      HPLinpack benchmark input file
      Innovative Computing Laboratory, University of Tennessee
      HPL.out      output file name (if any)
      6            device out (6=stdout,7=stderr,file)
      1            # of problems sizes (N)
      10000        Ns
      1            # of NBs
      64           NBs
      0            PMAP process mapping (0=Row-,1=Column-major)
      1            # of process grids (P x Q)
      2            Ps
      1            Qs
      16.0         threshold
      1            # of panel fact
      2            PFACTs (0=left, 1=Crout, 2=Right)
      1            # of recursive stopping criterium
      4            NBMINs (>= 1)
      1            # of panels in recursion
      2            NDIVs
      1            # of recursive panel fact.
      1            RFACTs (0=left, 1=Crout, 2=Right)
      1            # of broadcast
      1            BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)
      1            # of lookahead depth
      1            DEPTHs (>=0)
      2            SWAP (0=bin-exch,1=long,2=mix)
      64           swapping threshold
      0            L1 in (0=transposed,1=no-transposed) form
      0            U  in (0=transposed,1=no-transposed) form
      1            Equilibration (0=no,1=yes)
      8            memory alignment in double (> 0)

      """
    #expect(input.render() == expected)
  }
}

import Foundation

/// Builds HPL.dat files for the program tests, line by line in netlib's layout.
struct HPLDatBuilder {
  var ns = [41]
  var nbs = [5]
  var pmap = 0
  var grids: [(Int, Int)] = [(1, 2)]
  var threshold = "16.0"
  var pfacts = [2]
  var nbmins = [4]
  var ndivs = [2]
  var rfacts = [1]
  var bcasts = [1]
  var depths = [1]
  var swap = 2
  var swapThreshold = 64
  var l1 = 0
  var u = 0
  var equilibration = 1
  var alignment = 8
  var device = 6

  var text: String {
    func list(_ values: [Int]) -> String { values.map(String.init).joined(separator: " ") }
    return """
      HPLinpack benchmark input file
      Innovative Computing Laboratory, University of Tennessee
      HPL.out      output file name (if any)
      \(device)            device out (6=stdout,7=stderr,file)
      \(ns.count)            # of problems sizes (N)
      \(list(ns))           Ns
      \(nbs.count)            # of NBs
      \(list(nbs))            NBs
      \(pmap)            PMAP process mapping (0=Row-,1=Column-major)
      \(grids.count)            # of process grids (P x Q)
      \(list(grids.map(\.0)))            Ps
      \(list(grids.map(\.1)))            Qs
      \(threshold)         threshold
      \(pfacts.count)            # of panel fact
      \(list(pfacts))            PFACTs (0=left, 1=Crout, 2=Right)
      \(nbmins.count)            # of recursive stopping criterium
      \(list(nbmins))            NBMINs (>= 1)
      \(ndivs.count)            # of panels in recursion
      \(list(ndivs))            NDIVs
      \(rfacts.count)            # of recursive panel fact.
      \(list(rfacts))            RFACTs (0=left, 1=Crout, 2=Right)
      \(bcasts.count)            # of broadcast
      \(list(bcasts))            BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)
      \(depths.count)            # of lookahead depth
      \(list(depths))            DEPTHs (>=0)
      \(swap)            SWAP (0=bin-exch,1=long,2=mix)
      \(swapThreshold)           swapping threshold
      \(l1)            L1 in (0=transposed,1=no-transposed) form
      \(u)            U  in (0=transposed,1=no-transposed) form
      \(equilibration)            Equilibration (0=no,1=yes)
      \(alignment)            memory alignment in double (> 0)

      """
  }

  /// The number of tests the file describes.
  var testCount: Int {
    ns.count * nbs.count * grids.count * pfacts.count * nbmins.count * ndivs.count * rfacts.count
      * bcasts.count * depths.count
  }
}

/// A fresh temporary working directory for one program run.
func makeWorkingDirectory(_ name: String) throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "hplswift-test-\(name)-\(UUID().uuidString.prefix(8))")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

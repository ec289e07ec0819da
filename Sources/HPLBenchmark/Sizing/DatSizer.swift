import Foundation
import HPL
import SuiteCore

/// Sizes an HPL.dat for a cluster: `hplswift dat`.
///
/// - Ranks: one per core (HPL with a single-threaded BLAS).
/// - N: the largest multiple of NB whose matrix, 8 · N² bytes, fits the given share of memory.
///   The matrix is spread evenly over the ranks, so the node with the least memory per rank
///   decides (HPL's FAQ: "what counts is the available amount of memory to each process").
/// - Grid: P × Q = ranks with P ≤ Q, as close to square as the divisors allow (HPL's FAQ: P and Q
///   about equal, Q slightly larger).
/// - NB: 192 unless given; see ``HPLInput/defaultBlockSize``.
/// - The other lines: the settings of commonly tuned HPL.dat files, the defaults of ``HPLInput``
///   (PMAP row, threshold 16.0, PFACT Right, NBMIN 4, NDIV 2, RFACT Crout, BCAST 1ringM, DEPTH 1,
///   SWAP mix with threshold NB, L1 and U transposed, EQUIL yes, ALIGN 8).
public enum DatSizer {
  /// NB when none is given: 192.
  ///

  /// The most ranks, and the largest NB, an HPL.dat may hold: xhpl reads C ints, and MPI
  /// numbers ranks with one.
  public static let maximumRanks = Int(Int32.max)

  /// The `hplswift dat` command that sizes for `nodes` nodes like `node`, e.g.
  /// `hplswift dat --nodes 4 --memory-per-node 23.54GiB --cores-per-node 2`; the memory is
  /// rounded down, so the command never describes more than the node has.
  public static func clusterCommand(like node: NodeResources, nodes: Int) -> String {
    let gibibytes = (Double(node.memTotalBytes) / 1_073_741_824 * 100).rounded(.down) / 100
    let memory =
      gibibytes >= 1
      ? String(format: "%.2fGiB", gibibytes) : "\(node.memTotalBytes / 1_048_576)MiB"
    return "hplswift dat --nodes \(nodes) --memory-per-node \(memory) --cores-per-node \(node.cores)"
  }

  /// Sizes from the command-line description of identical nodes.
  ///
  /// - Parameters:
  ///   - nodeCount: `--nodes`.
  ///   - memoryPerNodeBytes: `--memory-per-node`, the RAM of one node.
  ///   - coresPerNode: `--cores-per-node`, the ranks per node.
  ///   - fraction: `--memory-fraction`, the share of all memory the matrix may use, in (0, 1].
  ///   - nb: `--nb`, or nil for ``HPLInput/defaultBlockSize``.
  public static func plan(
    nodeCount: Int, memoryPerNodeBytes: Int, coresPerNode: Int, fraction: Double, nb: Int? = nil
  ) throws(DatSizerError) -> DatPlan {
    guard nodeCount >= 1 else {
      throw DatSizerError(flag: "--nodes", message: "value \(nodeCount) is less than 1")
    }
    guard memoryPerNodeBytes > 0 else {
      throw DatSizerError(
        flag: "--memory-per-node", message: "the memory must be more than 0 bytes")
    }
    guard coresPerNode >= 1 else {
      throw DatSizerError(flag: "--cores-per-node", message: "value \(coresPerNode) is less than 1")
    }
    try check(fraction: fraction)
    let blockSize = try blockSize(nb)
    let (ranks, overflow) = nodeCount.multipliedReportingOverflow(by: coresPerNode)
    guard !overflow, ranks <= maximumRanks else {
      throw DatSizerError(
        flag: "--nodes",
        message:
          "\(nodeCount) nodes × \(coresPerNode) core\(coresPerNode == 1 ? "" : "s") (--cores-per-node) is more than "
          + "\(maximumRanks) ranks, the most MPI can number (a C int)")
    }
    let totalBytes = Double(nodeCount) * Double(memoryPerNodeBytes)
    let budget = Int(min(totalBytes * fraction, 9.0e18))
    let memory =
      "Memory: \(percent(fraction)) of \(nodeCount) × \(ByteSize.describe(memoryPerNodeBytes)) "
      + "= \(ByteSize.describe(budget)) for the matrix (HPL's FAQ: about 80 % of the total "
      + "leaves room for the OS and MPI)."
    return try plan(
      nodeCount: nodeCount, ranks: ranks, ranksPerNode: coresPerNode, fraction: fraction,
      budget: budget, nb: blockSize, nbGiven: nb != nil,
      preamble: [
        "Ranks: \(nodeCount) node\(nodeCount == 1 ? "" : "s") × \(coresPerNode) "
          + "core\(coresPerNode == 1 ? "" : "s") = \(ranks) rank\(ranks == 1 ? "" : "s"), one per core.",
        memory,
      ],
      memoryFlag: "--memory-per-node")
  }

  /// Sizes from measured nodes (`--from-cluster`).
  ///
  /// Each node may give the matrix min(MemTotal × fraction, MemAvailable): the fraction leaves
  /// room for the OS, and MemAvailable keeps a node that is already busy from swapping. The node
  /// with the least of that per core sets the share of every rank, because HPL spreads the
  /// matrix evenly: budget = min over nodes of (usable / cores) × all cores. With identical
  /// cores this is the smallest node's usable memory × the node count.
  ///
  /// - Parameters:
  ///   - nodes: one entry per node (global input).
  ///   - fraction: the share of each node's MemTotal the matrix may use, in (0, 1].
  ///   - nb: the block size, or nil for ``HPLInput/defaultBlockSize``.
  public static func plan(nodes: [NodeResources], fraction: Double, nb: Int? = nil)
    throws(DatSizerError) -> DatPlan
  {
    guard !nodes.isEmpty else {
      throw DatSizerError(flag: nil, message: "no nodes reported their resources")
    }
    if let node = nodes.first(where: { $0.cores < 1 || $0.memTotalBytes <= 0 }) {
      throw DatSizerError(
        flag: nil,
        message: "node \(node.host) reports \(node.cores) cores and "
          + "\(node.memTotalBytes) bytes of memory")
    }
    try check(fraction: fraction)
    let blockSize = try blockSize(nb)
    func usable(_ node: NodeResources) -> Double {
      min(Double(node.memTotalBytes) * fraction, Double(max(0, node.memAvailableBytes)))
    }
    let tightest = nodes.min { usable($0) / Double($0.cores) < usable($1) / Double($1.cores) }!
    let ranks = nodes.reduce(0) { $0 + min($1.cores, maximumRanks) }
    guard ranks <= maximumRanks else {
      throw DatSizerError(
        flag: nil,
        message: "the nodes have \(ranks) cores in all, more than \(maximumRanks) ranks, the most MPI can number")
    }
    let perRank = usable(tightest) / Double(tightest.cores)
    let budget = Int(min(perRank * Double(ranks), 9.0e18))
    let coreCounts = Set(nodes.map(\.cores))
    let perNode =
      coreCounts.count == 1
      ? "\(tightest.cores) per node" : "\(coreCounts.min()!) to \(coreCounts.max()!) per node"
    let limit =
      Double(tightest.memTotalBytes) * fraction <= Double(tightest.memAvailableBytes)
      ? "\(percent(fraction)) of MemTotal" : "MemAvailable"
    let shareOfTotal = Double(tightest.memTotalBytes) * fraction
    let preamble = [
      "Ranks: \(nodes.count) node\(nodes.count == 1 ? "" : "s") with \(ranks) cores in all "
        + "(\(perNode)), one rank per core.",
      "Memory: each node may give the matrix min(\(percent(fraction)) of MemTotal, MemAvailable): "
        + "the fraction leaves room for the OS and MPI, MemAvailable keeps a busy node from "
        + "swapping. The tightest per rank is \(tightest.host): min(\(percent(fraction)) of "
        + "\(ByteSize.describe(tightest.memTotalBytes)) = \(ByteSize.describe(shareOfTotal)), "
        + "MemAvailable \(ByteSize.describe(tightest.memAvailableBytes))) = "
        + "\(ByteSize.describe(usable(tightest))) (\(limit)) for \(tightest.cores) "
        + "rank\(tightest.cores == 1 ? "" : "s"), \(ByteSize.describe(perRank)) per rank. HPL "
        + "spreads the matrix evenly, so it may take \(ranks) × \(ByteSize.describe(perRank)) = "
        + "\(ByteSize.describe(budget)).",
    ]
    return try plan(
      nodeCount: nodes.count, ranks: ranks, ranksPerNode: nodes.map(\.cores).max()!,
      fraction: fraction, budget: budget, nb: blockSize, nbGiven: nb != nil,
      preamble: preamble, memoryFlag: nil)
  }

  /// The largest multiple of `nb` whose N × N matrix of doubles, 8 · N² bytes, fits in
  /// `budgetBytes`; 0 when not even one block fits.
  public static func largestProblemSize(budgetBytes: Int, nb: Int) -> Int {
    guard nb >= 1, budgetBytes > 0 else { return 0 }
    func fits(_ n: Int) -> Bool { matrixBytes(n).map { $0 <= budgetBytes } ?? false }
    var n = Int((Double(budgetBytes) / 8).squareRoot()) / nb * nb
    while n > 0, !fits(n) { n -= nb }
    while n <= Int.max - nb, fits(n + nb) { n += nb }
    return n
  }

  /// 8 · N², the bytes of an N × N matrix of doubles; nil when that overflows an `Int`.
  public static func matrixBytes(_ n: Int) -> Int? {
    let (square, overflow) = n.multipliedReportingOverflow(by: n)
    let (bytes, overflowBytes) = square.multipliedReportingOverflow(by: 8)
    return overflow || overflowBytes ? nil : bytes
  }

  /// The grid for `processCount` ranks: P × Q = processCount, P ≤ Q, P the largest divisor not
  /// above √processCount. A prime count gives 1 × processCount.
  public static func grid(processCount: Int) -> GridShape {
    guard processCount >= 1 else { return GridShape(rows: 1, columns: 1) }
    var rows = Int(Double(processCount).squareRoot())
    while (rows + 1) * (rows + 1) <= processCount { rows += 1 }
    while processCount % rows != 0 { rows -= 1 }
    return GridShape(rows: rows, columns: processCount / rows)
  }

  // MARK: - Shared steps

  private static func plan(
    nodeCount: Int, ranks: Int, ranksPerNode: Int, fraction: Double, budget: Int, nb: Int,
    nbGiven: Bool, preamble: [String], memoryFlag: String?
  ) throws(DatSizerError) -> DatPlan {
    let n = largestProblemSize(budgetBytes: budget, nb: nb)
    guard n > 0 else {
      throw DatSizerError(
        flag: memoryFlag,
        message: "\(ByteSize.describe(budget)) for the matrix is less than one \(nb) × \(nb) "
          + "block (\(ByteSize.describe(8 * Double(nb) * Double(nb)))); give more memory, a larger "
          + "--memory-fraction or a smaller --nb")
    }
    let grid = grid(processCount: ranks)
    var explanation = preamble
    if nbGiven {
      explanation.append("NB = \(nb) (--nb).")
    } else {
      explanation.append(
        "NB = \(nb) (default): HPL's FAQ puts good block sizes in [32 .. 256] and advises small "
          + "multiples of the BLAS's own blocking; 192 is a multiple of the 48- and 64-column "
          + "blocks of common dgemm kernels, and larger blocks mean fewer messages on a slow "
          + "network. Sweep 128, 192 and 256 to tune it.")
    }
    let matrixBytes = 8 * Double(n) * Double(n)
    let next = Double(n) + Double(nb)
    explanation.append(
      "N = \(n): the largest multiple of NB whose matrix fits: 8·N² = "
        + "\(ByteSize.describe(matrixBytes)) ≤ \(ByteSize.describe(budget)); N = \(Int(next)) "
        + "would need \(ByteSize.describe(8 * next * next)), "
        + "\(ByteSize.describe(8 * next * next - Double(budget))) too much.")
    let perRank = matrixBytes / Double(ranks)
    explanation.append(
      "Each rank holds about 8·N²/\(ranks) = \(ByteSize.describe(perRank)) of the matrix "
        + "(\(ByteSize.describe(perRank * Double(ranksPerNode))) on a node with \(ranksPerNode) "
        + "rank\(ranksPerNode == 1 ? "" : "s")).")
    explanation.append(gridSentence(grid, ranks: ranks))
    explanation.append(
      "Other lines: PMAP row-major, threshold 16.0, PFACT Right, NBMIN 4, NDIV 2, RFACT Crout, "
        + "BCAST 1ringM, DEPTH 1, SWAP mix with threshold NB = \(nb), L1 and U transposed, "
        + "EQUIL yes, ALIGN 8: the settings of commonly tuned HPL.dat files.")
    let blocks = n / nb
    if blocks < grid.columns {
      explanation.append(
        "Warning: N/NB = \(blocks) block\(blocks == 1 ? "" : "s") per dimension is fewer than "
          + "Q = \(grid.columns), so some process columns get no part of the matrix; give more "
          + "memory or a smaller NB.")
    }
    if fraction > 0.9 {
      explanation.append(
        "Warning: more than 90 % of memory leaves little for the OS and MPI buffers; if a node "
          + "swaps, the result is worthless.")
    }
    let input = HPLInput(
      problemSizes: [n], blockSizes: [nb], grids: [grid], swapThreshold: nb)
    return DatPlan(
      nodeCount: nodeCount, ranks: ranks, memoryFraction: fraction, matrixBudgetBytes: budget,
      n: n, nb: nb, grid: grid, explanation: explanation, input: input)
  }

  private static func gridSentence(_ grid: GridShape, ranks: Int) -> String {
    guard grid.rows == 1, ranks >= 4 else {
      return "P × Q = \(grid.rows) × \(grid.columns): the factor pair of \(ranks) closest to "
        + "square with P ≤ Q (HPL's FAQ: P and Q about equal, Q slightly larger)."
    }
    var sentence =
      "P × Q = 1 × \(ranks): \(ranks) is prime, so only a one-row grid uses every rank."
    if let fewer = (4..<ranks).reversed().first(where: { self.grid(processCount: $0).rows >= 2 }) {
      let better = self.grid(processCount: fewer)
      sentence +=
        " With \(fewer) ranks (some cores idle) a \(better.rows) × \(better.columns) grid "
        + "would balance communication better."
    }
    return sentence
  }

  private static func check(fraction: Double) throws(DatSizerError) {
    guard fraction > 0, fraction <= 1, fraction.isFinite else {
      let hint =
        fraction > 1 && fraction <= 100
        ? "; \(fraction) looks like a percentage: write \(fraction / 100)" : ""
      throw DatSizerError(
        flag: "--memory-fraction", message: "value \(fraction) is not in (0, 1]\(hint)")
    }
  }

  private static func blockSize(_ nb: Int?) throws(DatSizerError) -> Int {
    guard let nb else { return HPLInput.defaultBlockSize }
    guard nb >= 1 else { throw DatSizerError(flag: "--nb", message: "value \(nb) is less than 1") }
    guard nb <= maximumRanks else {
      throw DatSizerError(
        flag: "--nb", message: "value \(nb) is larger than \(maximumRanks), the limit of xhpl's C int")
    }
    return nb
  }

  /// `80 %`.
  private static func percent(_ fraction: Double) -> String {
    let value = fraction * 100
    return value == value.rounded()
      ? String(format: "%.0f %%", value) : String(format: "%.1f %%", value)
  }
}

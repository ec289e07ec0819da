import ClusterRun
import HPL
import HPLBenchmark
import JobFiles
import SuiteCore

/// What `submit --dry-run` says about how an HPL point was sized, in the job's own terms: each
/// choice names the job key it comes from (`hpl.n (job key)`), the memory a rank really holds is
/// its block-cyclic share of the matrix (not the node's or the whole matrix), and warnings are
/// given only when they hold (the share × the ranks on a node exceeds the node's memory; more
/// ranks on a node than its cores).
struct HPLPointSizing {
  var explanation: [String] = []
  /// Set when the matrix does not fit a node (see ``HPLProblem/shortfall``).
  var shortfall: String?

  /// - Parameters:
  ///   - plan: `hplswift dat`'s plan for the point, with the point's N and grid set.
  ///   - used: the real resources of the nodes the point uses (their memory and cores).
  ///   - fixedN: whether N is the job's `hpl.n` (else sized from `hpl.memory_fractions`).
  init(job: JobFile, plan: DatPlan, used: [NodeResources], ranksPerNode: Int, fixedN: Bool) {
    let (n, nb, grid, ranks) = (plan.n, plan.nb, plan.grid, used.count * ranksPerNode)
    let nodes = used.count
    let given = job.ranksPerNode.isEmpty ? "the nodes' cores: ranks_per_node is not set" : "ranks_per_node, job key"
    explanation.append(
      "Ranks: \(nodes) node\(nodes == 1 ? "" : "s") × \(ranksPerNode) (\(given)) = \(ranks) rank\(ranks == 1 ? "" : "s")."
    )
    if fixedN {
      explanation.append("N = \(n) (hpl.n, job key).")
    } else {
      explanation.append(
        "Memory fraction \(plan.memoryFraction) (hpl.memory_fractions, job key) of each node's memory.")
      explanation += plan.explanation.filter { $0.hasPrefix("Memory: ") || $0.hasPrefix("N = ") }
    }
    explanation.append("NB = \(nb) (hpl.nb, job key).")
    memory(
      n: n, nb: nb, grid: grid, alignment: plan.input.alignment, tests: plan.input.tests, used: used,
      ranksPerNode: ranksPerNode, fixedN: fixedN)
    if job.hpl?.grid == .square {
      explanation += plan.explanation.filter { $0.hasPrefix("P × Q") }
    } else {
      explanation.append(
        "P × Q = \(grid.rows) × \(grid.columns) (hpl.grid: \(job.hpl?.grid.rawValue ?? "?"), job key).")
    }
    explanation += plan.explanation.filter { $0.hasPrefix("Other lines:") }
    if n / nb < grid.columns {
      explanation.append(
        "Warning: N/NB = \(n / nb) block\(n / nb == 1 ? "" : "s") per dimension is fewer than Q = \(grid.columns), "
          + "so some process columns get no part of the matrix; raise hpl.n or lower hpl.nb (job keys).")
    }
    if !fixedN && plan.memoryFraction > 0.9 {
      explanation += plan.explanation.filter { $0.hasPrefix("Warning: more than 90 %") }
    }
    if let warning = SweepPlanner.oversubscription(job: job, used: used[...], ranksPerNode: ranksPerNode) {
      explanation.append(warning)
    }
  }

  /// The matrix share of the most loaded rank (rank 0: HPL's numroc gives process 0 the most
  /// rows and columns), its rows of A and columns of [A | b], and whether a node holds it.
  private mutating func memory(
    n: Int, nb: Int, grid: GridShape, alignment: Int, tests: [TestParameters], used: [NodeResources],
    ranksPerNode: Int, fixedN: Bool
  ) {
    let rows = BlockCyclicLayout(count: n, blockSize: nb, processCount: grid.rows).localCount(on: 0)
    let columns = BlockCyclicLayout(count: n + 1, blockSize: nb, processCount: grid.columns).localCount(on: 0)
    // What hplswift allocates on that rank (rows padded to the point HPL.dat's ALIGN),
    // so the dry run and hplswift's own memory check agree.
    let allocated = DistributedMatrix.storageBytes(
      order: n, blockSize: nb, grid: grid, row: 0, column: 0, alignment: alignment)
    let perRank = allocated.map(Double.init) ?? .infinity
    let perNode = perRank * Double(ranksPerNode)
    explanation.append(
      "Each rank holds at most \(rows) × \(columns) doubles of the matrix and right-hand side = "
        + "\(ByteSize.describe(perRank)); a node with \(ranksPerNode) rank\(ranksPerNode == 1 ? "" : "s") "
        + "holds \(ByteSize.describe(perNode)).")
    // The verdict is hplswift's own (each rank's real share, summed per host), so a point the dry
    // run passes is one hplswift runs.
    let check = MatrixMemoryCheck(
      hosts: used.flatMap { Array(repeating: $0.host, count: ranksPerNode) },
      memory: used.flatMap { Array(repeating: Int(clamping: $0.memTotalBytes), count: ranksPerNode) })
    guard let excess = check.firstExcess(in: tests), let tightest = used.first(where: { $0.host == excess.host })
    else { return }
    let problem =
      "\(ranksPerNode) × \(ByteSize.describe(perRank)) = \(ByteSize.describe(perNode)) per node is more than "
      + "\(tightest.host)'s \(ByteSize.describe(tightest.memTotalBytes)) of memory: the point would swap or be "
      + "killed"
    let remedy = fixedN ? "lower hpl.n or use more nodes (job keys)" : "lower hpl.memory_fractions (job key)"
    shortfall = "N = \(n): " + problem + "; " + remedy
    explanation.append("Warning: " + problem + "; " + remedy + ".")
  }
}

extension SweepPlanner {
  /// The oversubscription warning of a point whose nodes `used` each run `ranksPerNode` ranks
  /// (`nil` when every node has a core per rank, or its cores are not known), with what to do.
  static func oversubscription(job: JobFile, used: ArraySlice<NodeResources>, ranksPerNode: Int) -> String? {
    let busy = used.filter { $0.cores > 0 && ranksPerNode > $0.cores }.map {
      (host: $0.host, ranks: ranksPerNode, cores: $0.cores)
    }
    guard let warning = NodeGroups.oversubscriptionWarning(busy) else { return nil }
    let fewest = busy.map(\.cores).min()!
    return warning.replacingOccurrences(of: "warning: ", with: "Warning: ", options: .anchored)
      + "; lower ranks_per_node (job key) to at most \(fewest), or use nodes with more cores."
  }
}

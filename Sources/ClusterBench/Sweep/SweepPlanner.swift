import Foundation
import HPL
import HPLBenchmark
import JobFiles

/// A job turned into the points it runs, in order. HPL: for each memory fraction (or N), each node
/// count ascending, each ranks per node, each NB, each repetition. Training: for each model, batch
/// and sync mode, each node count ascending, each ranks per node, each repetition.
public struct SweepPlan: Sendable {
  public var job: JobFile
  public var target: LaunchTarget
  public var points: [SweepPoint]
  /// The nodes' resources the sizing used, one per host used, in host order.
  public var resources: [NodeResources]
}

/// Plans a sweep. Sizing is `hplswift dat`'s: N is the largest multiple of NB whose matrix fits
/// the fraction of the memory of the nodes a point actually uses (the tightest node per rank
/// decides), with `ranks_per_node` ranks on each.
public enum SweepPlanner {
  /// - Parameters:
  ///   - job: the job file.
  ///   - target: where it runs (its hosts, in order).
  ///   - resources: each host's memory and cores, in host order, at least as many as the largest
  ///     node count (from the job's `memory_per_node`, the emulated cluster, or a survey).
  public static func plan(job: JobFile, target: LaunchTarget, resources: [NodeResources]) throws(JobFileError)
    -> SweepPlan
  {
    try job.checkNodes(fit: target)
    let largest = job.nodes.max()!
    guard resources.count >= largest else {
      throw JobFileError(
        path: job.path, key: "nodes",
        message: "only \(resources.count) of the \(largest) nodes reported their resources")
    }
    var points: [SweepPoint] = []
    /// `ranks_per_node` values, the cores of the nodes used when the job gives none.
    func ranksPerNodeChoices(_ nodes: Int) -> [Int] {
      job.ranksPerNode.isEmpty ? [resources.prefix(nodes).map(\.cores).min()!] : job.ranksPerNode
    }
    let namesRanksPerNode = job.ranksPerNode.count > 1
    func add(_ work: SweepPoint.Work, workID: String, nodes: Int, ranksPerNode: Int, explanation: [String]) {
      for repetition in 1...job.repetitions {
        points.append(
          SweepPoint(
            id: SweepPoint.makeID(
              nodes: nodes, ranksPerNode: namesRanksPerNode ? ranksPerNode : nil, work: workID, repetition: repetition),
            index: points.count + 1, nodes: nodes, ranksPerNode: ranksPerNode, work: work, repetition: repetition,
            hosts: Array(target.hosts.prefix(nodes)), explanation: explanation))
      }
    }
    if let training = job.train {
      // The paper's order: each configuration over the node counts, so its table fills first.
      for architecture in training.architectures {
        let flops = TrainingRun.forwardFLOPs(of: architecture)
        for batch in training.batches {
          for mode in training.syncModes {
            let run = TrainingRun(
              architecture: architecture, batchPerRank: batch, sync: mode, settings: training,
              forwardFLOPsPerImage: flops)
            for nodes in job.nodes.sorted() {
              for ranksPerNode in ranksPerNodeChoices(nodes) {
                let warning = oversubscription(
                  job: job, used: resources.prefix(nodes), ranksPerNode: ranksPerNode)
                add(
                  .training(run), workID: run.idPart, nodes: nodes, ranksPerNode: ranksPerNode,
                  explanation: warning.map { [$0] } ?? [])
              }
            }
          }
        }
      }
      return SweepPlan(job: job, target: target, points: points, resources: Array(resources.prefix(largest)))
    }
    guard let hpl = job.hpl else { return SweepPlan(job: job, target: target, points: [], resources: []) }
    let sizes: [(fraction: Double?, n: Int?)] =
      hpl.memoryFractions.isEmpty
      ? hpl.problemSizes.map { (nil, $0) } : hpl.memoryFractions.map { ($0, nil) }
    for size in sizes {
      for nodes in job.nodes.sorted() {
        let used = Array(resources.prefix(nodes))
        for ranksPerNode in ranksPerNodeChoices(nodes) {
          let sized = used.map {
            NodeResources(
              host: $0.host, memTotalBytes: $0.memTotalBytes, memAvailableBytes: $0.memAvailableBytes,
              cores: ranksPerNode)
          }
          for nb in hpl.blockSizes {
            var plan: DatPlan
            do {
              plan = try DatSizer.plan(nodes: sized, fraction: size.fraction ?? 1, nb: nb)
            } catch {
              throw JobFileError(
                path: job.path, line: job.lines["hpl"], key: "hpl",
                message: "\(nodes) node\(nodes == 1 ? "" : "s"), NB \(nb): \(error.message)")
            }
            if let n = size.n {
              plan.input.problemSizes = [n]
              plan.n = n
            }
            let grid = Self.grid(hpl.grid, ranks: nodes * ranksPerNode)
            plan.input.grids = [grid]
            plan.grid = grid
            let sizing = HPLPointSizing(
              job: job, plan: plan, used: used, ranksPerNode: ranksPerNode, fixedN: size.n != nil)
            var problem = HPLProblem(
              memoryFraction: size.fraction, n: plan.n, nb: nb, grid: grid, dat: plan.render())
            problem.shortfall = sizing.shortfall
            add(
              .hpl(problem), workID: problem.idPart, nodes: nodes, ranksPerNode: ranksPerNode,
              explanation: sizing.explanation)
          }
        }
      }
    }
    return SweepPlan(job: job, target: target, points: points, resources: Array(resources.prefix(largest)))
  }

  /// P × Q for `ranks` under `policy`.
  public static func grid(_ policy: JobFile.GridPolicy, ranks: Int) -> GridShape {
    switch policy {
    case .square: DatSizer.grid(processCount: ranks)
    case .flat: GridShape(rows: 1, columns: ranks)
    case .tall: GridShape(rows: ranks, columns: 1)
    }
  }

  /// The resources a job's own description gives (`memory_per_node`, `cores_per_node`), or `nil`
  /// when the nodes must be surveyed.
  public static func describedResources(job: JobFile, target: LaunchTarget) -> [NodeResources]? {
    let memory = job.memoryPerNodeBytes ?? target.memoryPerNodeBytes.map { Int($0) }
    // A training sweep sizes nothing from memory: with its ranks per node, it needs no survey
    // (cnnswift train checks each node's memory itself). Memory 0 stands for "not known".
    if job.kind == .train, memory == nil, let ranks = job.ranksPerNode.max() {
      return target.hosts.map { NodeResources(host: $0, memTotalBytes: 0, memAvailableBytes: 0, cores: ranks) }
    }
    guard let memory else { return nil }
    // The real cores when known (they decide oversubscription); else the ranks asked for.
    let cores = job.coresPerNode ?? target.coresPerNode ?? job.ranksPerNode.max()
    guard let cores else { return nil }
    return target.hosts.map { NodeResources(host: $0, memTotalBytes: memory, memAvailableBytes: memory, cores: cores) }
  }
}

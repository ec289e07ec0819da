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
    var points = PointList(job: job, target: target, resources: resources)
    if let training = job.train {
      addTrainingPoints(training, to: &points)
    } else if let hpl = job.hpl {
      try addHPLPoints(hpl, to: &points)
    } else {
      return SweepPlan(job: job, target: target, points: [], resources: [])
    }
    return SweepPlan(job: job, target: target, points: points.points, resources: Array(resources.prefix(largest)))
  }

  /// A training job's points: the paper's order, each configuration over the node counts, so its
  /// table fills first.
  private static func addTrainingPoints(_ training: TrainingSettings, to points: inout PointList) {
    for model in training.models {
      let flops = training.dataSets.map { TrainingRun.forwardFLOPs(of: model, settings: training, data: $0) }
      for batch in training.batches {
        for mode in training.syncModes {
          for (data, flops) in zip(training.dataSets, flops) {
            let run = TrainingRun(
              model: model, batchPerRank: batch, sync: mode, data: data, settings: training,
              forwardFLOPsPerImage: flops)
            addOverNodes(.training(run), workID: run.idPart, to: &points)
          }
        }
      }
    }
  }

  /// `work` on each node count of the job and each ranks per node.
  private static func addOverNodes(_ work: SweepPoint.Work, workID: String, to points: inout PointList) {
    for nodes in points.job.nodes.sorted() {
      for ranksPerNode in points.ranksPerNodeChoices(nodes) {
        let warning = oversubscription(
          job: points.job, used: points.resources.prefix(nodes), ranksPerNode: ranksPerNode)
        points.add(
          work, workID: workID, nodes: nodes, ranksPerNode: ranksPerNode, explanation: warning.map { [$0] } ?? [])
      }
    }
  }

  /// An HPL job's points: for each memory fraction (or N), each node count, each ranks per node, each NB.
  private static func addHPLPoints(_ hpl: JobFile.HPLSettings, to points: inout PointList) throws(JobFileError) {
    let sizes: [(fraction: Double?, n: Int?)] =
      hpl.memoryFractions.isEmpty
      ? hpl.problemSizes.map { (nil, $0) } : hpl.memoryFractions.map { ($0, nil) }
    for size in sizes {
      for nodes in points.job.nodes.sorted() {
        let used = Array(points.resources.prefix(nodes))
        for ranksPerNode in points.ranksPerNodeChoices(nodes) {
          for nb in hpl.blockSizes {
            let (problem, sizing) = try hplProblem(
              job: points.job, grid: hpl.grid, fraction: size.fraction, n: size.n, nb: nb, used: used,
              ranksPerNode: ranksPerNode)
            points.add(
              .hpl(problem), workID: problem.idPart, nodes: nodes, ranksPerNode: ranksPerNode,
              explanation: sizing.explanation)
          }
        }
      }
    }
  }

  /// One HPL point's problem, sized as `hplswift dat` would for the nodes `used`, each running
  /// `ranksPerNode` ranks: N from `fraction` of their memory, or the fixed `n`.
  private static func hplProblem(
    job: JobFile, grid policy: JobFile.GridPolicy, fraction: Double?, n fixedN: Int?, nb: Int,
    used: [NodeResources], ranksPerNode: Int
  ) throws(JobFileError) -> (HPLProblem, HPLPointSizing) {
    let sized = used.map {
      NodeResources(
        host: $0.host, memTotalBytes: $0.memTotalBytes, memAvailableBytes: $0.memAvailableBytes, cores: ranksPerNode)
    }
    var plan: DatPlan
    do {
      plan = try DatSizer.plan(nodes: sized, fraction: fraction ?? 1, nb: nb)
    } catch {
      throw JobFileError(
        path: job.path, line: job.lines["hpl"], key: "hpl",
        message: "\(used.count) node\(used.count == 1 ? "" : "s"), NB \(nb): \(error.message)")
    }
    if let fixedN {
      plan.input.problemSizes = [fixedN]
      plan.n = fixedN
    }
    let grid = Self.grid(policy, ranks: used.count * ranksPerNode)
    plan.input.grids = [grid]
    plan.grid = grid
    let sizing = HPLPointSizing(job: job, plan: plan, used: used, ranksPerNode: ranksPerNode, fixedN: fixedN != nil)
    var problem = HPLProblem(memoryFraction: fraction, n: plan.n, nb: nb, grid: grid, dat: plan.render())
    problem.shortfall = sizing.shortfall
    return (problem, sizing)
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

/// The points of a plan as they are added, numbered in order, each repeated `repetitions` times.
private struct PointList {
  let job: JobFile
  let target: LaunchTarget
  let resources: [NodeResources]
  private(set) var points: [SweepPoint] = []

  init(job: JobFile, target: LaunchTarget, resources: [NodeResources]) {
    (self.job, self.target, self.resources) = (job, target, resources)
  }

  /// `ranks_per_node` values, the cores of the nodes used when the job gives none.
  func ranksPerNodeChoices(_ nodes: Int) -> [Int] {
    job.ranksPerNode.isEmpty ? [resources.prefix(nodes).map(\.cores).min()!] : job.ranksPerNode
  }

  /// Adds `work` on the first `nodes` hosts once per repetition. The ranks per node are part of
  /// the point's id only when the job sweeps them.
  mutating func add(_ work: SweepPoint.Work, workID: String, nodes: Int, ranksPerNode: Int, explanation: [String]) {
    let namesRanksPerNode = job.ranksPerNode.count > 1
    for repetition in 1...job.repetitions {
      points.append(
        SweepPoint(
          id: SweepPoint.makeID(
            nodes: nodes, ranksPerNode: namesRanksPerNode ? ranksPerNode : nil, work: workID, repetition: repetition),
          index: points.count + 1, nodes: nodes, ranksPerNode: ranksPerNode, work: work, repetition: repetition,
          hosts: Array(target.hosts.prefix(nodes)), explanation: explanation))
    }
  }
}

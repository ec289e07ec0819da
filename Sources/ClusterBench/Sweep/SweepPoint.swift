import CNN
import HPL
import JobFiles

/// One point of a sweep: a node count, ranks per node and what runs there (an HPL problem or a
/// training run), to be run `repetition` times.
public struct SweepPoint: Sendable, Equatable {
  /// What a point runs.
  public enum Work: Sendable, Equatable {
    case hpl(HPLProblem)
    case training(TrainingRun)
  }

  /// Stable across runs of the same job: `nodes04-mem0.80-nb192-rep1`, `nodes02-n10000-nb128-rep2`,
  /// `nodes02-lenet-b64-sync-batch-rep1` (with `-ppnK` after the node count when the job lists
  /// several `ranks_per_node`).
  public var id: String
  /// 1-based position in the plan.
  public var index: Int
  public var nodes: Int
  public var ranksPerNode: Int
  public var work: Work
  public var repetition: Int
  /// The hosts used: the first `nodes` of the target.
  public var hosts: [String]
  /// How the point was sized (HPL: `hplswift dat`'s reasoning).
  public var explanation: [String]

  public init(
    id: String, index: Int, nodes: Int, ranksPerNode: Int, work: Work, repetition: Int, hosts: [String],
    explanation: [String] = []
  ) {
    (self.id, self.index, self.nodes, self.ranksPerNode, self.work) = (id, index, nodes, ranksPerNode, work)
    (self.repetition, self.hosts, self.explanation) = (repetition, hosts, explanation)
  }

  public var ranks: Int { nodes * ranksPerNode }

  /// The HPL problem, for a point of an HPL sweep.
  public var hpl: HPLProblem? {
    if case .hpl(let problem) = work { return problem }
    return nil
  }

  /// The training run, for a point of a training sweep.
  public var training: TrainingRun? {
    if case .training(let run) = work { return run }
    return nil
  }

  /// The floating-point operations the point should take, for its time bound and the sweep's
  /// estimate of the time left.
  public var flops: Double {
    switch work {
    case .hpl(let problem): problem.flops
    case .training(let run): run.expectedFLOPs(ranks: ranks)
    }
  }

  /// What the point runs, in a few words, for progress lines.
  public var summary: String {
    let place = "on \(nodes) node\(nodes == 1 ? "" : "s") (\(ranks) rank\(ranks == 1 ? "" : "s"))"
    switch work {
    case .hpl(let problem):
      return "N=\(problem.n) NB=\(problem.nb) P×Q=\(problem.grid.rows)×\(problem.grid.columns) \(place)"
    case .training(let run):
      return "\(run.model) batch \(run.batchPerRank) per rank, sync \(run.sync), \(run.settings.epochs) "
        + "epoch\(run.settings.epochs == 1 ? "" : "s") \(place)"
    }
  }

  static func makeID(nodes: Int, ranksPerNode: Int?, work: String, repetition: Int) -> String {
    let nodePart = "nodes" + (nodes < 10 ? "0" : "") + String(nodes) + (ranksPerNode.map { "-ppn\($0)" } ?? "")
    return "\(nodePart)-\(work)-rep\(repetition)"
  }
}

/// The HPL problem of a point of an HPL sweep.
public struct HPLProblem: Sendable, Equatable {
  /// The share of memory N was sized for; `nil` when the job gave N.
  public var memoryFraction: Double?
  public var n: Int
  public var nb: Int
  public var grid: GridShape
  /// The HPL.dat the point runs.
  public var dat: String
  /// Why the matrix does not fit a node's memory (a fixed `hpl.n` too large for the nodes), or
  /// `nil` when it fits: `--dry-run` shows it as a warning, a run refuses to start.
  public var shortfall: String? = nil

  /// HPL's operation count for N: 2/3 N³ + 3/2 N².
  public var flops: Double {
    let size = Double(n)
    return 2.0 / 3.0 * size * size * size + 1.5 * size * size
  }

  /// The part of a point's id naming the problem: `mem0.80-nb192`, `n10000-nb128`.
  var idPart: String {
    (memoryFraction.map { "mem" + String(format: "%.2f", $0) } ?? "n\(n)") + "-nb\(nb)"
  }
}

extension TrainingRun {
  /// Forward, backward and update of every image of every epoch: about three forward passes per
  /// image. The training set's size is the synthetic count, a time-series set's cases when the job read its
  /// file, or Fashion-MNIST's 60,000 for data in a folder (not read here: it may exist on the nodes only).
  public func expectedFLOPs(ranks: Int) -> Double {
    var images = 60_000
    if let data, case .synthetic(let count, _)? = try? DataSource(spec: data) { images = count }
    if let data, let shape = settings.seriesShapes[data] { images = shape.cases }
    if let steps = settings.stepsPerEpoch { images = min(images, steps * batchPerRank * ranks) }
    return 3 * forwardFLOPsPerImage * Double(images) * Double(settings.epochs)
  }
}

import HPL

/// One point of a sweep: a node count and an HPL problem, to be run `repetition` times.
public struct SweepPoint: Sendable, Equatable {
  /// Stable across runs of the same job: `nodes04-mem0.80-nb192-rep1`, `nodes02-n10000-nb128-rep2`.
  public var id: String
  /// 1-based position in the plan.
  public var index: Int
  public var nodes: Int
  public var ranksPerNode: Int
  /// The share of memory N was sized for; `nil` when the job gave N.
  public var memoryFraction: Double?
  public var n: Int
  public var nb: Int
  public var grid: GridShape
  public var repetition: Int
  /// The hosts used: the first `nodes` of the target.
  public var hosts: [String]
  /// The HPL.dat the point runs.
  public var dat: String
  /// How N and the grid were chosen (from `hplswift dat`'s reasoning).
  public var explanation: [String]

  public var ranks: Int { nodes * ranksPerNode }

  /// HPL's operation count for N: 2/3 N³ + 3/2 N².
  public var flops: Double {
    let size = Double(n)
    return 2.0 / 3.0 * size * size * size + 1.5 * size * size
  }

  static func makeID(nodes: Int, memoryFraction: Double?, n: Int, nb: Int, repetition: Int) -> String {
    let nodePart = "nodes" + (nodes < 10 ? "0" : "") + String(nodes)
    let size = memoryFraction.map { "mem" + String(format: "%.2f", $0) } ?? "n\(n)"
    return "\(nodePart)-\(size)-nb\(nb)-rep\(repetition)"
  }
}

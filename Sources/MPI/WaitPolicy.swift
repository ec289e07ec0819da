import Synchronization

/// How this process waits in a blocking MPI call: spin inside MPI, or test and yield the CPU.
///
/// MPICH's ch4:ucx polls without pause while it waits (PLATFORM.md section 4). With a core per
/// rank that is the fastest way to wait, but when a node runs more ranks than it has CPUs the
/// spinning rank holds a core that the rank it waits for needs, so every blocking call costs
/// about a scheduler time slice. In yielding mode the layer starts each blocking operation as
/// its non-blocking form (`MPI_Isend`, `MPI_Ibcast`, ...) and tests the request, calling
/// `sched_yield()` between tests, so a descheduled peer gets the core at once.
///
/// ``MPIEnvironment/initialize(threadLevel:)`` chooses the policy from
/// `CLUSTERBENCH_MPI_WAIT` (``decide(environmentValue:ranksOnNode:availableCPUs:)``), and every
/// process of the world uses the same one: MPI never matches a blocking collective with a
/// non-blocking one (MPI-4.0 section 6.12), so the policy is global input.
/// There is no C equivalent; the C functions involved are `MPI_Test` and `sched_yield`.
public enum WaitPolicy: Sendable, CaseIterable, CustomStringConvertible {
  /// Blocking MPI calls, exactly as MPI provides them: the fastest wait with a CPU per rank.
  case busy
  /// Non-blocking calls completed by `MPI_Test` with `sched_yield()` between tests: for nodes
  /// that run more ranks than they have CPUs.
  case yielding

  /// `"busy"` or `"yielding"`.
  public var description: String {
    switch self {
    case .busy: "busy"
    case .yielding: "yielding"
    }
  }

  /// The policy for a process, from the value of `CLUSTERBENCH_MPI_WAIT` and the node's load.
  ///
  /// - Parameters:
  ///   - environmentValue: `busy`, `yield` or `auto` (any case, surrounding spaces ignored);
  ///     `nil` or empty means `auto`.
  ///   - ranksOnNode: the processes of the job on this node.
  ///   - availableCPUs: the CPUs this process may run on.
  /// - Returns: the explicit choice, or for `auto` ``yielding`` when `ranksOnNode` exceeds
  ///   `availableCPUs` and ``busy`` otherwise.
  /// - Throws: ``MPIError`` naming the variable and its accepted values for any other value.
  public static func decide(environmentValue: String?, ranksOnNode: Int, availableCPUs: Int)
    throws -> WaitPolicy
  {
    try Setting(environmentValue: environmentValue).resolve(
      ranksOnNode: ranksOnNode, availableCPUs: availableCPUs)
  }

  /// A value of `CLUSTERBENCH_MPI_WAIT`, read before MPI starts so a bad value fails early.
  internal enum Setting: Equatable {
    case busy, yielding, automatic

    init(environmentValue: String?) throws {
      let text = (environmentValue ?? "").trimmingSpaces.lowercased()
      switch text {
      case "busy": self = .busy
      case "yield": self = .yielding
      case "auto", "": self = .automatic
      default:
        throw MPIError.invalidArgument(
          "MPIEnvironment.initialize",
          "\(MPIEnvironment.waitPolicyEnvironmentVariable) is '\(environmentValue ?? "")'; "
            + "accepted values are busy, yield and auto (the default)")
      }
    }

    func resolve(ranksOnNode: Int, availableCPUs: Int) -> WaitPolicy {
      switch self {
      case .busy: .busy
      case .yielding: .yielding
      case .automatic: ranksOnNode > max(1, availableCPUs) ? .yielding : .busy
      }
    }
  }

  /// The policy of this process: ``busy`` until ``MPIEnvironment/initialize(threadLevel:)``
  /// decides. Read once per blocking call, hence an atomic rather than a lock.
  private static let storage = Atomic<Bool>(false)

  /// The policy every blocking call of this module follows now.
  internal static var current: WaitPolicy {
    get { storage.load(ordering: .relaxed) ? .yielding : .busy }
    set { storage.store(newValue == .yielding, ordering: .relaxed) }
  }
}

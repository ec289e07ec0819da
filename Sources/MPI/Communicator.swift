/// A group of processes that communicate: the world, or a part split from it.
///
/// Point-to-point calls are in `Communicator+PointToPoint.swift`, collectives in
/// `Communicator+Broadcast.swift`, `+Reduce`, `+Gather` and `+Scatter`. Every call throws
/// ``MPIError`` with MPI's message when MPI reports an error. Every blocking call waits as
/// ``MPIEnvironment/waitPolicy`` says: inside MPI's blocking function (busy), or through its
/// non-blocking form, yielding the CPU between tests (yielding). A communicator made by
/// ``split(color:key:)``, ``splitShared(key:)`` or ``duplicate()`` is freed when its last
/// reference goes away (if MPI is still running); ``world`` never is.
/// The corresponding C type is `MPI_Comm`.
public final class Communicator: @unchecked Sendable {
  /// The C handle (`MPI_Comm`, an `int` in MPICH). Immutable, hence the `@unchecked Sendable`.
  @usableFromInline
  internal let handle: Int32
  /// Whether `deinit` frees the handle (not for the world communicator).
  private let ownsHandle: Bool
  /// Rank and size of a derived communicator, fixed at creation; `nil` for the world.
  private let fixedRank: Int?
  private let fixedSize: Int?

  /// All processes of the job. Usable after ``MPIEnvironment/initialize(threadLevel:)``; its
  /// errors return to the caller (`MPI_ERRORS_RETURN`). The corresponding C constant is
  /// `MPI_COMM_WORLD`.
  public static let world = Communicator(worldHandle: Constants.commWorld)

  /// A source rank that matches any sender. The corresponding C constant is `MPI_ANY_SOURCE`.
  public static let anySource = Int(Constants.anySource)
  /// A tag that matches any tag. The corresponding C constant is `MPI_ANY_TAG`.
  public static let anyTag = Int(Constants.anyTag)
  /// A rank that sends and receives nothing, so edge processes need no special case.
  /// The corresponding C constant is `MPI_PROC_NULL`.
  public static let nullProcess = Int(Constants.processNull)

  private init(worldHandle: Int32) {
    handle = worldHandle
    ownsHandle = false
    fixedRank = nil
    fixedSize = nil
  }

  /// Takes ownership of a handle just created by MPI.
  private init(owning handle: Int32) throws {
    // A derived communicator's rank and size never change: read them once. If that fails,
    // free the handle here, since `deinit` does not run for a half-initialized object.
    do {
      fixedRank = try CMPI.commRank(handle)
      fixedSize = try CMPI.commSize(handle)
    } catch {
      CMPI.commFree(handle)
      throw error
    }
    self.handle = handle
    ownsHandle = true
  }

  deinit {
    if ownsHandle, CMPI.initialized(), !CMPI.finalized() {
      CMPI.commFree(handle)
    }
  }

  /// This process's rank in the communicator, from 0 to ``size`` − 1.
  ///
  /// Before ``MPIEnvironment/initialize(threadLevel:)`` (and after finalize) the world reports
  /// the launcher's rank (``MPIEnvironment/launcherRank``), or 0 for a singleton.
  /// The corresponding C function is `MPI_Comm_rank`.
  public var rank: Int {
    if let fixedRank { return fixedRank }
    guard CMPI.initialized(), !CMPI.finalized(), let rank = try? CMPI.commRank(handle) else {
      return MPIEnvironment.launcherRank ?? 0
    }
    return rank
  }

  /// The number of processes in the communicator.
  ///
  /// Before ``MPIEnvironment/initialize(threadLevel:)`` (and after finalize) the world reports
  /// the launcher's size (``MPIEnvironment/launcherSize``), or 1 for a singleton.
  /// The corresponding C function is `MPI_Comm_size`.
  public var size: Int {
    if let fixedSize { return fixedSize }
    guard CMPI.initialized(), !CMPI.finalized(), let size = try? CMPI.commSize(handle) else {
      return MPIEnvironment.launcherSize ?? 1
    }
    return size
  }

  /// Splits the communicator into disjoint ones, one per `color` (collective).
  ///
  /// - Parameters:
  ///   - color: local input; processes with the same color form one new communicator. `nil`
  ///     (`MPI_UNDEFINED`) takes no part and receives `nil`. Must be non-negative.
  ///   - key: local input; orders the ranks in the new communicator (ties keep the old order).
  /// - Returns: this process's new communicator, or `nil` when `color` is `nil`.
  /// The corresponding C function is `MPI_Comm_split`.
  public func split(color: Int?, key: Int = 0) throws -> Communicator? {
    // MPI_UNDEFINED is itself negative, so a negative color would silently mean "none".
    if let color, color < 0 {
      throw MPIError.invalidArgument(
        "MPI_Comm_split", "the color \(color) is negative; pass nil to take no part")
    }
    let cColor = try color.map { try cInt($0, .color, in: "MPI_Comm_split") }
    let cKey = try cInt(key, .key, in: "MPI_Comm_split")
    let newHandle = try CMPI.commSplit(handle, color: cColor, key: cKey)
    guard newHandle != Constants.commNull else { return nil }
    return try Communicator(owning: newHandle)
  }

  /// Splits the communicator into the processes that share memory, that is one communicator
  /// per node (collective). `key` (local input) orders the ranks.
  /// The corresponding C call is `MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)`.
  public func splitShared(key: Int = 0) throws -> Communicator {
    let cKey = try cInt(key, .key, in: "MPI_Comm_split_type")
    return try Communicator(owning: try CMPI.commSplitShared(handle, key: cKey))
  }

  /// A new communicator with the same processes and ranks but its own message space, so a
  /// library's messages cannot match the caller's (collective).
  /// The corresponding C function is `MPI_Comm_dup`.
  public func duplicate() throws -> Communicator {
    try Communicator(owning: try CMPI.commDuplicate(handle))
  }

  /// Blocks until every process of the communicator has called it (collective).
  /// The corresponding C function is `MPI_Barrier`.
  public func barrier() throws {
    try CMPI.barrier(handle)
  }
}

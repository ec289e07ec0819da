import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The step before `MPI_Finalize` that keeps MPICH 4.0.2 + UCX 1.13 from hanging there when 3 or
/// more processes talk TCP (PLATFORM.md section 6).
///
/// What hangs: while a rank closes its endpoints in `MPI_Finalize`, UCX sends each peer a
/// zero-length TCP PUT request and waits for its acknowledgement; a peer that has already
/// entered the PMI barrier no longer runs UCX, so the acknowledgement never comes. (Seen with
/// gdb: the 25-byte request sits unread in the peer's receive queue.)
///
/// The step: one `MPI_Sendrecv` with every other rank, a barrier, and a 0.3 s pause. After it no
/// rank sends anything before its own finalize, every connection has carried traffic both ways,
/// and the pause lets every rank reach its close loop before any enters the PMI barrier. On an
/// emulated cluster it prevented the hang in every trial (0 of 24 program runs and 0 of 56
/// reproducer runs on 3-4 nodes, against about half without it); the watchdog stays as the
/// backstop. Cost: P − 1 empty messages and 0.3 s, only when the job can use TCP between
/// processes: it spans several nodes, or `UCX_TLS` rules shared memory out.
/// `CLUSTERBENCH_FINALIZE_QUIESCE=off` skips it.
enum FinalizeQuiesce {
  static let environmentVariable = "CLUSTERBENCH_FINALIZE_QUIESCE"
  static let pauseMicroseconds: UInt32 = 300_000
  static let tag = 32_000

  /// Whether `CLUSTERBENCH_FINALIZE_QUIESCE` lets the step run: `off`, `0` or `no` skip it;
  /// `on`, `1`, `yes`, empty or unset run it (any case, surrounding spaces ignored).
  ///
  /// - Throws: ``MPIError`` naming the variable, its value and the accepted values for anything
  ///   else; ``MPIEnvironment/initialize(threadLevel:)`` checks it before MPI starts.
  static func isEnabled(environmentValue: String?) throws -> Bool {
    switch (environmentValue ?? "").trimmingSpaces.lowercased() {
    case "", "on", "1", "yes": return true
    case "off", "0", "no": return false
    default:
      throw MPIError.invalidArgument(
        "MPIEnvironment.initialize",
        "\(environmentVariable) is '\(environmentValue ?? "")'; accepted values are off (or 0, no) "
          + "to skip the step before MPI_Finalize, and on (or 1, yes; the default) to run it")
    }
  }

  /// Runs the step on the world communicator when it is needed.
  static func runIfNeeded() throws {
    let environment = ProcessInfo.processInfo.environment
    guard (try? isEnabled(environmentValue: environment[environmentVariable])) ?? true else { return }
    let world = Communicator.world
    guard world.size >= 3 else { return }
    let spansNodes = try world.splitShared().size < world.size  // collective: every rank decides alike
    guard spansNodes || tcpOnly(environment["UCX_TLS"]) else { return }
    var outgoing: [Int32] = [0]
    var incoming: [Int32] = [0]
    for step in 1..<world.size {
      let destination = (world.rank + step) % world.size
      let source = (world.rank - step + world.size) % world.size
      try outgoing.withUnsafeBufferPointer { send in
        try incoming.withUnsafeMutableBufferPointer { receive in
          _ = try world.sendReceive(
            send, to: destination, sendTag: tag, into: receive, from: source, receiveTag: tag)
        }
      }
      outgoing[0] = incoming[0]
    }
    try world.barrier()
    usleep(pauseMicroseconds)
  }

  /// Whether `UCX_TLS` names TCP and no shared-memory transport (so even ranks on one node use TCP).
  static func tcpOnly(_ value: String?) -> Bool {
    guard let value = value?.lowercased(), value.contains("tcp") else { return false }
    return !["shm", "posix", "sysv", "cma", "xpmem", "knem", "all"].contains { value.contains($0) }
  }
}

import MPI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Runs checks on every rank and prints each outcome once, on rank 0.
///
/// A check's body returns `nil` when it passed on this rank, or the reason it failed; a thrown
/// error is a failure too. The outcomes of all ranks are gathered after every check, so a
/// line says "ok" only when every rank passed, and a failure names the failing ranks and the
/// reason of the first one.
final class Report {
  let world: Communicator
  private(set) var passed = 0
  private(set) var failed = 0

  init(world: Communicator) {
    self.world = world
  }

  /// Prints `line` on rank 0.
  func note(_ line: String) {
    if world.rank == 0 {
      print(line)
      fflush(nil)  // one line at a time, even through mpiexec's pipe
    }
  }

  /// Runs `body` on every rank and reports it as `name`.
  func check(_ name: String, _ body: () throws -> String?) {
    var reason: String?
    do {
      reason = try body()
    } catch {
      reason = "threw \(error)"
    }
    do {
      try publish(name, reason: reason)
    } catch {
      // Without the gather no rank can know the outcome: count it failed everywhere.
      failed += 1
      print("FAIL \(name): cannot gather the outcome on rank \(world.rank): \(error)")
    }
  }

  /// Gathers every rank's outcome and prints it on rank 0.
  private func publish(_ name: String, reason: String?) throws {
    let flags = try world.allgather(Int32(reason == nil ? 0 : 1))
    let failing = flags.indices.filter { flags[$0] != 0 }
    guard let first = failing.first else {
      passed += 1
      note("ok \(name)")
      return
    }
    failed += 1
    // The first failing rank tells rank 0 why.
    var firstReason = reason ?? ""
    if first != 0 {
      if world.rank == first {
        try world.send(Array((reason ?? "").utf8), to: 0, tag: 9_999)
      } else if world.rank == 0 {
        let status = try world.probe(from: first, tag: 9_999)
        var bytes = [UInt8](repeating: 0, count: status.count(of: UInt8.self) ?? 0)
        try world.receive(into: &bytes, from: first, tag: 9_999)
        firstReason = String(decoding: bytes, as: UTF8.self)
      }
    }
    let ranks = failing.map(String.init).joined(separator: ", ")
    note("FAIL \(name): \(firstReason) (rank\(failing.count == 1 ? "" : "s") \(ranks))")
  }

  /// Prints the closing line; returns whether any check failed.
  func finish() -> Bool {
    let total = passed + failed
    let ranks = world.size == 1 ? "1 rank" : "\(world.size) ranks"
    if failed == 0 {
      note("mpi-selftest: all \(total) checks passed on \(ranks)")
    } else {
      note("mpi-selftest: \(failed) of \(total) checks FAILED on \(ranks)")
    }
    return failed > 0
  }
}

/// `nil` when `actual` equals `expected`, else a reason naming the first differing element.
func compare<T: Equatable>(_ actual: [T], _ expected: [T], _ what: String = "result") -> String? {
  guard actual.count == expected.count else {
    return "\(what) has \(actual.count) elements, expected \(expected.count)"
  }
  for index in actual.indices where actual[index] != expected[index] {
    return "\(what)[\(index)] is \(actual[index]), expected \(expected[index])"
  }
  return nil
}

/// `nil` when every reason is `nil`, else the first reason.
func firstFailure(_ reasons: String?...) -> String? {
  reasons.lazy.compactMap { $0 }.first
}

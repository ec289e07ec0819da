extension Communicator {
  /// The problem of the first rank (in rank order) that has one, on every rank, or nil when no rank has one
  /// (`""` is no problem). Collective: one small allreduce, and an allgather of the messages only on failure.
  ///
  /// This is how a problem that one rank sees (rank 0 reading a file or failing to write a result, one rank's
  /// loss diverging) stops every rank at the same point, with one message, instead of leaving the others
  /// waiting in the next collective. The suite's one rank-agreement mechanism: hplswift and cnnswift both use it.
  public func firstProblem(_ problem: String) throws -> String? {
    let failing = try allreduce(problem.isEmpty ? Int32(0) : 1, operation: .max)
    guard failing != 0 else { return nil }
    let problems = try allgather(problem)
    return problems.first { !$0.isEmpty } ?? "a rank failed"
  }
}

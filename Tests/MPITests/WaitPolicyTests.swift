import Testing

@testable import MPI

#if canImport(Glibc)
  import Glibc
#endif

/// The wait policy's decision, without MPI: `CLUSTERBENCH_MPI_WAIT` against the node's load.
@Suite("Wait policy decision")
struct WaitPolicyDecisionTests {
  @Test(
    "explicit values win; auto yields only when ranks outnumber CPUs",
    arguments: [
      ("busy", 8, 2, WaitPolicy.busy), ("yield", 1, 64, .yielding), ("auto", 4, 2, .yielding),
      ("auto", 2, 2, .busy), ("auto", 1, 2, .busy), ("auto", 3, 2, .yielding),
      (nil, 4, 2, .yielding), (nil, 2, 4, .busy), ("", 5, 4, .yielding), (" YIELD ", 1, 2, .yielding),
      ("Busy", 4, 2, .busy), ("AUTO\n", 2, 1, .yielding), ("auto", 1, 0, .busy), ("auto", 2, 0, .yielding),
    ] as [(String?, Int, Int, WaitPolicy)])
  func decides(value: String?, ranksOnNode: Int, cpus: Int, expected: WaitPolicy) throws {
    let policy = try WaitPolicy.decide(
      environmentValue: value, ranksOnNode: ranksOnNode, availableCPUs: cpus)
    #expect(policy == expected)
  }

  @Test("an invalid value names the variable and the accepted values", arguments: ["fast", "yes", "busy,yield", "0"])
  func rejects(value: String) {
    let error = #expect(throws: MPIError.self) {
      try WaitPolicy.decide(environmentValue: value, ranksOnNode: 4, availableCPUs: 2)
    }
    let message = error?.description ?? ""
    #expect(message.contains("CLUSTERBENCH_MPI_WAIT"), "\(message)")
    #expect(message.contains("'\(value)'"), "\(message)")
    #expect(message.contains("busy, yield and auto"), "\(message)")
  }

  @Test("the variable's name and the policies' names")
  func names() {
    #expect(MPIEnvironment.waitPolicyEnvironmentVariable == "CLUSTERBENCH_MPI_WAIT")
    #expect(WaitPolicy.allCases.map(\.description) == ["busy", "yielding"])
  }

  @Test("this process may run on at least one and at most the online CPUs")
  func availableCPUs() {
    let count = CMPI.availableCPUCount()
    #expect(count >= 1)
    #expect(count <= max(1, sysconf(Int32(_SC_NPROCESSORS_CONF))))
  }
}

extension SingletonMPI {
  /// The policy in a running singleton, and every blocking call under both policies.
  @Suite("Wait policy (singleton)")
  struct WaitPolicyTests {
    @Test("initialize chose busy for one rank unless the variable says otherwise")
    func initialChoice() throws {
      _ = try startSingletonMPI()
      let value = getenv(MPIEnvironment.waitPolicyEnvironmentVariable).map { String(cString: $0) }
      let expected = try WaitPolicy.decide(
        environmentValue: value, ranksOnNode: 1, availableCPUs: CMPI.availableCPUCount())
      #expect(MPIEnvironment.waitPolicy == expected)
      #expect(try CMPI.processesOnNode(Communicator.world.handle) == 1)
    }

    @Test("blocking calls give the same results under both policies", arguments: WaitPolicy.allCases)
    func blockingCalls(policy: WaitPolicy) throws {
      let world = try startSingletonMPI()
      let original = MPIEnvironment.waitPolicy
      defer { MPIEnvironment.waitPolicy = original }
      MPIEnvironment.waitPolicy = policy
      #expect(MPIEnvironment.waitPolicy == policy)

      try world.barrier()
      #expect(try world.allreduce(2.5, operation: .sum) == 2.5)
      #expect(try world.reduce([1, 2, 3] as [Int32], operation: .max, root: 0) == [1, 2, 3])
      #expect(try world.broadcast(Int64(7), root: 0) == 7)
      #expect(try world.allgatherv([1.0, 2.0]) == [1.0, 2.0])
      #expect(try world.gather(UInt8(9), root: 0) == [9])
      #expect(try world.scatterv([4.0, 5.0], counts: [2], root: 0) == [4.0, 5.0])

      var buffer: [Double] = [1, 2, 3]
      let status = try buffer.withUnsafeMutableBufferPointer {
        try world.sendReceiveReplace($0, to: 0, sendTag: 3, from: 0, receiveTag: 3)
      }
      #expect(buffer == [1, 2, 3])
      #expect([status.source, status.tag, status.count] == [0, 3, 3])

      var received = [Int32](repeating: 0, count: 4)
      let count = try received.withUnsafeMutableBufferPointer {
        let request = try world.immediateReceive(into: $0, from: 0, tag: 4)
        try world.send([5, 6] as [Int32], to: 0, tag: 4)
        return try request.wait().count
      }
      #expect(count == 2)
      #expect(received == [5, 6, 0, 0])
    }

    @Test("an error names the blocking function under both policies", arguments: WaitPolicy.allCases)
    func errors(policy: WaitPolicy) throws {
      let world = try startSingletonMPI()
      let original = MPIEnvironment.waitPolicy
      defer { MPIEnvironment.waitPolicy = original }
      MPIEnvironment.waitPolicy = policy
      let error = #expect(throws: MPIError.self) { try world.send([1.0], to: 5, tag: 0) }
      #expect(error?.function == "MPI_Send")
      #expect(error?.message.contains("Invalid rank") == true, "\(String(describing: error))")
      let reduction = #expect(throws: MPIError.self) {
        _ = try world.allreduce(1.5, operation: .bitwiseOr)
      }
      #expect(reduction?.function == "MPI_Allreduce")
    }
  }
}

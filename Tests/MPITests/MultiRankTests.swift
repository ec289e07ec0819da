import MPI
import TestSupport
import Testing

/// Multi-rank behaviour: `mpi-selftest` (built next to the test binary) under `mpiexec -n K`.
///
/// Each run has its own deadline below the one-minute time limit, so a hung rank fails the test.
/// The suite is serialized: oversubscribed ranks busy-poll (PLATFORM.md section 4), so two
/// launches at once would only slow each other down.
@Suite("mpi-selftest under mpiexec", .serialized)
struct MultiRankTests {
  let runner = MPIRunner(deadline: .seconds(50))

  @Test("every check passes", .timeLimit(.minutes(1)), arguments: [2, 3, 4])
  func selfTest(processes: Int) async throws {
    let result = try await runner.run(executableNamed: "mpi-selftest", processes: processes)
    #expect(result.succeeded, "\(result)")
    let lines = result.outputLines
    #expect(!lines.contains { $0.hasPrefix("FAIL") }, "\(result)")
    for expected in [
      "ok allreduce Double sum", "ok reduce Int32 bitwiseXor", "ok allgatherv UInt8",
      "ok scatterv Int64", "ok gatherv Float", "ok broadcast Int root \(processes - 1)",
      "ok sendReceive Double ring", "ok immediateSend/immediateReceive Int ring",
      "ok receive anySource UInt8", "ok probe Int32", "ok split by parity", "ok splitShared",
      "ok error invalid rank", "ok immediateSend/immediateReceive Double 300000 elements",
      "mpi-selftest: \(processes) ranks, thread level funneled, wait policy ",
      "ok wait policies agree: allgatherv in place", "ok wait policies agree: sendReceiveReplace",
    ] {
      #expect(lines.contains { $0.hasPrefix(expected) }, "missing '\(expected)'\n\(result)")
    }
    for rows in 1...processes where processes % rows == 0 {
      for order in ["rowMajor", "columnMajor"] {
        let line = "ok grid \(rows)x\(processes / rows) \(order)"
        #expect(lines.contains(line), "missing '\(line)'\n\(result)")
      }
    }
    #expect(
      lines.contains { $0.hasPrefix("mpi-selftest: all ") && $0.hasSuffix("on \(processes) ranks") }
    )
  }

  /// Four ranks on this 2-core machine, with the wait policy forced each way: every check
  /// passes, the header names the policy, and both policies agree on every blocking call.
  @Test(
    "every check passes under CLUSTERBENCH_MPI_WAIT", .timeLimit(.minutes(1)),
    arguments: [("yield", "yielding"), ("busy", "busy")])
  func selfTestUnderWaitPolicy(value: String, policy: String) async throws {
    let result = try await runner.run(
      executableNamed: "mpi-selftest", processes: 4,
      environment: [MPIEnvironment.waitPolicyEnvironmentVariable: value])
    #expect(result.succeeded, "\(result)")
    let lines = result.outputLines
    #expect(!lines.contains { $0.hasPrefix("FAIL") }, "\(result)")
    #expect(
      lines.contains { $0.hasPrefix("mpi-selftest: 4 ranks, thread level funneled, wait policy \(policy), ") },
      "\(result)")
    #expect(lines.filter { $0.hasPrefix("ok wait policies agree: ") }.count == 19, "\(result)")
    #expect(lines.contains { $0.hasPrefix("mpi-selftest: all ") && $0.hasSuffix("on 4 ranks") }, "\(result)")
  }

  @Test("an invalid CLUSTERBENCH_MPI_WAIT stops every rank with a clear message", .timeLimit(.minutes(1)))
  func invalidWaitPolicy() async throws {
    let result = try await runner.run(
      executableNamed: "mpi-selftest", processes: 2,
      environment: [MPIEnvironment.waitPolicyEnvironmentVariable: "fast"])
    #expect(result.exitStatus == 1, "\(result)")
    #expect(result.standardError.contains("CLUSTERBENCH_MPI_WAIT is 'fast'"), "\(result)")
    #expect(result.standardError.contains("busy, yield and auto"), "\(result)")
  }

  /// MPICH 4.0.2 over UCX/TCP with 3 ranks hangs in MPI_Finalize in about half of all runs;
  /// the finalize watchdog must turn every such run into a clean exit (PLATFORM.md section 6).
  @Test("3 ranks over TCP finish despite the finalize bug", .timeLimit(.minutes(1)))
  func finalizeOverTCP() async throws {
    let tcp = MPIRunner(
      launcherArguments: ["-genv", "UCX_TLS", "tcp,self"], deadline: .seconds(50))
    let result = try await tcp.run(executableNamed: "mpi-selftest", processes: 3)
    #expect(result.succeeded, "\(result)")
    #expect(result.outputLines.contains { $0.hasPrefix("mpi-selftest: all ") }, "\(result)")
  }

  @Test("--help prints the usage once and exits 0", .timeLimit(.minutes(1)))
  func help() async throws {
    let result = try await runner.run(
      executableNamed: "mpi-selftest", arguments: ["--help"], processes: 2)
    #expect(result.exitStatus == 0, "\(result)")
    #expect(result.outputLines.filter { $0.hasPrefix("USAGE: ") }.count == 1, "\(result)")
  }

  @Test("an unknown argument is reported once and every rank exits 2", .timeLimit(.minutes(1)))
  func unknownArgument() async throws {
    let result = try await runner.run(
      executableNamed: "mpi-selftest", arguments: ["--ranks", "4"], processes: 2)
    #expect(result.exitStatus == 2, "\(result)")
    let complaints = result.standardError.split(separator: "\n").filter {
      $0.contains("unexpected argument '--ranks'")
    }
    #expect(complaints.count == 1, "\(result)")
  }
}

/// The runner itself: deadlines and arguments, with a tiny program instead of MPI.
@Suite("MPIRunner")
struct MPIRunnerTests {
  @Test("finds the built executables next to the test binary")
  func findsExecutables() {
    #expect(MPIRunner.executable(named: "mpi-selftest") != nil, "\(MPIRunner.buildFolder)")
    #expect(MPIRunner.executable(named: "no-such-program") == nil)
  }

  @Test("passes arguments, working directory and environment", .timeLimit(.minutes(1)))
  func argumentsAndEnvironment() async throws {
    let result = try await MPIRunner(deadline: .seconds(30)).run(
      "/bin/sh", arguments: ["-c", "echo \"$0|$PWD|$SELFTEST_VALUE\"", "a b"], processes: 1,
      workingDirectory: "/tmp", environment: ["SELFTEST_VALUE": "42"])
    #expect(result.succeeded, "\(result)")
    #expect(result.outputLines.first == "a b|/tmp|42", "\(result)")
  }

  @Test("stops a run at its deadline and says so", .timeLimit(.minutes(1)))
  func deadline() async throws {
    let result = try await MPIRunner(deadline: .seconds(2)).run(
      "/bin/sleep", arguments: ["30"], processes: 2)
    #expect(result.timedOut)
    #expect(!result.succeeded)
    // Well before the sleep would have ended by itself, with room for a loaded machine.
    #expect(result.duration < .seconds(25))
  }
}

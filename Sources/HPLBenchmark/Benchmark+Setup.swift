import ClusterRun
import Foundation
import HPL
import MPI
import SuiteCore

/// Where the run's ranks are: gathered once at the start, the same on every rank.
struct RankPlacement {
  /// The host of every rank, in rank order.
  let hosts: [String]
  /// The physical memory (`MemTotal`, bytes) of every rank's host, in rank order; 0 when unknown.
  let memory: [Int]
}

extension Benchmark {
  /// Rank 0 reads the file (bounded, see ``HPLInput/readText(path:)``) and shares its text;
  /// every rank then parses the same text, so every rank reaches the same verdict without
  /// waiting on another.
  func readInput() throws -> HPLInput {
    var text = ""
    var problem = ""
    if world.rank == 0 {
      do { text = try HPLInput.readText(path: options.datPath) } catch {
        let directory = FileManager.default.currentDirectoryPath
        problem =
          error.isMissingFile
          ? "hplswift: no HPL.dat at \(options.datPath) (working directory \(directory)).\n" + Self.missingFileHint()
          : "hplswift: \(error.description)"
      }
    }
    if let problem = try world.firstProblem(problem) { throw BenchmarkInputError(description: problem) }
    var bytes = Array(text.utf8)
    let count = try world.broadcast(Int64(bytes.count), root: 0)
    if world.rank != 0 { bytes = Array(repeating: 0, count: Int(count)) }
    if count > 0 { try world.broadcast(&bytes, root: 0) }
    let input: HPLInput
    do {
      input = try HPLInput.parse(contents: String(decoding: bytes, as: UTF8.self), fileName: options.datPath)
      try input.checkTestCount(fileName: options.datPath)
    } catch {
      throw BenchmarkInputError(description: "hplswift: \(error)")
    }
    if input.maximumProcessCount > world.size {
      let largest = input.grids.max { $0.processCount < $1.processCount }!
      throw BenchmarkInputError(
        description:
          "hplswift: \(options.datPath) lines 11-12 (Ps, Qs): the \(largest.rows)×\(largest.columns) grid needs \(input.maximumProcessCount) processes, but \(world.size) were launched (mpiexec -n \(input.maximumProcessCount) hplswift)."
      )
    }
    return input
  }

  /// How to write an HPL.dat, with this machine's own memory and cores.
  static func missingFileHint() -> String {
    guard let node = try? NodeResources.local() else {
      return "Write one with `hplswift dat -o HPL.dat`, copy the default one (hpl/HPL.dat in the "
        + "repository), or pass --dat PATH."
    }
    return """
      Write one sized for this machine (\(node.cores) cores, \(ByteSize.describe(node.memTotalBytes)) of memory) \
      with `hplswift dat -o HPL.dat`; for 4 nodes like it, \
      `\(DatSizer.clusterCommand(like: node, nodes: 4)) -o HPL.dat`;
      or copy the default one (hpl/HPL.dat in the repository), or pass --dat PATH.
      """
  }

  /// Every rank's host and memory. Collective.
  func placeRanks(_ context: RunContext) throws -> RankPlacement {
    let memTotal = Int64((try? MemInfo.read())?.memTotalBytes ?? 0)
    let memory = try world.allgather(memTotal).map { Int($0) }
    return RankPlacement(hosts: context.rankHosts, memory: memory)
  }

  /// Refuses the run when some test's matrix cannot fit a host's memory. Every rank decides
  /// alike from the gathered placement, so every rank throws the same error at once.
  func checkMemory(_ tests: [TestParameters], placement: RankPlacement) throws {
    let check = MatrixMemoryCheck(hosts: placement.hosts, memory: placement.memory)
    if let excess = check.firstExcess(in: tests) {
      throw BenchmarkInputError(description: "hplswift: \(options.datPath): \(excess)")
    }
  }

  /// Measures the dgemm rate of every rank at once and tells rank 0's user how long the run
  /// should take; skipped for runs too small to matter. Collective (every rank decides alike).
  func announceEstimate(_ tests: [TestParameters]) throws {
    guard RunEstimate.isWorthEstimating(tests) else { return }
    let rate = try RunEstimate.probe.measure(on: world)
    let estimate = RunEstimate(tests: tests, gflopsPerRank: rate.total / Double(world.size))
    guard world.rank == 0 else { return }
    for line in estimate.lines where options.showProgress || line.hasPrefix("warning") {
      options.notice("hplswift: " + line)
    }
  }

  /// Notes what the run will do differently from what HPL.dat seems to say, once per (N, NB).
  func noteClampedBlockSizes(_ tests: [TestParameters]) {
    guard world.rank == 0, options.showProgress else { return }
    var seen = Set<[Int]>()
    for test in tests where test.nb > test.n && seen.insert([test.n, test.nb]).inserted {
      options.notice(
        "hplswift: note: NB=\(test.nb) is larger than N=\(test.n): as in xhpl, the whole matrix is "
          + "one block on process (0,0) and the panel is N columns wide")
    }
  }
}

import ClusterBench
import Foundation
import HPL
import JobFiles
import TestSupport
import Testing

struct JobFileTests {
  static let minimal = """
    kind: hpl
    nodes: [1, 2]
    hpl:
      memory_fractions: [0.2, 0.8]

    """

  @Test func readsEveryKeyWithDefaults() throws {
    let job = try JobFile(parsing: Self.minimal, path: "jobs/sweep.yaml")
    #expect(job.name == "sweep" && job.kind == .hpl && job.target == .local)
    #expect(job.nodes == [1, 2] && job.ranksPerNode.isEmpty && job.repetitions == 1)
    #expect(job.onFailure == .continue && job.telemetryInterval == 10 && job.timeout == .auto)
    let hpl = try #require(job.hpl)
    #expect(hpl.memoryFractions == [0.2, 0.8] && hpl.problemSizes.isEmpty && job.train == nil)
    #expect(hpl.blockSizes == [192] && hpl.grid == .square)

    let full = try JobFile(
      parsing: """
        name: rock
        kind: hpl
        description: the paper's sweep
        target:
          hostfile: hostfiles/rockpro64-22
        nodes: ["1-3", 5, 2]
        ranks_per_node: 6
        memory_per_node: 4GiB
        cores_per_node: 6
        repetitions: 2
        on_failure: stop
        telemetry: off
        timeout: 1h30m
        hpl:
          n: 10000
          nb: [128, 192]
          grid: flat
        """, path: "j.yaml")
    #expect(full.name == "rock" && full.target == .hostfile(path: "hostfiles/rockpro64-22"))
    #expect(full.nodes == [1, 2, 3, 5] && full.ranksPerNode == [6] && full.memoryPerNodeBytes == 4 << 30)
    #expect(full.repetitions == 2 && full.onFailure == .stop && full.telemetryInterval == nil)
    #expect(full.timeout == .seconds(5400) && full.hpl?.problemSizes == [10000] && full.hpl?.grid == .flat)
  }

  @Test(arguments: [
    (
      "kind: hpl\nnodes: [1]\nhpl:\n  nb: [192]\n  memory_fraction: [0.2]\n",
      "j.yaml line 5, key hpl.memory_fraction: unknown key; expected one of: memory_fractions, n, nb, grid"
    ),
    ("kind: hpl\nnode: [1]\n", "j.yaml line 2, key node: unknown key; expected one of: name, kind,"),
    ("kind: hpl\nhpl:\n  n: [100]\n", "j.yaml, key nodes: missing; expected node counts"),
    (
      "kind: hpl\nnodes: [1]\nrepetition: 2\nhpl:\n  n: [100]\n",
      "j.yaml line 3, key repetition: unknown key; expected one of: name, kind,"
    ),
    ("kind: lu\nnodes: [1]\n", "j.yaml line 1, key kind: expected hpl or train, found 'lu'"),
    ("nodes: [1]\n", "j.yaml, key kind: missing; expected hpl"),
    ("kind: hpl\nnodes: []\n", "j.yaml line 2, key nodes: expected at least one node count, found []"),
    (
      "kind: hpl\nnodes: [1, two]\n",
      "j.yaml line 2, key nodes: expected node counts from 1 to 65536, or a range like 1-22, found 'two'"
    ),
    (
      "kind: hpl\nnodes: [1]\nranks_per_node: 0\n",
      "j.yaml line 3, key ranks_per_node: expected a list of positive integers up to 4096, found '0'"
    ),
    (
      "kind: hpl\nnodes: [1]\nhpl:\n  memory_fractions: [0.2, 1.5]\n",
      "j.yaml line 4, key hpl.memory_fractions: expected a list of fractions in (0, 1], found '1.5'"
    ),
    (
      "kind: hpl\nnodes: [1]\nhpl:\n  memory_fractions: []\n",
      "j.yaml line 4, key hpl.memory_fractions: expected a non-empty list of fractions in (0, 1], found []"
    ),
    ("kind: hpl\nnodes: [1]\nhpl:\n  nb: [192]\n", "j.yaml line 4: give exactly one of memory_fractions"),
    ("kind: hpl\nnodes: [1]\nhpl:\n  n: [1000]\n  memory_fractions: [0.2]\n", "give exactly one of memory_fractions"),
    (
      "kind: hpl\nnodes: [1]\nhpl:\n  n: [1000]\n  grid: round\n",
      "j.yaml line 5, key hpl.grid: expected square, flat or tall, found 'round'"
    ),
    (
      "kind: hpl\nnodes: [1]\ntarget:\n  hostfile: h\n  cluster: c\nhpl:\n  n: [1000]\n",
      "j.yaml line 3, key target: give exactly one of hostfile: PATH, cluster: NAME"
    ),
    (
      "kind: hpl\nnodes: [1]\ntelemetry: often\nhpl:\n  n: [1000]\n",
      "j.yaml line 3, key telemetry: expected off or a time span from 0.1s to 1d, found 'often'"
    ),
    (
      "kind: hpl\nnodes: [1]\ntelemetry: 0.000000001\nhpl:\n  n: [1000]\n",
      "j.yaml line 3, key telemetry: expected off or a time span from 0.1s to 1d, found '0.000000001'"
    ),
    (
      "kind: hpl\nnodes: [1]\nmemory_per_node: lots\nhpl:\n  n: [1000]\n",
      "j.yaml line 3, key memory_per_node: expected a size from 1MiB to 64TiB like 4GiB or 512MiB, found 'lots'"
    ),
    (
      "kind: hpl\nnodes: [1]\non_failure: retry\nhpl:\n  n: [1000]\n",
      "j.yaml line 3, key on_failure: expected continue or stop, found 'retry'"
    ),
    ("kind: hpl\nnodes: [1\n", "j.yaml line 3: is not valid YAML"),
    ("- kind: hpl\n", "j.yaml line 1: expected a mapping of keys"),
    ("kind: hpl\nnodes: [1]\nhpl: 5\n", "j.yaml line 3, key hpl: expected a mapping of keys"),
    (
      "name: ../etc\nkind: hpl\nnodes: [1]\nhpl:\n  n: [1000]\n",
      "j.yaml line 1, key name: expected 1 to 100 letters, digits"
    ),
  ])
  func malformedJobsAreNamed(text: String, expected: String) {
    #expect {
      try JobFile(parsing: text, path: "j.yaml")
    } throws: { error in
      "\(error)".hasPrefix(expected) || "\(error)".contains(expected)
    }
  }

  @Test func planSizesEachPointFromTheNodesItUses() throws {
    let job = try JobFile(
      parsing: """
        kind: hpl
        target:
          hostfile: h
        nodes: [2, 1]
        ranks_per_node: 2
        memory_per_node: 1GiB
        repetitions: 2
        hpl:
          memory_fractions: [0.5]
          nb: [100]
        """, path: "j.yaml")
    let target = LaunchTarget(kind: .hostfile(path: "h"), hosts: ["a", "b", "c"])
    let resources = try #require(SweepPlanner.describedResources(job: job, target: target))
    let plan = try SweepPlanner.plan(job: job, target: target, resources: resources)
    #expect(
      plan.points.map(\.id) == [
        "nodes01-mem0.50-nb100-rep1", "nodes01-mem0.50-nb100-rep2", "nodes02-mem0.50-nb100-rep1",
        "nodes02-mem0.50-nb100-rep2",
      ])
    // 1 node: 0.5 GiB for the matrix → N = 8100 (8·8100² = 524.9 MB ≤ 536.9 MB; 8200 would not fit).
    #expect(plan.points[0].hpl?.n == 8100 && plan.points[0].hpl?.grid == GridShape(rows: 1, columns: 2))
    // 2 nodes: 1 GiB → N = 11500 (8·11500² = 1.058 GB ≤ 1.074 GB).
    #expect(plan.points[2].hpl?.n == 11500 && plan.points[2].hpl?.grid == GridShape(rows: 2, columns: 2))
    #expect(plan.points[2].hosts == ["a", "b"])
    #expect(plan.points[2].hpl?.dat.contains("11500        Ns") == true)

    var tooMany = job
    tooMany.nodes = [4]
    #expect {
      try SweepPlanner.plan(job: tooMany, target: target, resources: resources)
    } throws: { error in
      "\(error)" == "j.yaml line 4, key nodes: 4 nodes asked for, but h has 3 hosts"
    }
  }

  @Test func shippedJobsParseAndPlan() throws {
    let jobs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("jobs")
    let rock = try JobFile.read(path: jobs.appendingPathComponent("rockpro64-22.yaml").path)
    #expect(rock.nodes == Array(1...22) && rock.hpl?.memoryFractions == [0.2, 0.8])
    let hosts = (1...22).map { String(format: "rockpro64-%02d", $0) }
    let target = LaunchTarget(kind: .hostfile(path: "hostfiles/rockpro64-22"), hosts: hosts)
    let plan = try SweepPlanner.plan(
      job: rock, target: target, resources: try #require(SweepPlanner.describedResources(job: rock, target: target)))
    #expect(plan.points.count == 44)
    #expect(plan.points.last?.ranks == 132 && plan.points.last?.hpl?.grid == GridShape(rows: 11, columns: 12))
    // Every shipped job parses and plans (hostfile jobs on their hostfile's hosts, the others on
    // stand-in hosts); the paper's training jobs have the paper's configurations.
    var planned: [String: SweepPlan] = [:]
    let names = try FileManager.default.contentsOfDirectory(atPath: jobs.path).filter { $0.hasSuffix(".yaml") }
    for name in names {
      let job = try JobFile.read(path: jobs.appendingPathComponent(name).path)
      let target: LaunchTarget
      switch job.target {
      case .hostfile(let path):
        let hostfile = try Hostfile.read(path: jobs.deletingLastPathComponent().appendingPathComponent(path).path)
        target = LaunchTarget(kind: .hostfile(path: path), hosts: hostfile.hosts)
      case .cluster(let name): target = LaunchTarget(kind: .emulated(name: name), hosts: ["n1", "n2", "n3", "n4"])
      case .local: target = LaunchTarget(kind: .local, hosts: ["vm"], coresPerNode: 2, memoryPerNodeBytes: 4 << 30)
      }
      let resources = try #require(SweepPlanner.describedResources(job: job, target: target), "\(name)")
      planned[job.name] = try SweepPlanner.plan(job: job, target: target, resources: resources)
    }
    #expect(Set(planned.keys).isSuperset(of: ["this-machine", "local-quick", "paper-lenet", "train-this-machine"]))
    let lenet = try #require(planned["paper-lenet"]?.points)
    #expect(lenet.count == 40 && Set(lenet.compactMap { $0.training?.model.description }) == ["mlp", "lenet"])
    #expect(lenet.allSatisfy { $0.training?.batchPerRank == 64 } && lenet.map(\.nodes).max() == 10)
    let configurations = ["paper-resnet-batches", "paper-resnet-depths"].flatMap { name in
      (planned[name]?.points ?? []).compactMap { point in
        point.training.map { "\($0.model)x\($0.batchPerRank)" }
      }
    }
    #expect(Set(configurations) == ["resnet32x32", "resnet32x64", "resnet32x128", "resnet80x32", "resnet110x32"])
    let epochs = try #require(planned["paper-resnet-epochs"]?.points)
    #expect(Set(epochs.compactMap { $0.training?.sync.description }) == ["batch", "epoch", "end"])
    #expect(epochs.allSatisfy { $0.training?.settings.epochs == 5 })
  }
}

/// Sizes from job files are checked before anything is expanded, allocated or multiplied.
struct JobFileBoundsTests {
  static func hpl(_ lines: String, hpl: String = "  n: [1000]") -> String {
    "kind: hpl\n\(lines)\nhpl:\n\(hpl)\n"
  }

  static let oversized: [(String, String)] = [
    (
      hpl("nodes: \"1-1000000000\""),
      "j.yaml line 2, key nodes: expected node counts from 1 to 65536, or a range like 1-22, found '1-1000000000'"
    ),
    (
      hpl("nodes: [99999999999999999999]"),
      "j.yaml line 2, key nodes: expected node counts from 1 to 65536, or a range like 1-22, found "
        + "'99999999999999999999'"
    ),
    (
      hpl("nodes: \"1-100\"", hpl: "  n: [1000]\n  nb: [\((1...200).map(String.init).joined(separator: ", "))]"),
      "j.yaml line 5, key hpl.nb: 100 nodes × 200 hpl.nb make 20000 points, more than a sweep may have (10000); "
        + "shorten hpl.nb (200 values) or split the job"
    ),
    (
      hpl("nodes: \"1-64\"\nrepetitions: 999"),
      "j.yaml line 3, key repetitions: 64 nodes × 999 repetitions make 63936 points, more than a sweep may have "
        + "(10000); shorten repetitions (999 values) or split the job"
    ),
    (
      hpl("nodes: [1]\nrepetitions: 1000000"),
      "j.yaml line 3, key repetitions: expected a positive integer up to 1000, found '1000000'"
    ),
    (
      hpl("nodes: [1]", hpl: "  n: [9223372036854775807]"),
      "j.yaml line 4, key hpl.n: expected a list of positive integers up to 100000000, found '9223372036854775807'"
    ),
    (
      hpl("nodes: [1]", hpl: "  n: [1000]\n  nb: [1000000]"),
      "j.yaml line 5, key hpl.nb: expected a list of positive integers up to 8192, found '1000000'"
    ),
    (
      hpl("nodes: [2]\nmemory_per_node: 8000000TiB"),
      "j.yaml line 3, key memory_per_node: expected a size from 1MiB to 64TiB like 4GiB or 512MiB, found "
        + "'8000000TiB'"
    ),
    (
      hpl("nodes: [1]\nmemory_per_node: 4GiB\ncores_per_node: 100000"),
      "j.yaml line 4, key cores_per_node: expected a positive integer up to 4096, found '100000'"
    ),
    (
      hpl("nodes: [1]\nranks_per_node: [1, 99999999999999999999]"),
      "j.yaml line 3, key ranks_per_node: expected a list of positive integers up to 4096, found "
        + "'99999999999999999999'"
    ),
    (
      hpl("nodes: [1]\ntimeout: 1e300"),
      "j.yaml line 3, key timeout: expected auto or a time span from 1s to 7d, found '1e300'"
    ),
    (
      hpl("nodes: [1]\ntelemetry: 0.000000001"),
      "j.yaml line 3, key telemetry: expected off or a time span from 0.1s to 1d, found '0.000000001'"
    ),
  ]

  @Test(.timeLimit(.minutes(1)), arguments: oversized)
  func numbersAreBoundedBeforeUse(text: String, expected: String) {
    let error = #expect(throws: JobFileError.self) { try JobFile(parsing: text, path: "j.yaml") }
    #expect(error?.description == expected)
  }

  @Test(
    .timeLimit(.minutes(1)),
    arguments: [
      (
        "  model: resnet\n  layers: [600000002]",
        "line 5, key train.layers: expected a list of positive integers up to 1202"
      ),
      ("  batch: [10000000]", "line 4, key train.batch: expected a list of positive integers up to 65536"),
      ("  epochs: 99999999999999999999", "line 4, key train.epochs: expected a positive integer up to 100000"),
      ("  steps: 1000000000", "line 4, key train.steps: expected a positive integer up to 100000000"),
      ("  milestones: [2, 1000000]", "line 4, key train.milestones: expected a list of positive integers up to 100000"),
    ])
  func trainingNumbersAreBoundedToo(section: String, expected: String) {
    let text = "kind: train\nnodes: [1]\ntrain:\n\(section)\n"
    let error = #expect(throws: JobFileError.self) { try JobFile(parsing: text, path: "j.yaml") }
    #expect(error?.description.hasPrefix("j.yaml " + expected) == true, "\(String(describing: error))")
  }

  @Test func aByteOrderMarkAndCRLFLinesReadAsWithout() throws {
    let plain = try JobFile(parsing: JobFileTests.minimal, path: "j.yaml")
    let marked = "\u{FEFF}" + JobFileTests.minimal.replacingOccurrences(of: "\n", with: "\r\n")
    #expect(try JobFile(parsing: marked, path: "j.yaml") == plain)
  }

  @Test func valuesAreEscapedInMessages() {
    let text = "kind: \"hp\\e[2Jl\"\nnodes: [1]\n"
    let error = #expect(throws: JobFileError.self) { try JobFile(parsing: text, path: "j.yaml") }
    #expect(error?.description == "j.yaml line 1, key kind: expected hpl or train, found 'hp\\u{1B}[2Jl'")
  }

  @Test(.timeLimit(.minutes(1))) func jobFilesAreReadThroughBoundedFile() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("job-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(FIFO.make(folder + "/pipe.yaml"))
    let start = Date()
    let fifo = #expect(throws: JobFileError.self) { try JobFile.read(path: folder + "/pipe.yaml") }
    #expect(Date().timeIntervalSince(start) < 2)
    #expect(fifo?.description == "\(folder)/pipe.yaml: is a named pipe (FIFO), not a regular file")
    try Data(count: JobFile.byteLimit + 1).write(to: URL(fileURLWithPath: folder + "/big.yaml"))
    let big = #expect(throws: JobFileError.self) { try JobFile.read(path: folder + "/big.yaml") }
    #expect(big?.description == "\(folder)/big.yaml: is larger than 1048576 bytes, more than such a file can hold")
    #expect(throws: JobFileError(path: folder + "/none.yaml", message: "no such file")) {
      try JobFile.read(path: folder + "/none.yaml")
    }
  }

  @Test func nodeCountsAboveTheHostfileAreRefusedBeforeASurvey() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("job-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "rock01\nrock02\n".write(toFile: folder + "/hosts", atomically: true, encoding: .utf8)
    let job = try JobFile(parsing: "kind: hpl\nnodes: [1, 4]\nhpl:\n  n: [1000]\n", path: "j.yaml")
    let error = #expect(throws: JobFileError.self) {
      try TargetResolver.resolve(.hostfile(path: folder + "/hosts"), job: job)
    }
    #expect(error?.description == "j.yaml line 2, key nodes: 4 nodes asked for, but \(folder)/hosts has 2 hosts")
  }

  @Test func sweepNamesFollowTheJobNameRule() throws {
    #expect(JobFile.nameProblem("rockpro64-22") == nil && JobFile.nameProblem("train.v2_b") == nil)
    for name in ["../etc", ".hidden", "a/b", "", String(repeating: "x", count: 101), "x\u{1B}"] {
      #expect(JobFile.nameProblem(name) != nil, "\(name)")
    }
    let error = #expect(throws: CompareError.self) {
      try ResultsCatalog.load(resultsPath: "/nonexistent/hpl.csv", sweep: "../../etc")
    }
    #expect(
      error?.description
        == "sweep name: expected 1 to 100 letters, digits, '-', '_' or '.', not starting with '.' (it names a "
        + "folder), found '../../etc'")
  }
}

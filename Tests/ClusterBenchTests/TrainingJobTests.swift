import CNN
import CNNDistributed
import ClusterBench
import Foundation
import JobFiles
import Testing

/// `kind: train` job files: the train: section, its checks, the points a sweep of them plans and
/// the cnnswift arguments each point runs.
struct TrainingJobTests {
  static let paperLike = """
    name: paper
    kind: train
    target:
      hostfile: hostfiles/rock
    nodes: [1, 2]
    ranks_per_node: [1, 4]
    memory_per_node: 4GiB
    cores_per_node: 4
    train:
      model: [lenet, resnet]
      layers: [32, 80]
      batch: [32, 64]
      sync: [batch, "every:4", end]
      epochs: 5
      lr: 0.1
      momentum: 0.85
      weight_decay: 0.0001
      milestones: [3]
      data: synthetic:6000
      seed: 7
      steps: 20

    """

  @Test func readsTheTrainSectionWithDefaults() throws {
    let minimal = try JobFile(parsing: "kind: train\nnodes: [1]\ntrain:\n  model: mlp\n", path: "jobs/t.yaml")
    let train = try #require(minimal.train)
    #expect(minimal.kind == .train && minimal.hpl == nil)
    #expect(train.models == [.preset(.mlp)] && train.batches == [64] && train.syncModes == [.batch])
    #expect(train.epochs == 1 && train.learningRate == 0.01 && train.momentum == 0.9 && train.weightDecay == 0)
    #expect(train.dataSets == [nil] && train.seed == 1 && train.stepsPerEpoch == nil && train.milestones.isEmpty)

    let job = try JobFile(parsing: Self.paperLike, path: "j.yaml")
    let full = try #require(job.train)
    #expect(full.models == [.preset(.lenet), .preset(.resnet(layers: 32)), .preset(.resnet(layers: 80))])
    #expect(full.batches == [32, 64] && full.syncModes == [.batch, .every(4), .end])
    #expect(full.epochs == 5 && full.learningRate == 0.1 && full.momentum == 0.85 && full.weightDecay == 0.0001)
    #expect(full.milestones == [3] && full.dataSets == ["synthetic:6000"] && full.seed == 7 && full.stepsPerEpoch == 20)
    #expect(job.ranksPerNode == [1, 4])
  }

  @Test(arguments: [
    (
      "kind: train\nnodes: [1]\ntrain:\n  model: lenet\n  layers: 32\n",
      "j.yaml line 5, key train.layers: applies to model resnet only; add resnet to model"
    ),
    (
      "kind: train\nnodes: [1]\ntrain:\n  model: resnet\n  layers: [20, 33]\n",
      "j.yaml line 5, key train.layers: layers 33: a CIFAR ResNet has 6n+2 layers: 8, 14, 20"
    ),
    (
      "kind: train\nnodes: [1]\ntrain:\n  model: [lenet, vgg]\n",
      "j.yaml line 4, key train.model: model vgg: expected one of lenet, mlp, resnet"
    ),
    (
      "kind: train\nnodes: [1]\ntrain:\n  sync: [batch, sometimes]\n",
      "j.yaml line 4, key train.sync: expected batch, every:N, epoch or end, found 'sometimes'"
    ),
    (
      "kind: train\nnodes: [1]\ntrain:\n  batch: 0\n",
      "j.yaml line 4, key train.batch: expected a list of positive integers up to 65536, found '0'"
    ),
    (
      "kind: train\nnodes: [1]\ntrain:\n  learning_rate: 0.1\n",
      "j.yaml line 4, key train.learning_rate: unknown key; expected one of: model, layers, weights, batch, sync, epochs, optimizer, lr"
    ),
    (
      "kind: train\nnodes: [1]\ntrain:\n  data: synthetic:many\n",
      "j.yaml line 4, key train.data: --data synthetic:many: expected synthetic:N"
    ),
    ("kind: train\nnodes: [1]\n", "j.yaml, key train: missing; a kind: train job needs a train: section"),
    (
      "kind: train\nnodes: [1]\nhpl:\n  n: 100\ntrain:\n  model: lenet\n",
      "j.yaml line 3, key hpl: a kind: train job has no hpl: section; remove it"
    ),
    (
      "kind: train\nnodes: [1]\ntrain:\n  lr: 0\n",
      "j.yaml line 4, key train.lr: expected a positive learning rate, found '0'"
    ),
  ])
  func malformedTrainingJobsAreNamed(text: String, expected: String) {
    #expect {
      try JobFile(parsing: text, path: "j.yaml")
    } throws: { error in
      "\(error)".hasPrefix(expected)
    }
  }

  @Test func aSweepRunsEachConfigurationOverTheNodeCounts() throws {
    let job = try JobFile(parsing: Self.paperLike, path: "j.yaml")
    let target = LaunchTarget(kind: .hostfile(path: "h"), hosts: ["a", "b", "c"])
    let resources = try #require(SweepPlanner.describedResources(job: job, target: target))
    let plan = try SweepPlanner.plan(job: job, target: target, resources: resources)
    // 3 models × 2 batches × 3 sync modes × 2 node counts × 2 ranks per node.
    #expect(plan.points.count == 72)
    #expect(
      plan.points.prefix(5).map(\.id) == [
        "nodes01-ppn1-lenet-b32-sync-batch-rep1", "nodes01-ppn4-lenet-b32-sync-batch-rep1",
        "nodes02-ppn1-lenet-b32-sync-batch-rep1", "nodes02-ppn4-lenet-b32-sync-batch-rep1",
        "nodes01-ppn1-lenet-b32-sync-every4-rep1",
      ])
    let last = try #require(plan.points.last)
    #expect(last.id == "nodes02-ppn4-resnet80-b64-sync-end-rep1" && last.ranks == 8 && last.hosts == ["a", "b"])
    let run = try #require(last.training)
    #expect(
      run.arguments == [
        "--model", "resnet", "--layers", "80", "--batch", "64", "--epochs", "5", "--sync", "end", "--optimizer",
        "sgd", "--lr", "0.1", "--weight-decay", "0.0001", "--seed", "7", "--momentum", "0.85", "--milestones", "3",
        "--data",
        "synthetic:6000", "--steps", "20",
      ])
    // Three forward passes' worth per image: 20 steps × 64 images × 8 ranks = 6000 images (the set's size) × 5 epochs.
    let perImage = Double(Architecture.resnet(layers: 80).build(inputShape: [3, 32, 32], seed: 1).forwardFLOPs) * 3
    #expect(abs(last.flops - perImage * 6000 * 5) < 1)
  }

  /// A list of data sets is one more sweep dimension: each point names its data set, with the path made
  /// absolute; Adam and the plateau schedule reach every point's flags.
  @Test func aListOfDataSetsSweepsThemWithAdamAndAPlateau() throws {
    let text = """
      name: ucr
      kind: train
      target:
        local: true
      nodes: [1]
      memory_per_node: 4GiB
      cores_per_node: 2
      train:
        model: fcn
        batch: 16
        data: [ucr/GunPoint/GunPoint, /data/ItalyPowerDemand/ItalyPowerDemand, synthetic:300]
        optimizer: adam
        lr_plateau: true
        plateau_patience: 20
        epochs: 500
        test_every: 50

      """
    let job = try JobFile(parsing: text, path: "j.yaml")
    let train = try #require(job.train)
    let here = FileManager.default.currentDirectoryPath
    #expect(
      train.dataSets == [
        "\(here)/ucr/GunPoint/GunPoint", "/data/ItalyPowerDemand/ItalyPowerDemand", "synthetic:300",
      ])
    #expect(train.optimizer == .adam && train.learningRate == 0.001 && train.testEvery == 50)
    #expect(train.plateau == PlateauSchedule.Settings(patience: 20))
    let target = LaunchTarget(kind: .local, hosts: ["vm"])
    let resources = try #require(SweepPlanner.describedResources(job: job, target: target))
    let plan = try SweepPlanner.plan(job: job, target: target, resources: resources)
    #expect(
      plan.points.map(\.id) == [
        "nodes01-fcn-b16-sync-batch-GunPoint-rep1", "nodes01-fcn-b16-sync-batch-ItalyPowerDemand-rep1",
        "nodes01-fcn-b16-sync-batch-synthetic300-rep1",
      ])
    let arguments = try #require(plan.points.first?.training).arguments
    #expect(arguments.contains("--optimizer") && !arguments.contains("--momentum"))
    let plateau = ["--lr-plateau", "--plateau-patience", "20", "--plateau-factor", "0.5", "--min-lr", "0.0001"]
    #expect(arguments.joined(separator: " ").contains(plateau.joined(separator: " ")), "\(arguments)")
    #expect(arguments.suffix(4) == ["--data", "\(here)/ucr/GunPoint/GunPoint", "--test-every", "50"])
    // Adam takes no momentum, and the plateau's keys need lr_plateau.
    for (extra, message) in [
      ("  momentum: 0.9\n", "key train.momentum: is SGD's"), ("  min_lr: 0.001\n", "key train.min_lr: goes with"),
    ] {
      let broken = "kind: train\nnodes: [1]\ntrain:\n  model: fcn\n  optimizer: adam\n" + extra
      #expect(throws: JobFileError.self) { try JobFile(parsing: broken, path: "j.yaml") }
      do { _ = try JobFile(parsing: broken, path: "j.yaml") } catch {
        #expect("\(error)".contains(message), "\(error)")
      }
    }
  }

  @Test func aOnePointJobIsOneRunAndListsAreRefused() throws {
    let single = try JobFile(
      parsing: "name: one\nkind: train\nnodes: [2]\ntrain:\n  model: resnet\n  layers: 20\n  batch: 32\n",
      path: "one.yaml")
    let run = try single.singleTrainingRun()
    #expect(run.model == .preset(.resnet(layers: 20)) && run.batchPerRank == 32 && run.sync == .batch)
    let sweep = try JobFile(parsing: Self.paperLike, path: "j.yaml")
    #expect {
      try sweep.singleTrainingRun()
    } throws: { error in
      "\(error)"
        == "j.yaml line 11, key train.model: 3 values make a sweep of 3 runs; run it with "
        + "`clusterbench submit j.yaml`, or keep one value for `cnnswift train --job`"
    }
    let hpl = try JobFile(parsing: "kind: hpl\nnodes: [1]\nhpl:\n  n: 100\n", path: "h.yaml")
    #expect {
      try hpl.singleTrainingRun()
    } throws: { error in
      "\(error)" == "h.yaml line 1, key kind: expected train (cnnswift train runs training jobs), found hpl"
    }
  }

  @Test func pointRecordsKeepTheTrainingColumns() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("points-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("points.csv").path
    let training = SweepPointRecord(
      job: "paper", point: "nodes02-resnet32-b32-sync-end-rep1", nodes: 2, ranksPerNode: 1,
      training: .init(
        model: "resnet", layers: 32, batchPerRank: 32, sync: "end", epochs: 5, imagesPerSecond: 123.4,
        testAccuracy: 0.5125),
      repetition: 1, status: .passed, exitStatus: 0, started: "2026-11-23T08:00:00Z", seconds: 61.5,
      runID: "paper-x", hosts: ["a", "b"], runFolder: "runs/paper-x")
    let hpl = SweepPointRecord(
      job: "rock", point: "nodes01-n400-nb32-rep1", nodes: 1, ranksPerNode: 2,
      hpl: .init(memoryFraction: nil, n: 400, nb: 32, p: 1, q: 2, gflops: 3.5), repetition: 1, status: .failed,
      exitStatus: 1, started: "2026-11-23T08:01:00Z", seconds: 2, runID: "rock-y", hosts: ["a"], note: "why")
    try SweepPointRecord.append([training, hpl], to: path)
    let (records, warnings) = try SweepPointRecord.read(path: path)
    #expect(warnings.isEmpty && records == [training, hpl])
    #expect(records[0].kind == "train" && records[0].training?.modelLabel == "resnet32" && records[1].kind == "hpl")
  }
}

// swift-tools-version: 6.2
import PackageDescription

// MARK: - Settings shared by every Swift target

let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6)
]

let package = Package(
  name: "clusterbench",
  products: [
    .executable(name: "hplswift", targets: ["hplswift"]),
    .executable(name: "mpi-selftest", targets: ["mpi-selftest"]),
    .executable(name: "clusterbench", targets: ["clusterbench"]),
    .executable(name: "cnnswift", targets: ["cnnswift"]),
    .library(name: "MPI", targets: ["MPI"]),
    .library(name: "BLAS", targets: ["BLAS"]),
    .library(name: "HPL", targets: ["HPL"]),
    .library(name: "Telemetry", targets: ["Telemetry"]),
    .library(name: "ClusterTelemetry", targets: ["ClusterTelemetry"]),
    .library(name: "ClusterBench", targets: ["ClusterBench"]),
    .library(name: "CNN", targets: ["CNN"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // MARK: - C libraries (the only places C is imported)

    /// MPICH through pkg-config `mpich` (never the `mpi` alternative, which may name Open MPI).
    .systemLibrary(name: "CMPICH", pkgConfig: "mpich", providers: [.apt(["libmpich-dev"])]),
    /// Prefixed shims for MPICH macros Swift cannot import (MPI_SUM, MPI_IN_PLACE, ...). Not API.
    .target(name: "CMPICHShims", dependencies: ["CMPICH"], exclude: ["README.md"]),
    /// CBLAS through `blas-atlas`, which links Debian's `libblas.so.3` alternative.
    .systemLibrary(name: "CBLAS", pkgConfig: "blas-atlas", providers: [.apt(["libatlas-base-dev"])]),

    // MARK: - Swift layers

    /// What every program shares that depends on nothing: the suite's version.
    .target(name: "SuiteCore", swiftSettings: swiftSettings),
    .target(name: "MPI", dependencies: ["CMPICH", "CMPICHShims"], swiftSettings: swiftSettings),
    .target(name: "BLAS", dependencies: ["CBLAS"], swiftSettings: swiftSettings),
    /// CSV files appended to by every program (results and telemetry); no dependencies.
    .target(name: "CSVFiles", swiftSettings: swiftSettings),
    .target(
      name: "HPL", dependencies: ["MPI", "BLAS", "CSVFiles", "Telemetry", "ClusterTelemetry"], exclude: ["README.md"],
      swiftSettings: swiftSettings),
    /// Thermal, memory, CPU and network readings from /sys and /proc (no MPI, nothing of ours).
    .target(name: "Telemetry", dependencies: ["CSVFiles"], swiftSettings: swiftSettings),
    /// Telemetry of an MPI job: one sampler per node, samples gathered to rank 0, run folders,
    /// the `--telemetry` flag every program shares, and the standalone monitor.
    .target(name: "ClusterTelemetry", dependencies: ["MPI", "Telemetry"], swiftSettings: swiftSettings),

    /// zlib, for gzipped IDX files (Debian's dataset-fashion-mnist ships them gzipped).
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    /// The CNN engine: tensors, layers (one file each), kernels on BLAS, models, data, optimizer.
    /// Imports BLAS (and CSVFiles for its bounded file reader), never MPI.
    .target(name: "CNN", dependencies: ["BLAS", "CZlib", "CSVFiles"], swiftSettings: swiftSettings),
    /// Training and inference over MPI: data-parallel sync modes, checkpoints, results rows.
    .target(
      name: "CNNDistributed", dependencies: ["CNN", "BLAS", "MPI", "ClusterTelemetry", "Telemetry", "CSVFiles"],
      swiftSettings: swiftSettings),
    /// What a node says about itself to the preflight doctor (`hplswift probe`): build, MPI, BLAS,
    /// name resolution, and a timed MPI exchange.
    .target(name: "Preflight", dependencies: ["MPI", "BLAS", "Telemetry", "SuiteCore"], swiftSettings: swiftSettings),
    /// clusterbench's engine: hostfiles and launch targets, job files and sweeps, the emulated
    /// cluster, the preflight doctor, compare tables and the HTML report.
    .target(
      name: "ClusterBench",
      dependencies: [
        "HPL", "CNN", "CNNDistributed", "Telemetry", "ClusterTelemetry", "CSVFiles", "Preflight",
        .product(name: "Yams", package: "Yams"), .product(name: "Subprocess", package: "swift-subprocess"),
      ],
      swiftSettings: swiftSettings),

    // MARK: - Executables: parse arguments, call one library function

    .executableTarget(
      name: "hplswift",
      dependencies: [
        "HPL", "MPI", "BLAS", "ClusterTelemetry", "Preflight", "CSVFiles", "SuiteCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),

    /// `clusterbench`: sweeps, the emulated cluster, the doctor, compare and report, the monitor.
    .executableTarget(
      name: "clusterbench",
      dependencies: [
        "ClusterBench", "ClusterTelemetry", "Telemetry", "MPI", "HPL", "CSVFiles", "SuiteCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),

    /// `cnnswift`: CNN training and inference over MPI.
    .executableTarget(
      name: "cnnswift",
      dependencies: [
        "CNN", "CNNDistributed", "ClusterBench", "MPI", "BLAS", "ClusterTelemetry", "SuiteCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),

    /// Checks every MPI call of the `MPI` module under `mpiexec -n K`; the multi-rank tests run it.
    .executableTarget(name: "mpi-selftest", dependencies: ["MPI", "SuiteCore"], swiftSettings: swiftSettings),

    // MARK: - Tests

    .target(
      name: "TestSupport",
      dependencies: ["ClusterBench", .product(name: "Subprocess", package: "swift-subprocess")],
      path: "Tests/TestSupport",
      swiftSettings: swiftSettings),
    .testTarget(name: "MPITests", dependencies: ["MPI", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "CSVFilesTests", dependencies: ["CSVFiles", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "BLASTests", dependencies: ["BLAS", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(
      name: "HPLTests", dependencies: ["HPL", "MPI", "BLAS", "TestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    .testTarget(
      name: "TelemetryTests", dependencies: ["Telemetry"], resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "ClusterBenchTests", dependencies: ["ClusterBench", "CSVFiles", "HPL", "Telemetry", "TestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    .testTarget(name: "CNNTests", dependencies: ["CNN", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(
      name: "ClusterTelemetryTests", dependencies: ["ClusterTelemetry", "Telemetry"], swiftSettings: swiftSettings),
    .testTarget(
      name: "ProgramTests", dependencies: ["HPL", "Telemetry", "CNN", "TestSupport"], swiftSettings: swiftSettings),
  ]
)

// swift-tools-version: 6.2
import PackageDescription

// MARK: - Settings shared by every Swift target

let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6)
]

/// The kernels are optimized in every configuration: unspecialized SIMD code runs about 80 times slower,
/// which would make a debug build's (and so the tests') inference slower than the BLAS path it replaces.
let optimizedKernels: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-O"])]

/// The flags of a module of vector kernels built for one x86-64 CPU generation (`skylake-avx512`,
/// `haswell`), which the engine calls only on CPUs that have it (SIMDKernels.InstructionSet). Elsewhere
/// the module compiles to nothing.
func targetCPU(_ cpu: String) -> [SwiftSetting] {
  #if arch(x86_64)
    return optimizedKernels + [.unsafeFlags(["-target-cpu", cpu])]
  #else
    return optimizedKernels
  #endif
}

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
    .library(name: "ClusterRun", targets: ["ClusterRun"]),
    .library(name: "ClusterBench", targets: ["ClusterBench"]),
    .library(name: "CNN", targets: ["CNN"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    // MARK: - C libraries (the only places C is imported)

    /// MPICH through pkg-config `mpich` (never the `mpi` alternative, which may name Open MPI).
    .systemLibrary(name: "CMPICH", pkgConfig: "mpich", providers: [.apt(["libmpich-dev"])]),
    /// Prefixed shims for MPICH macros Swift cannot import (MPI_SUM, MPI_IN_PLACE, ...). Not API.
    .target(name: "CMPICHShims", dependencies: ["CMPICH"], exclude: ["README.md"]),
    /// CBLAS through `blas-atlas`, which links Debian's `libblas.so.3` alternative.
    .systemLibrary(name: "CBLAS", pkgConfig: "blas-atlas", providers: [.apt(["libatlas-base-dev"])]),
    /// PNG and JPEG through Debian's libpng and libjpeg, their longjmp errors caught in C.
    .target(name: "CImageCodecs", linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg")]),
    /// Which vector instructions this CPU and its operating system run (`__builtin_cpu_supports`).
    .target(name: "CCPUFeatures"),
    /// zlib, for gzipped IDX files (Debian's dataset-fashion-mnist ships them gzipped).
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

    // MARK: - The bottom: no MPI, no BLAS

    /// Values every program shares and that depend on nothing: the suite's version, byte sizes,
    /// time spans and durations, timestamps, run ids, the running executable's path.
    .target(name: "SuiteCore", swiftSettings: swiftSettings),
    /// Whole files written atomically, files read with a bound, output checks, folders.
    .target(name: "Files", swiftSettings: swiftSettings),
    /// CSV files appended to by every program (results and telemetry).
    .target(name: "CSVFiles", dependencies: ["Files"], swiftSettings: swiftSettings),

    // MARK: - Seams over C

    .target(name: "MPI", dependencies: ["CMPICH", "CMPICHShims"], swiftSettings: swiftSettings),
    .target(name: "BLAS", dependencies: ["CBLAS"], swiftSettings: swiftSettings),

    // MARK: - Measuring a node and a run

    /// Thermal, memory, CPU and network readings from /sys and /proc (no MPI).
    .target(name: "Telemetry", dependencies: ["SuiteCore", "Files", "CSVFiles"], swiftSettings: swiftSettings),
    /// One MPI job's run: its context (run id, hosts, BLAS, peak memory) and its telemetry (one
    /// sampler per node, samples gathered to rank 0, run folders), and the standalone monitor.
    .target(
      name: "ClusterRun", dependencies: ["SuiteCore", "MPI", "BLAS", "Telemetry"],
      swiftSettings: swiftSettings),

    // MARK: - The engines

    /// HPL's algorithm: HPL.dat, the distributed LU, its checks and its report. MPI and BLAS only.
    .target(
      name: "HPL", dependencies: ["SuiteCore", "MPI", "BLAS", "Files", "CSVFiles"], exclude: ["README.md"],
      swiftSettings: swiftSettings),
    /// The `hplswift` run (every test of an HPL.dat in one run context) and HPL.dat sizing.
    .target(
      name: "HPLBenchmark", dependencies: ["HPL", "ClusterRun", "SuiteCore", "Files", "MPI", "BLAS", "Telemetry"],
      swiftSettings: swiftSettings),
    /// Vector kernels written once over a SIMD type (a matrix product with implicit im2col rows, fused
    /// per-channel passes) and the instruction sets they are built for, detected at run time.
    .target(name: "SIMDKernels", dependencies: ["CCPUFeatures"], swiftSettings: optimizedKernels),
    /// SIMDKernels compiled for AVX-512 CPUs.
    .target(name: "SIMDKernelsAVX512", dependencies: ["SIMDKernels"], swiftSettings: targetCPU("skylake-avx512")),
    /// SIMDKernels compiled for AVX2 CPUs with FMA.
    .target(name: "SIMDKernelsAVX2", dependencies: ["SIMDKernels"], swiftSettings: targetCPU("haswell")),
    /// The CNN engine: tensors, layers (one file each), kernels on BLAS and on SIMDKernels, models, data,
    /// optimizer. Imports BLAS (and Files for its bounded reads and atomic writes), never MPI.
    .target(
      name: "CNN", dependencies: ["BLAS", "CZlib", "Files", "SIMDKernels", "SIMDKernelsAVX512", "SIMDKernelsAVX2"],
      swiftSettings: swiftSettings),
    /// ONNX's model messages (our proto2 subset of onnx.proto) as SwiftProtobuf types. The Swift is
    /// generated from onnx-subset.proto and committed, so building needs no protoc (see its README).
    .target(
      name: "ONNXProto", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
      exclude: ["onnx-subset.proto", "README.md"], swiftSettings: swiftSettings),
    /// Image files: PNG, JPEG and PPM read to RGB, PNG written, boxes drawn.
    .target(name: "ImageFiles", dependencies: ["CImageCodecs", "Files"], swiftSettings: swiftSettings),
    /// Models from other tools' files: darknet .cfg/.weights and ONNX in and out, and the loader
    /// that reads any model file `--model-file` accepts.
    .target(
      name: "ModelFormats",
      dependencies: [
        "CNN", "Files", "ImageFiles", "ONNXProto", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings),
    /// Training and inference over MPI: data-parallel sync modes, checkpoints, results rows.
    .target(
      name: "CNNDistributed",
      dependencies: [
        "CNN", "ModelFormats", "BLAS", "MPI", "Telemetry", "ClusterRun", "SuiteCore", "Files", "CSVFiles",
      ],
      swiftSettings: swiftSettings),
    /// What a node says about itself to the preflight doctor (`hplswift probe`): build, MPI, BLAS,
    /// name resolution, and a timed MPI exchange.
    .target(name: "Preflight", dependencies: ["MPI", "BLAS", "Telemetry", "SuiteCore"], swiftSettings: swiftSettings),
    /// Job files (`jobs/*.yaml`): an HPL sweep or a training sweep, read once and checked.
    .target(
      name: "JobFiles",
      dependencies: [
        "SuiteCore", "Files", "HPL", "CNN", "CNNDistributed", "ModelFormats", .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: swiftSettings),
    /// clusterbench's engine: hostfiles and launch targets, sweeps, the emulated cluster, the
    /// preflight doctor, compare tables and the HTML report.
    .target(
      name: "ClusterBench",
      dependencies: [
        "SuiteCore", "Files", "CSVFiles", "JobFiles", "HPL", "HPLBenchmark", "CNN", "CNNDistributed", "Telemetry",
        "ClusterRun", "Preflight", .product(name: "Subprocess", package: "swift-subprocess"),
      ],
      swiftSettings: swiftSettings),

    // MARK: - Executables: parse arguments, call one library function

    /// What the programs' command lines share: `main()` under mpiexec, `--telemetry`, `--run-id`,
    /// `--results`.
    .target(
      name: "SuiteCommands",
      dependencies: [
        "SuiteCore", "MPI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "hplswift",
      dependencies: [
        "HPL", "HPLBenchmark", "MPI", "BLAS", "ClusterRun", "Preflight", "Files", "SuiteCore", "SuiteCommands",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),

    /// `clusterbench`: sweeps, the emulated cluster, the doctor, compare and report, the monitor.
    .executableTarget(
      name: "clusterbench",
      dependencies: [
        "ClusterBench", "JobFiles", "ClusterRun", "Telemetry", "MPI", "HPL", "HPLBenchmark", "Files", "CSVFiles",
        "SuiteCore", "SuiteCommands", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),

    /// `cnnswift`: CNN training and inference over MPI.
    .executableTarget(
      name: "cnnswift",
      dependencies: [
        "CNN", "ModelFormats", "ImageFiles", "CNNDistributed", "JobFiles", "MPI", "BLAS", "ClusterRun", "SuiteCore",
        "SuiteCommands", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),

    /// Checks every MPI call of the `MPI` module under `mpiexec -n K`; the multi-rank tests run it.
    .executableTarget(
      name: "mpi-selftest", dependencies: ["MPI", "SuiteCore"], swiftSettings: swiftSettings),

    // MARK: - Tests

    .target(
      name: "TestSupport",
      dependencies: ["ClusterBench", .product(name: "Subprocess", package: "swift-subprocess")],
      path: "Tests/TestSupport",
      swiftSettings: swiftSettings),
    .testTarget(name: "MPITests", dependencies: ["MPI", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "SuiteCoreTests", dependencies: ["SuiteCore"], swiftSettings: swiftSettings),
    .testTarget(
      name: "CSVFilesTests", dependencies: ["CSVFiles", "Files", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "BLASTests", dependencies: ["BLAS", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(
      name: "HPLTests", dependencies: ["HPL", "HPLBenchmark", "SuiteCore", "MPI", "BLAS", "TestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    .testTarget(
      name: "TelemetryTests", dependencies: ["Telemetry"], resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "ClusterBenchTests",
      dependencies: [
        "ClusterBench", "JobFiles", "CSVFiles", "Files", "HPL", "HPLBenchmark", "Telemetry", "SuiteCore", "TestSupport",
      ],
      resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    .testTarget(name: "CNNTests", dependencies: ["CNN", "SIMDKernels", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "ImageFilesTests", dependencies: ["ImageFiles"], swiftSettings: swiftSettings),
    .testTarget(
      name: "ModelFormatsTests", dependencies: ["ModelFormats", "CNN", "ONNXProto", "TestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "ONNXProtoTests",
      dependencies: ["ONNXProto", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "ClusterRunTests", dependencies: ["ClusterRun", "Telemetry", "SuiteCore"], swiftSettings: swiftSettings),
    .testTarget(
      name: "ProgramTests", dependencies: ["HPL", "Telemetry", "CNN", "TestSupport"], swiftSettings: swiftSettings),
  ]
)

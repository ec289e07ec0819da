#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Which BLAS this process actually runs, read from the files mapped into it.
///
/// The binary links `libblas.so.3`, a Debian alternative that may resolve to ATLAS, OpenBLAS
/// or the reference BLAS (PLATFORM.md section 3), and their speeds differ fivefold. So results
/// must name the real file: `/proc/self/maps` shows it behind every link, for example
/// `/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3.10.3` plus `libatlas.so.3.10.3`. When the
/// library is OpenBLAS, its `OPENBLAS_CORETYPE` and `OPENBLAS_NUM_THREADS`, read when it loads,
/// are reported too, and so is the kernel it says it chose. Other libraries ignore those
/// variables (which a machine may set for every process), so they are not mentioned then.
public struct BLASLibrary: Sendable, Equatable {
  /// The BLAS files mapped into the process, in the order of the maps, without duplicates.
  public var paths: [String]
  /// A short name with the version when the file name tells it: `"ATLAS 3.10.3"`,
  /// `"OpenBLAS 0.3.21"`, `"reference BLAS 3.11.0"`, or the file name of an unknown BLAS.
  public var name: String
  /// `OPENBLAS_CORETYPE` from the environment, if set (whichever library is loaded).
  public var openBLASCoreType: String?
  /// `OPENBLAS_NUM_THREADS` from the environment, if set (whichever library is loaded).
  public var openBLASThreadCount: String?
  /// The kernel OpenBLAS chose (`openblas_get_corename()`), when the library is OpenBLAS.
  public var openBLASCoreName: String?

  /// A view of the given facts; ``loaded()`` fills them from the running process.
  public init(
    paths: [String], name: String, openBLASCoreType: String? = nil,
    openBLASThreadCount: String? = nil, openBLASCoreName: String? = nil
  ) {
    self.paths = paths
    self.name = name
    self.openBLASCoreType = openBLASCoreType
    self.openBLASThreadCount = openBLASThreadCount
    self.openBLASCoreName = openBLASCoreName
  }

  /// One line for a report or a CSV field (no commas), for example
  /// `ATLAS 3.10.3 (/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3.10.3 + /usr/lib/x86_64-linux-gnu/libatlas.so.3.10.3)`
  /// or `OpenBLAS 0.3.21 (…); core SkylakeX; OPENBLAS_CORETYPE=SkylakeX; OPENBLAS_NUM_THREADS=1`.
  /// The OpenBLAS settings appear only when the library is OpenBLAS (see ``isOpenBLAS``).
  public var summary: String {
    var parts = [paths.isEmpty ? name : "\(name) (\(paths.joined(separator: " + ")))"]
    if isOpenBLAS {
      if let openBLASCoreName { parts.append("core \(openBLASCoreName)") }
      if let openBLASCoreType { parts.append("OPENBLAS_CORETYPE=\(openBLASCoreType)") }
      if let openBLASThreadCount { parts.append("OPENBLAS_NUM_THREADS=\(openBLASThreadCount)") }
    }
    return parts.joined(separator: "; ").replacingCommas
  }

  /// Whether the loaded library is OpenBLAS, the only one that reads the `OPENBLAS_*` variables.
  public var isOpenBLAS: Bool { name.hasPrefix("OpenBLAS") }

  /// The BLAS of the running process, from `/proc/self/maps` and the environment.
  public static func loaded() -> BLASLibrary {
    var library = parse(
      maps: readMaps(),
      environment: [
        "OPENBLAS_CORETYPE": getenv("OPENBLAS_CORETYPE").map { String(cString: $0) },
        "OPENBLAS_NUM_THREADS": getenv("OPENBLAS_NUM_THREADS").map { String(cString: $0) },
      ].compactMapValues { $0 })
    if library.isOpenBLAS {
      library.openBLASCoreName = openBLASCoreName()
    }
    return library
  }

  /// The BLAS described by the text of a `/proc/<pid>/maps` file and an environment.
  ///
  /// - Parameters:
  ///   - maps: the maps text; each line ends with the mapped file's path, if any.
  ///   - environment: variables to report (`OPENBLAS_CORETYPE`, `OPENBLAS_NUM_THREADS`).
  public static func parse(maps: String, environment: [String: String] = [:]) -> BLASLibrary {
    var paths: [String] = []
    for line in maps.split(separator: "\n") {
      guard let slash = line.firstIndex(of: "/") else { continue }
      let path = String(line[slash...])
      if isBLASFile(path), !paths.contains(path) { paths.append(path) }
    }
    return BLASLibrary(
      paths: paths, name: describe(paths), openBLASCoreType: environment["OPENBLAS_CORETYPE"],
      openBLASThreadCount: environment["OPENBLAS_NUM_THREADS"])
  }

  /// File-name prefixes of BLAS implementations and their helper libraries.
  private static let blasPrefixes = [
    "libblas", "libcblas", "libf77blas", "libatlas", "libsatlas", "libtatlas", "libptcblas",
    "libptf77blas", "libopenblas", "libblis", "libmkl_", "libflexiblas",
  ]

  private static func isBLASFile(_ path: String) -> Bool {
    let file = fileName(path)
    return blasPrefixes.contains { file.hasPrefix($0) } && file.contains(".so")
  }

  private static func describe(_ paths: [String]) -> String {
    let files = paths.map(fileName)
    if let file = files.first(where: { $0.hasPrefix("libopenblas") }) {
      return join("OpenBLAS", openBLASVersion(file))
    }
    if paths.contains(where: { $0.contains("openblas") }) { return "OpenBLAS" }
    if let file = files.first(where: { $0.hasPrefix("libatlas") || $0.contains("atlas") }) {
      return join("ATLAS", soVersion(file))
    }
    if let path = paths.first(where: { $0.contains("/atlas/") }) {
      return join("ATLAS", soVersion(fileName(path)))
    }
    if files.contains(where: { $0.hasPrefix("libblis") }) { return "BLIS" }
    if files.contains(where: { $0.hasPrefix("libmkl_") }) { return "Intel MKL" }
    if files.contains(where: { $0.hasPrefix("libflexiblas") }) { return "FlexiBLAS" }
    if let path = paths.first(where: { $0.contains("/blas/") }) {
      return join("reference BLAS", soVersion(fileName(path)))
    }
    return files.first ?? "no BLAS library mapped"
  }

  private static func join(_ name: String, _ version: String?) -> String {
    version.map { "\(name) \($0)" } ?? name
  }

  private static func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }

  /// `"3.10.3"` from `libatlas.so.3.10.3`; `nil` when only a major version follows `.so.`.
  private static func soVersion(_ file: String) -> String? {
    guard let range = file.firstRange(of: ".so.") else { return nil }
    let version = file[range.upperBound...]
    return version.contains(".") ? String(version) : nil
  }

  /// `"0.3.21"` from `libopenblasp-r0.3.21.so` (Debian's and upstream's naming).
  private static func openBLASVersion(_ file: String) -> String? {
    guard let marker = file.firstRange(of: "-r") else { return nil }
    let rest = file[marker.upperBound...]
    let version = rest.prefix { $0.isNumber || $0 == "." }
    let trimmed = version.hasSuffix(".") ? version.dropLast() : version
    return trimmed.isEmpty ? nil : String(trimmed)
  }

  private static func readMaps() -> String {
    guard let file = fopen("/proc/self/maps", "r") else { return "" }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = fread(&chunk, 1, chunk.count, file)
      if count <= 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Asks a loaded OpenBLAS which kernel it chose, without linking to OpenBLAS.
  private static func openBLASCoreName() -> String? {
    guard let symbol = dlsym(nil, "openblas_get_corename") else { return nil }
    typealias CoreName = @convention(c) () -> UnsafePointer<CChar>?
    guard let name = unsafeBitCast(symbol, to: CoreName.self)() else { return nil }
    return String(cString: name)
  }
}

extension String {
  fileprivate var replacingCommas: String {
    String(map { $0 == "," ? ";" : $0 })
  }
}

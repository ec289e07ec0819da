import Foundation

/// Paths of the driver tests' fixtures and of files found relative to the package root.
enum DriverFixtures {
  /// `Fixtures/<relative>` inside the test bundle.
  static func url(_ relative: String) -> URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
      .appendingPathComponent(relative)
  }

  /// The text of `Fixtures/<relative>`.
  static func text(_ relative: String) throws -> String {
    try String(contentsOf: url(relative), encoding: .utf8)
  }

  /// The package root: this file is `<root>/Tests/HPLTests/DriverFixtures.swift`.
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// netlib's own sample HPL.dat, which the repository may not hold: `../shared/data/`.
  static let netlibSample = packageRoot.appendingPathComponent("../shared/data/netlib-HPL.dat")
    .standardizedFileURL

  static var hasNetlibSample: Bool { FileManager.default.fileExists(atPath: netlibSample.path) }

  /// `hpl/HPL.dat.template` and `hpl/HPL.dat` of this repository.
  static let template = packageRoot.appendingPathComponent("hpl/HPL.dat.template")
  static let defaultDat = packageRoot.appendingPathComponent("hpl/HPL.dat")

  static var hasDefaultDat: Bool { FileManager.default.fileExists(atPath: defaultDat.path) }

  /// A fresh empty folder under the system's temporary directory.
  static func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("hpl-driver-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }
}

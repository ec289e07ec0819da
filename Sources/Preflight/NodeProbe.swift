import BLAS
import Foundation
import MPI
import SuiteCore
import Telemetry

#if canImport(Glibc)
  import Glibc
#endif

/// What one node says about itself to `clusterbench doctor`: which program, build, MPI and BLAS
/// it runs, and how it resolves the cluster's host names.
public struct ProbeReport: Codable, Sendable, Equatable {
  /// The host name the node reports (``NodeIdentity/hostName(_:)``).
  public var host: String
  /// The probing program's path and a fingerprint of its bytes (same fingerprint = same build).
  public var executable: String
  public var build: String
  public var version: String
  /// `MPICH Version: 4.0.2`.
  public var mpi: String
  /// The BLAS actually loaded (real file names).
  public var blas: String
  /// Each name asked about, and the addresses it resolves to on this node (empty: does not resolve).
  public var resolutions: [String: [String]]

  public init(
    host: String, executable: String, build: String, version: String, mpi: String, blas: String,
    resolutions: [String: [String]]
  ) {
    (self.host, self.executable, self.build, self.version, self.mpi, self.blas, self.resolutions) = (
      host, executable, build, version, mpi, blas, resolutions
    )
  }

  /// Probes this process and node, resolving `names` and the node's own host name (Debian maps
  /// it to 127.0.1.1, which the doctor must see even when the hostfile lists the node by address).
  public static func collect(resolving names: [String]) -> ProbeReport {
    let executable = ExecutablePath.current
    let host = NodeIdentity.hostName()
    let names = names + [host]
    return ProbeReport(
      host: host, executable: executable, build: fingerprint(ofFile: executable),
      version: SuiteVersion.current, mpi: MPIEnvironment.libraryVersionLine.replacingOccurrences(of: "\t", with: " "),
      blas: BLASLibrary.loaded().summary,
      resolutions: Dictionary(names.map { ($0, addresses(of: $0)) }, uniquingKeysWith: { first, _ in first }))
  }

  /// FNV-1a (64 bit) of the file's bytes, in hex: cheap, and enough to tell two builds apart.
  public static func fingerprint(ofFile path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "unreadable" }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16)
  }

  /// The addresses `name` resolves to here (IPv4 and IPv6, deduplicated), through the same
  /// resolver MPI uses (getaddrinfo: /etc/hosts, then DNS).
  public static func addresses(of name: String) -> [String] {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>? = nil
    guard getaddrinfo(name, nil, &hints, &list) == 0 else { return [] }
    defer { freeaddrinfo(list) }
    var result: [String] = []
    var entry = list
    while let current = entry {
      var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
      if getnameinfo(
        current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        == 0
      {
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if !result.contains(text) { result.append(text) }
      }
      entry = current.pointee.ai_next
    }
    return result
  }

  /// Whether `address` is a loopback address (127.0.0.0/8 or ::1).
  public static func isLoopback(_ address: String) -> Bool {
    address.hasPrefix("127.") || address == "::1"
  }
}

/// The timed MPI hello and allreduce of the doctor: each rank says when it started and when it
/// finished on standard output (flushed at once), so a rank that never answers is named by its
/// absence even when the job is stopped.
public enum ProbeExchange {
  /// Runs the exchange on `communicator`; `emit` receives this rank's lines. Returns rank 0's
  /// summary (`nil` elsewhere).
  public static func run(on communicator: Communicator, megabytes: Int, emit: (String) -> Void) throws -> String? {
    let host = NodeIdentity.hostName()
    emit("probe: rank \(communicator.rank) of \(communicator.size) on \(host): started")
    let start = MPIEnvironment.wallTime()
    let hosts = try communicator.allgather(host)
    let helloSeconds = MPIEnvironment.wallTime() - start
    let count = max(1, megabytes * (1 << 20) / 8)
    var values = [Double](repeating: Double(communicator.rank + 1), count: count)
    let reduceStart = MPIEnvironment.wallTime()
    try communicator.allreduce(&values, operation: .sum)
    let reduceSeconds = MPIEnvironment.wallTime() - reduceStart
    let expected = Double(communicator.size * (communicator.size + 1) / 2)
    guard values.allSatisfy({ $0 == expected }) else {
      throw ProbeError(message: "the allreduce gave wrong values on rank \(communicator.rank) (\(host))")
    }
    emit("probe: rank \(communicator.rank) on \(host): done")
    guard communicator.rank == 0 else { return nil }
    return String(
      format: "hello from %d ranks on %d hosts in %.3f s; %d MiB allreduce in %.3f s (%.1f MB/s per rank)",
      communicator.size, Set(hosts).count, helloSeconds, megabytes, reduceSeconds,
      Double(count * 8) / max(reduceSeconds, 1e-9) / 1e6)
  }
}

/// A probe that found something wrong.
public struct ProbeError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

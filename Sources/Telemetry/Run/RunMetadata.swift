import CSVFiles
import Files
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a run folder's `metadata.json` says about the run its CSV files sampled: the command,
/// the nodes and ranks, the BLAS, when it started and ended, and what the samplers could not read.
///
/// Written by rank 0 when the run starts (with `end` empty) and again when it ends, each time
/// atomically (a temporary file renamed over the old one), so a killed run still leaves a
/// readable file that says when it began.
public struct RunMetadata: Codable, Sendable, Equatable {
  /// The folder's file name.
  public static let fileName = "metadata.json"

  /// The id shared with the results file (`run_id` in results/hpl.csv and in every telemetry row).
  public var runID: String
  /// The program (`hplswift`, `clusterbench monitor`, ...).
  public var program: String
  /// The program's arguments as rank 0 received them, the program first.
  public var command: [String]
  /// The nodes sampled, in rank order of their first rank (names as the ranks report them).
  public var hosts: [String]
  /// The number of MPI ranks of the job.
  public var ranks: Int
  /// How many ranks ran on each host.
  public var ranksPerHost: [String: Int]
  /// The BLAS library the program loaded, when it uses one.
  public var blas: String?
  /// Seconds between samples.
  public var intervalSeconds: Double
  /// When sampling started, ISO 8601 in UTC.
  public var start: String
  /// When the run ended, ISO 8601 in UTC; `nil` while it runs (or when it was killed).
  public var end: String?
  /// Samples taken per host.
  public var samples: [String: Int]
  /// Per host, each source the sampler could not read, once (for example that no thermal zone
  /// exists), and a note when the host's sampler stopped sending.
  public var problems: [String: [String]]

  public init(
    runID: String, program: String, command: [String], hosts: [String], ranks: Int, ranksPerHost: [String: Int],
    blas: String? = nil, intervalSeconds: Double, start: String, end: String? = nil, samples: [String: Int] = [:],
    problems: [String: [String]] = [:]
  ) {
    (self.runID, self.program, self.command, self.hosts, self.ranks) = (runID, program, command, hosts, ranks)
    (self.ranksPerHost, self.blas, self.intervalSeconds, self.start, self.end) = (
      ranksPerHost, blas, intervalSeconds, start, end
    )
    (self.samples, self.problems) = (samples, problems)
  }

  enum CodingKeys: String, CodingKey {
    case runID = "run_id"
    case program, command, hosts, ranks
    case ranksPerHost = "ranks_per_host"
    case blas
    case intervalSeconds = "interval_seconds"
    case start, end, samples, problems
  }

  /// Writes `metadata.json` into `folder` atomically (creating the folder).
  public func write(toFolder folder: String) throws(RunMetadataError) {
    let path = KernelFiles.join(folder, Self.fileName)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data: Data
    do { data = try encoder.encode(self) + Data("\n".utf8) } catch {
      throw RunMetadataError(path: path, message: "cannot encode: \(error)")
    }
    do { try AtomicFile.write(data, to: path) } catch { throw RunMetadataError(path: path, message: error.message) }
  }

  /// Reads `metadata.json` from `folder`. Throws, naming the file and what is wrong (with the
  /// line and column JSON's parser reports), when it is missing or malformed.
  public static func read(fromFolder folder: String) throws(RunMetadataError) -> RunMetadata {
    let path = KernelFiles.join(folder, fileName)
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw RunMetadataError(path: path, message: "cannot be read: \(error.localizedDescription)")
    }
    do {
      return try JSONDecoder().decode(RunMetadata.self, from: data)
    } catch let DecodingError.dataCorrupted(context) {
      throw RunMetadataError(
        path: path,
        message: "is not valid JSON" + (Self.syntaxErrorPlace(data).map { " (\($0))" } ?? "")
          + ": \(Self.describe(context))")
    } catch let DecodingError.keyNotFound(key, _) {
      throw RunMetadataError(path: path, message: "lacks the key \"\(key.stringValue)\"")
    } catch let DecodingError.typeMismatch(_, context) {
      throw RunMetadataError(path: path, message: "has a value of the wrong type at \(Self.describe(context))")
    } catch let DecodingError.valueNotFound(_, context) {
      throw RunMetadataError(path: path, message: "has a null value at \(Self.describe(context))")
    } catch {
      throw RunMetadataError(path: path, message: "cannot be decoded: \(error)")
    }
  }

  /// `line L, column C` of a JSON syntax error, from the character offset JSONSerialization
  /// reports (JSONDecoder on Linux reports none).
  static func syntaxErrorPlace(_ data: Data) -> String? {
    do {
      _ = try JSONSerialization.jsonObject(with: data)
      return nil
    } catch {
      let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
      guard let range = text.range(of: "character ") else { return nil }
      let digits = text[range.upperBound...].prefix { $0.isNumber }
      guard let offset = Int(digits) else { return nil }
      var line = 1
      var column = 1
      for byte in data.prefix(offset) {
        if byte == UInt8(ascii: "\n") {
          line += 1
          column = 1
        } else {
          column += 1
        }
      }
      return "line \(line), column \(column)"
    }
  }

  private static func describe(_ context: DecodingError.Context) -> String {
    let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
    let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
    return [keys.isEmpty ? nil : "key \"\(keys)\"", underlying ?? context.debugDescription]
      .compactMap { $0 }.joined(separator: ": ")
  }
}

/// A run folder's metadata file that cannot be written or read.
public struct RunMetadataError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var message: String

  public init(path: String, message: String) {
    (self.path, self.message) = (path, message)
  }

  public var description: String { "\(path): \(message)" }
}

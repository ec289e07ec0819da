import CSVFiles
import Files
import Foundation
import HPL
import JobFiles

/// results/hpl.csv joined with the sweeps' `points.csv` files by run id: each result with its
/// node count, memory fraction and sweep, and each run's telemetry folder.
///
/// A result whose run belongs to a sweep point takes the point's node count and memory fraction;
/// any other result counts its distinct hosts as nodes, with the memory fraction unknown. Broken
/// rows of any file are left out with a warning naming the file and line.
public struct ResultsCatalog: Sendable {
  /// One row of results/hpl.csv with what the sweeps say about its run.
  public struct Result: Sendable, Equatable {
    public var row: ResultRow
    /// The sweep's nodes, or the row's distinct hosts when its run is in no sweep.
    public var nodes: Int
    /// The share of memory N was sized for; `nil` when unknown (no sweep, or N given).
    public var memoryFraction: Double?
    /// The sweep (its folder's name under `sweeps/`); `nil` when the run is in none.
    public var sweep: String?

    public init(row: ResultRow, nodes: Int, memoryFraction: Double?, sweep: String?) {
      (self.row, self.nodes, self.memoryFraction, self.sweep) = (row, nodes, memoryFraction, sweep)
    }
  }

  /// A sweep's point, with the sweep's name.
  public struct Point: Sendable, Equatable {
    public var sweep: String
    public var record: SweepPointRecord

    public init(sweep: String, record: SweepPointRecord) { (self.sweep, self.record) = (sweep, record) }
  }

  /// The results file, as given.
  public var resultsPath: String
  /// The folder holding it, where `sweeps/` and `runs/` are.
  public var resultsFolder: String
  /// The selected results (all, or those of the selected sweep), in file order.
  public var results: [Result]
  /// The selected sweeps' HPL points, sweeps sorted by name, points in file order.
  public var points: [Point]
  /// The selected sweeps' training points (see ``TrainingCatalog``).
  public var trainingPoints: [Point] = []
  /// The sweeps read, sorted.
  public var sweeps: [String]
  /// Broken rows and unreadable files, each naming the file (and line).
  public var warnings: [String]

  public init(
    resultsPath: String, resultsFolder: String, results: [Result], points: [Point], sweeps: [String],
    warnings: [String] = []
  ) {
    (self.resultsPath, self.resultsFolder, self.results, self.points) = (resultsPath, resultsFolder, results, points)
    (self.sweeps, self.warnings) = (sweeps, warnings)
  }

  /// Reads `resultsPath` and every `sweeps/<name>/points.csv` beside it, or only sweep `sweep`.
  ///
  /// Throws when the results file cannot be read and no sweep has points, or when `sweep` does
  /// not exist (naming the sweeps that do).
  public static func load(resultsPath: String, sweep: String? = nil) throws(CompareError) -> ResultsCatalog {
    if let sweep, let problem = JobFile.nameProblem(sweep) {
      throw CompareError(SafeText.escaped("sweep name: \(problem)"))
    }
    // Kept as the user wrote it (relative stays relative), so warnings name files as they would.
    let parent = (resultsPath as NSString).deletingLastPathComponent
    let resultsFolder = parent.isEmpty ? "." : parent
    let sweepsFolder = Self.join(resultsFolder, "sweeps")
    let selected = try selectedSweeps(in: sweepsFolder, sweep: sweep)
    let sweeps = selected.sweeps
    var warnings = selected.warnings
    let (points, trainingPoints) = readPoints(of: sweeps, in: sweepsFolder, warnings: &warnings)
    let rows = try readRows(
      resultsPath: resultsPath, resultsFolder: resultsFolder, hasPoints: !points.isEmpty,
      hasTrainingPoints: !trainingPoints.isEmpty, warnings: &warnings)
    var catalog = ResultsCatalog(
      resultsPath: resultsPath, resultsFolder: resultsFolder,
      results: joined(rows, with: points, keepingOthers: sweep == nil), points: points, sweeps: sweeps,
      warnings: warnings)
    catalog.trainingPoints = trainingPoints
    return catalog
  }

  /// The sweeps to read, sorted: `sweep` alone, or every folder of `sweepsFolder` holding a
  /// points file, with a warning for each folder no job could have made. Throws when `sweep`
  /// does not exist, naming the sweeps that do.
  private static func selectedSweeps(in sweepsFolder: String, sweep: String?) throws(CompareError) -> (
    sweeps: [String], warnings: [String]
  ) {
    let folders = ((try? FileManager.default.contentsOfDirectory(atPath: sweepsFolder)) ?? [])
      .filter { FileManager.default.fileExists(atPath: "\(sweepsFolder)/\($0)/\(SweepPointRecord.fileName)") }
      .sorted()
    // A folder no job could have made (a name with control characters, say) is not shown as a sweep.
    let available = folders.filter { JobFile.nameProblem($0) == nil }
    var warnings: [String] = []
    for name in folders where JobFile.nameProblem(name) != nil {
      warnings.append(
        SafeText.escaped("\(sweepsFolder)/\(name): not a sweep's folder (\(JobFile.nameProblem(name)!)); skipped"))
    }
    if let sweep, !available.contains(sweep) {
      let known = available.isEmpty ? "there is none" : "there are " + available.joined(separator: ", ")
      throw CompareError(
        "no sweep '\(sweep)': \(sweepsFolder)/\(sweep)/\(SweepPointRecord.fileName) does not exist (\(known))")
    }
    return (sweep.map { [$0] } ?? available, warnings)
  }

  /// The HPL and the training points of `sweeps`, in order; unreadable files and broken rows
  /// become warnings.
  private static func readPoints(of sweeps: [String], in sweepsFolder: String, warnings: inout [String]) -> (
    hpl: [Point], training: [Point]
  ) {
    var points: [Point] = []
    var trainingPoints: [Point] = []
    for name in sweeps {
      let path = "\(sweepsFolder)/\(name)/\(SweepPointRecord.fileName)"
      do {
        let (records, pointWarnings) = try SweepPointRecord.read(path: path)
        points += records.map { Point(sweep: name, record: $0) }.filter { $0.record.hpl != nil }
        trainingPoints += records.map { Point(sweep: name, record: $0) }.filter { $0.record.training != nil }
        warnings += pointWarnings
      } catch {
        warnings.append(error.description)
      }
    }
    return (points, trainingPoints)
  }

  /// The rows of the HPL results file; its warnings come first, as it is named on the command
  /// line. A missing file is an error only when there is nothing else to compare.
  private static func readRows(
    resultsPath: String, resultsFolder: String, hasPoints: Bool, hasTrainingPoints: Bool, warnings: inout [String]
  ) throws(CompareError) -> [ResultRow] {
    do {
      let read = try ResultsCSV.read(path: resultsPath)
      warnings = read.warnings + warnings
      return read.rows
    } catch {
      let trainingResults = Self.join(resultsFolder, TrainingCatalog.fileName)
      guard hasPoints || hasTrainingPoints || FileManager.default.fileExists(atPath: trainingResults) else {
        throw CompareError("\(error.description) (hplswift and clusterbench submit write it; pass another path?)")
      }
      // Training results alone are no reason to warn about the missing HPL file.
      if hasPoints { warnings.insert(error.description, at: 0) }
      return []
    }
  }

  /// Each row with its run's sweep point (the first that names the run); rows of runs in no
  /// sweep only when `keepingOthers`, counting their distinct hosts as nodes.
  private static func joined(_ rows: [ResultRow], with points: [Point], keepingOthers: Bool) -> [Result] {
    var pointOfRun: [String: Point] = [:]
    for point in points where !point.record.runID.isEmpty && pointOfRun[point.record.runID] == nil {
      pointOfRun[point.record.runID] = point
    }
    var results: [Result] = []
    for row in rows {
      if let point = pointOfRun[row.runID] {
        results.append(
          Result(row: row, nodes: point.record.nodes, memoryFraction: point.record.memoryFraction, sweep: point.sweep))
      } else if keepingOthers {
        results.append(Result(row: row, nodes: max(1, row.hosts.count), memoryFraction: nil, sweep: nil))
      }
    }
    return results
  }

  /// `train.csv` beside the HPL results.
  public var trainingResultsPath: String { Self.join(resultsFolder, TrainingCatalog.fileName) }

  /// The telemetry folder of run `runID` when it exists: the point's `run_folder` (relative to
  /// the results folder) when a sweep recorded one, else `runs/<run id>`.
  public func telemetryFolder(runID: String, point: SweepPointRecord? = nil) -> String? {
    guard !runID.isEmpty else { return nil }
    var candidates: [String] = []
    if let folder = point?.runFolder, !folder.isEmpty {
      candidates.append(folder.hasPrefix("/") ? folder : Self.join(resultsFolder, folder))
    }
    candidates.append(Self.join(resultsFolder, "runs/" + runID))
    return candidates.first { path in
      var isFolder: ObjCBool = false
      return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
  }

  /// `folder/name`, or `name` alone in the working directory, so that warnings name files as the
  /// user would (`sweeps/x/points.csv`, not `./sweeps/x/points.csv`).
  static func join(_ folder: String, _ name: String) -> String {
    folder == "." ? name : folder + "/" + name
  }
}

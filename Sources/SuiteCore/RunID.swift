import Foundation

/// A run's id: the key that joins a run's results rows to its telemetry folder
/// `results/runs/<run id>/`, made once by rank 0 (``RunContext`` in ClusterRun shares it).
public enum RunID {
  /// The longest run id: a sweep's point is `<job name>-<point id>-<time>`, with a job name of up
  /// to 100 characters, a point id of up to about 60 and a time of 16, well inside a file name's
  /// 255 bytes.
  public static let maximumLength = 200

  /// `hpl-20261123T030047Z-3f2a`: `prefix`, the time in UTC and a random suffix (so two runs
  /// started in the same second differ); without `randomSuffix`, `prefix-20261123T030047Z`.
  public static func make(prefix: String, at date: Date = Date(), randomSuffix: Bool = true) -> String {
    let id = "\(prefix)-\(Timestamp.compact(date))"
    return randomSuffix ? id + "-" + String(UInt32.random(in: 0...0xFFFF), radix: 16) : id
  }

  /// Why `id` cannot be a run id (it names a folder), or `nil` when it can.
  public static func problem(_ id: String) -> String? {
    FolderName.problem(id, maximumLength: maximumLength)
  }
}

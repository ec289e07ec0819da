import Foundation
import MPI
import SuiteCore
import Telemetry

/// Rank 0's side of a job's telemetry: receives every node's ``SamplerBatch``, appends its rows to
/// the folder's four CSV files, and keeps the folder's ``RunMetadata`` current.
///
/// Used by ``RunTelemetry`` (batches gathered between a program's stages) and by
/// ``TelemetryMonitor`` (batches gathered every interval).
final class TelemetryCollector {
  let folder: String
  private(set) var metadata: RunMetadata
  /// Failures to write the files, each once (sampling problems go to the metadata instead). A
  /// program that has any ends non-zero: its telemetry is incomplete.
  private(set) var writeFailures: [String] = []
  /// CPU seconds the samplers spent, over all nodes, and the samples they took.
  private(set) var samplerCPUSeconds = 0.0
  private(set) var samplesTaken = 0

  init(folder: String, metadata: RunMetadata) {
    (self.folder, self.metadata) = (folder, metadata)
    writeMetadata()
    // Every file exists from the start, with its header, even if no node ever fills it (a VM
    // without thermal sensors): readers and joins always find the schema.
    for file in TelemetryCSV.File.allCases {
      do { try TelemetryCSV.append(lines: [], to: file, path: folder + "/" + file.fileName) } catch { warn("\(error)") }
    }
  }

  /// Appends the batches' rows (each file's rows in host order) and records their problems.
  func record(_ batches: [SamplerBatch]) {
    for file in TelemetryCSV.File.allCases {
      let lines = batches.flatMap { $0.rows[file.rawValue] ?? [] }
      guard !lines.isEmpty else { continue }
      do {
        try TelemetryCSV.append(lines: lines, to: file, path: folder + "/" + file.fileName)
      } catch {
        warn("\(error)")
      }
    }
    var changed = false
    for batch in batches where !batch.isEmpty {
      metadata.samples[batch.host, default: 0] += batch.samples
      if !batch.problems.isEmpty {
        metadata.problems[batch.host, default: []] += batch.problems
        changed = true
      }
      samplerCPUSeconds += batch.cpuSeconds
      samplesTaken += batch.samples
    }
    if changed { writeMetadata() }
  }

  /// Records the end time and final sample counts, naming hosts that never sent a sample.
  func finish(at end: Date = Date()) {
    metadata.end = Timestamp.milliseconds(end)
    for host in metadata.hosts where (metadata.samples[host] ?? 0) == 0 {
      metadata.problems[host, default: []].append("no samples: the host's sampler never reported")
    }
    writeMetadata()
  }

  private func writeMetadata() {
    do { try metadata.write(toFolder: folder) } catch { warn("\(error)") }
  }

  private func warn(_ message: String) {
    if !writeFailures.contains(message) { writeFailures.append(message) }
  }

  /// Sends this rank's batch (`nil` on ranks that do not sample) to rank 0 of `communicator`;
  /// returns every non-empty batch there, `nil` elsewhere. Collective.
  static func gather(_ batch: SamplerBatch?, on communicator: Communicator) throws -> [SamplerBatch]? {
    var text = ""
    if let batch, !batch.isEmpty, let data = try? JSONEncoder().encode(batch) {
      text = String(decoding: data, as: UTF8.self)
    }
    guard let texts = try communicator.gather(text, root: 0) else { return nil }
    return texts.compactMap { text in
      text.isEmpty ? nil : try? JSONDecoder().decode(SamplerBatch.self, from: Data(text.utf8))
    }
  }
}

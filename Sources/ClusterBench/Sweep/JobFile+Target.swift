import JobFiles

extension JobFile {
  /// Refuses node counts above the hosts of `target`, naming the `nodes:` line.
  public func checkNodes(fit target: LaunchTarget) throws(JobFileError) {
    guard let largest = nodes.max(), largest > target.hosts.count else { return }
    throw JobFileError(
      path: path, line: lines["nodes"], key: "nodes",
      message: "\(largest) nodes asked for, but \(target.label) has \(target.hosts.count) "
        + "host\(target.hosts.count == 1 ? "" : "s")")
  }
}

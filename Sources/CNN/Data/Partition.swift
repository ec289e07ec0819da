/// The training or the test part of a data set.
public enum Partition: String, Sendable, Equatable, CaseIterable {
  case train, test
}

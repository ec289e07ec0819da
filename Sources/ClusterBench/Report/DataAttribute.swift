/// A `data-NAME="VALUE"` attribute on a chart's mark: the plotted figures in machine-readable
/// form, so that scripts and tests can read a chart back (`<circle data-x="4" data-y="12.5">`).
struct DataAttribute: Sendable, Equatable {
  /// The name after `data-`.
  var name: String
  var value: String

  init(_ name: String, _ value: String) { (self.name, self.value) = (name, value) }

  init(_ name: String, _ value: Double) { self.init(name, Markup.value(value)) }

  /// The attributes as markup, each preceded by a space.
  static func markup(_ attributes: [DataAttribute]) -> String {
    attributes.map { " data-\($0.name)=\"\(Markup.escape($0.value))\"" }.joined()
  }
}

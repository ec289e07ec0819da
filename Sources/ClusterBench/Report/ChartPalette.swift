/// The series colors: Tableau 10, distinguishable on screen and in print, then repeated.
enum ChartPalette {
  static let colors = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  ]

  static func color(_ index: Int) -> String { colors[index % colors.count] }

  /// Dashes for series beyond the colors, so the 11th line does not pass for the 1st.
  static func dash(_ index: Int) -> String? {
    index < colors.count ? nil : ["6 3", "2 3", "8 3 2 3"][index / colors.count % 3]
  }
}

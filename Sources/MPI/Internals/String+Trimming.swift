extension String {
  /// The string without leading and trailing whitespace, for values read from the environment.
  var trimmingSpaces: String {
    var characters = Substring(self)
    while characters.first?.isWhitespace == true { characters.removeFirst() }
    while characters.last?.isWhitespace == true { characters.removeLast() }
    return String(characters)
  }
}

/// The 31 positional lines of an HPL.dat file, numbered as in the file.
///
/// Each line has a short ``key`` for error messages and the ``comment`` xhpl's own written files
/// carry after the values (the format of `testing/ptest/HPL.dat`).
///
/// netlib: the reading order of `HPL_pdinfo`
enum HPLDatLine: Int, CaseIterable, Sendable {
  case title = 1
  case subtitle
  case outputFileName
  case device
  case problemSizeCount
  case problemSizes
  case blockSizeCount
  case blockSizes
  case processMapping
  case gridCount
  case gridRows
  case gridColumns
  case threshold
  case panelFactorizationCount
  case panelFactorizations
  case recursionStoppingSizeCount
  case recursionStoppingSizes
  case panelDivisionCount
  case panelDivisions
  case recursivePanelFactorizationCount
  case recursivePanelFactorizations
  case broadcastCount
  case broadcasts
  case lookaheadDepthCount
  case lookaheadDepths
  case swap
  case swapThreshold
  case l1Form
  case uForm
  case equilibration
  case alignment

  /// The number of lines xhpl reads; later lines are ignored.
  static let count = 31

  /// The name used in error messages: `Ns`, `# of Ns`, `threshold`, ...
  var key: String {
    switch self {
    case .title: "title"
    case .subtitle: "subtitle"
    case .outputFileName: "output file name"
    case .device: "device out"
    case .problemSizeCount: "# of Ns"
    case .problemSizes: "Ns"
    case .blockSizeCount: "# of NBs"
    case .blockSizes: "NBs"
    case .processMapping: "PMAP"
    case .gridCount: "# of grids"
    case .gridRows: "Ps"
    case .gridColumns: "Qs"
    case .threshold: "threshold"
    case .panelFactorizationCount: "# of PFACTs"
    case .panelFactorizations: "PFACTs"
    case .recursionStoppingSizeCount: "# of NBMINs"
    case .recursionStoppingSizes: "NBMINs"
    case .panelDivisionCount: "# of NDIVs"
    case .panelDivisions: "NDIVs"
    case .recursivePanelFactorizationCount: "# of RFACTs"
    case .recursivePanelFactorizations: "RFACTs"
    case .broadcastCount: "# of BCASTs"
    case .broadcasts: "BCASTs"
    case .lookaheadDepthCount: "# of DEPTHs"
    case .lookaheadDepths: "DEPTHs"
    case .swap: "SWAP"
    case .swapThreshold: "swapping threshold"
    case .l1Form: "L1"
    case .uForm: "U"
    case .equilibration: "EQUIL"
    case .alignment: "ALIGN"
    }
  }

  /// The conventional text after the values (for lines 1–2, the whole line).
  var comment: String {
    switch self {
    case .title: "HPLinpack benchmark input file"
    case .subtitle: "Innovative Computing Laboratory, University of Tennessee"
    case .outputFileName: "output file name (if any)"
    case .device: "device out (6=stdout,7=stderr,file)"
    case .problemSizeCount: "# of problems sizes (N)"
    case .problemSizes: "Ns"
    case .blockSizeCount: "# of NBs"
    case .blockSizes: "NBs"
    case .processMapping: "PMAP process mapping (0=Row-,1=Column-major)"
    case .gridCount: "# of process grids (P x Q)"
    case .gridRows: "Ps"
    case .gridColumns: "Qs"
    case .threshold: "threshold"
    case .panelFactorizationCount: "# of panel fact"
    case .panelFactorizations: "PFACTs (0=left, 1=Crout, 2=Right)"
    case .recursionStoppingSizeCount: "# of recursive stopping criterium"
    case .recursionStoppingSizes: "NBMINs (>= 1)"
    case .panelDivisionCount: "# of panels in recursion"
    case .panelDivisions: "NDIVs"
    case .recursivePanelFactorizationCount: "# of recursive panel fact."
    case .recursivePanelFactorizations: "RFACTs (0=left, 1=Crout, 2=Right)"
    case .broadcastCount: "# of broadcast"
    case .broadcasts: "BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)"
    case .lookaheadDepthCount: "# of lookahead depth"
    case .lookaheadDepths: "DEPTHs (>=0)"
    case .swap: "SWAP (0=bin-exch,1=long,2=mix)"
    case .swapThreshold: "swapping threshold"
    case .l1Form: "L1 in (0=transposed,1=no-transposed) form"
    case .uForm: "U  in (0=transposed,1=no-transposed) form"
    case .equilibration: "Equilibration (0=no,1=yes)"
    case .alignment: "memory alignment in double (> 0)"
    }
  }

  /// Words that identify the conventional comment of this line (nil for the free-text lines 1–2).
  ///
  /// Used only to hint at a shifted file: when line 14 fails and its comment reads like line 15's,
  /// a line is probably missing above it.
  var signature: [Substring]? {
    switch self {
    case .title, .subtitle: nil
    case .outputFileName: ["output", "file", "name"]
    case .device: ["device", "out"]
    case .problemSizeCount: ["#", "of", "problems"]
    case .blockSizeCount: ["#", "of", "NBs"]
    case .gridCount: ["#", "of", "process", "grids"]
    case .panelFactorizationCount: ["#", "of", "panel", "fact"]
    case .recursionStoppingSizeCount: ["#", "of", "recursive", "stopping"]
    case .panelDivisionCount: ["#", "of", "panels", "in", "recursion"]
    case .recursivePanelFactorizationCount: ["#", "of", "recursive", "panel", "fact"]
    case .broadcastCount: ["#", "of", "broadcast"]
    case .lookaheadDepthCount: ["#", "of", "lookahead", "depth"]
    case .processMapping: ["PMAP"]
    case .threshold: ["threshold"]
    case .swapThreshold: ["swapping", "threshold"]
    case .alignment: ["memory", "alignment"]
    case .problemSizes, .blockSizes, .gridRows, .gridColumns, .panelFactorizations,
      .recursionStoppingSizes, .panelDivisions, .recursivePanelFactorizations, .broadcasts,
      .lookaheadDepths, .swap, .l1Form, .uForm, .equilibration:
      [Substring(comment.split(separator: " ")[0])]
    }
  }

  /// The line whose conventional comment `text` contains, if that is not `self`'s own.
  ///
  /// The longest signature found wins; nil when `text` also contains `self`'s signature or no
  /// signature at all.
  func otherLineWhoseComment(matches text: Substring) -> HPLDatLine? {
    let words = text.split(whereSeparator: \.isWhitespace).map { word in
      word.hasSuffix(".") || word.hasSuffix(",") || word.hasSuffix(":") ? word.dropLast() : word
    }
    func contains(_ signature: [Substring]) -> Bool {
      guard signature.count <= words.count else { return false }
      return (0...(words.count - signature.count)).contains { start in
        words[start..<(start + signature.count)].elementsEqual(signature)
      }
    }
    if let own = signature, contains(own) { return nil }
    var best: (line: HPLDatLine, length: Int)? = nil
    for line in Self.allCases where line != self {
      guard let signature = line.signature, contains(signature) else { continue }
      if signature.count > (best?.length ?? 0) { best = (line, signature.count) }
    }
    return best?.line
  }
}

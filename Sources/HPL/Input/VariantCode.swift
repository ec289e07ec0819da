/// The T/V code that starts each xhpl result line, e.g. `WR11C2R4`.
///
/// By position: `W` (wall time), PMAP (`R`/`C`), DEPTH, BCAST digit (0–5), RFACT (`L`/`C`/`R`),
/// NDIV, PFACT (`L`/`C`/`R`), NBMIN. xhpl prints the numbers with `%1d`, a minimum width, so
/// NBMIN 100 gives `WR11C2R100`: decode by position, never by column. DEPTH and BCAST are
/// adjacent digits; the last digit before the RFACT letter is BCAST, the digits before it DEPTH.
///
/// netlib: the `W%c%1d%c%c%1d%c%1d` format of `HPL_pdtest`
public struct VariantCode: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// Position 2. netlib: `GRID->order`
  public var processMapping: ProcessMapping
  /// Position 3. netlib: `ALGO->depth`
  public var lookaheadDepth: Int
  /// Position 4. netlib: `ALGO->btopo`
  public var broadcast: BroadcastTopology
  /// Position 5. netlib: `ALGO->rfact`
  public var recursivePanelFactorization: PanelFactorization
  /// Position 6. netlib: `ALGO->nbdiv`
  public var panelDivisions: Int
  /// Position 7. netlib: `ALGO->pfact`
  public var panelFactorization: PanelFactorization
  /// Position 8. netlib: `ALGO->nbmin`
  public var recursionStoppingSize: Int

  public init(
    processMapping: ProcessMapping, lookaheadDepth: Int, broadcast: BroadcastTopology,
    recursivePanelFactorization: PanelFactorization, panelDivisions: Int,
    panelFactorization: PanelFactorization, recursionStoppingSize: Int
  ) {
    self.processMapping = processMapping
    self.lookaheadDepth = lookaheadDepth
    self.broadcast = broadcast
    self.recursivePanelFactorization = recursivePanelFactorization
    self.panelDivisions = panelDivisions
    self.panelFactorization = panelFactorization
    self.recursionStoppingSize = recursionStoppingSize
  }

  /// Decodes `text`, e.g. `WR11C2R4`; nil unless it is a complete T/V code.
  public init?(_ text: String) {
    var rest = Substring(text)
    func digits() -> Int? {
      let run = rest.prefix(while: { $0.isASCII && $0.isNumber })
      rest = rest.dropFirst(run.count)
      return run.isEmpty ? nil : Int(run)
    }
    func letter() -> Character? { rest.popFirst() }

    guard letter() == "W" else { return nil }
    switch letter() {
    case "R": processMapping = .rowMajor
    case "C": processMapping = .columnMajor
    default: return nil
    }
    // DEPTH digits then one BCAST digit, then the RFACT letter.
    let run = rest.prefix(while: { $0.isASCII && $0.isNumber })
    guard run.count >= 2, let depth = Int(run.dropLast()), let lastDigit = run.last,
      let code = lastDigit.wholeNumberValue, let broadcast = BroadcastTopology(rawValue: code)
    else { return nil }
    rest = rest.dropFirst(run.count)
    lookaheadDepth = depth
    self.broadcast = broadcast
    guard let rfactLetter = letter(),
      let rfact = PanelFactorization(variantLetter: rfactLetter),
      let ndiv = digits(),
      let pfactLetter = letter(),
      let pfact = PanelFactorization(variantLetter: pfactLetter),
      let nbmin = digits(),
      rest.isEmpty
    else { return nil }
    recursivePanelFactorization = rfact
    panelDivisions = ndiv
    panelFactorization = pfact
    recursionStoppingSize = nbmin
  }

  /// The code as xhpl prints it, e.g. `WR11C2R4`.
  public var text: String {
    "W\(processMapping.variantLetter)\(lookaheadDepth)\(broadcast.rawValue)"
      + "\(recursivePanelFactorization.variantLetter)\(panelDivisions)"
      + "\(panelFactorization.variantLetter)\(recursionStoppingSize)"
  }

  public var description: String { text }
}

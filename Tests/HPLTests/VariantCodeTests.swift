import HPL
import Testing

@Suite("T/V codes")
struct VariantCodeTests {
  @Test func sampleCode() {
    let test = TestParameters(n: 10000, nb: 64, rows: 2, columns: 1)
    #expect(test.variantCode == "WR11C2R4")
    let decoded = TestParameters.decode(variantCode: "WR11C2R4")
    #expect(decoded == test.variant)
    #expect(decoded?.processMapping == .rowMajor)
    #expect(decoded?.lookaheadDepth == 1)
    #expect(decoded?.broadcast == .oneRingModified)
    #expect(decoded?.recursivePanelFactorization == .crout)
    #expect(decoded?.panelDivisions == 2)
    #expect(decoded?.panelFactorization == .right)
    #expect(decoded?.recursionStoppingSize == 4)
  }

  @Test func wideNumbersWidenTheCode() {
    let test = TestParameters(n: 500, nb: 64, rows: 1, columns: 1, recursionStoppingSize: 100)
    #expect(test.variantCode == "WR11C2R100")
    #expect(VariantCode("WR11C2R100")?.recursionStoppingSize == 100)
    let deep = VariantCode(
      processMapping: .columnMajor, lookaheadDepth: 12, broadcast: .longModified,
      recursivePanelFactorization: .left, panelDivisions: 16, panelFactorization: .crout,
      recursionStoppingSize: 32)
    #expect(deep.text == "WC125L16C32")
    #expect(VariantCode("WC125L16C32") == deep)
  }

  @Test(arguments: PanelFactorization.allCases, BroadcastTopology.allCases)
  func everyPfactAndBcastRoundTrips(_ pfact: PanelFactorization, _ bcast: BroadcastTopology) {
    for rfact in PanelFactorization.allCases {
      for mapping in ProcessMapping.allCases {
        let code = VariantCode(
          processMapping: mapping, lookaheadDepth: 0, broadcast: bcast,
          recursivePanelFactorization: rfact, panelDivisions: 2, panelFactorization: pfact,
          recursionStoppingSize: 4)
        #expect(VariantCode(code.text) == code)
        #expect(code.text.count == 8)
      }
    }
  }

  @Test(arguments: [
    "", "W", "XR11C2R4", "WX11C2R4", "WR1C2R4", "WR16C2R4", "WR11X2R4", "WR11C2R",
    "WR11C2R4x", "WR11CR4", "wr11c2r4",
  ])
  func malformedCodesAreRejected(_ text: String) {
    #expect(VariantCode(text) == nil)
  }
}

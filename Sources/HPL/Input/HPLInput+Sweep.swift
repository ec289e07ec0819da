extension HPLInput {
  /// The most tests one HPL.dat may describe. Nine lists of up to 20 values could make 20⁹
  /// tests, which ``tests`` could not even list; 100,000 is far beyond any sweep that finishes.
  public static let maximumTestCount = 100_000

  /// The number of tests the sweep runs: the product of the lengths of its nine lists.
  public var testCount: Int {
    [
      grids.count, problemSizes.count, blockSizes.count, lookaheadDepths.count, broadcasts.count,
      recursivePanelFactorizations.count, panelFactorizations.count, recursionStoppingSizes.count,
      panelDivisions.count,
    ].reduce(1) { product, count in
      let (next, overflow) = product.multipliedReportingOverflow(by: count)
      return overflow ? Int.max : next
    }
  }

  /// Every test of the sweep, in xhpl's run order.
  ///
  /// Outermost to innermost: grid (P, Q) → N → NB → DEPTH → BCAST → RFACT → PFACT → NBMIN →
  /// NDIV. This is not the file order. The count is the product of the list lengths (netlib's
  /// sample HPL.dat gives 3 · 4 · 4 · 3 · 3 · 2 = 864 tests).
  ///
  /// netlib: the nested loops of `HPL_pddriver`
  public var tests: [TestParameters] {
    var tests: [TestParameters] = []
    for grid in grids {
      for n in problemSizes {
        for nb in blockSizes {
          for depth in lookaheadDepths {
            for broadcast in broadcasts {
              for rfact in recursivePanelFactorizations {
                for pfact in panelFactorizations {
                  for nbmin in recursionStoppingSizes {
                    for ndiv in panelDivisions {
                      tests.append(
                        TestParameters(
                          n: n, nb: nb, processMapping: processMapping,
                          rows: grid.rows, columns: grid.columns,
                          panelFactorization: pfact, recursionStoppingSize: nbmin,
                          panelDivisions: ndiv, recursivePanelFactorization: rfact,
                          broadcast: broadcast, lookaheadDepth: depth,
                          swap: swap, swapThreshold: swapThreshold,
                          l1Form: l1Form, uForm: uForm, equilibration: equilibration,
                          alignment: alignment, threshold: threshold))
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return tests
  }
}

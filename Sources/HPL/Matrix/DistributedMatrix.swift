import BLAS
import MPI

#if canImport(Glibc)
  import Glibc
#endif

/// The local part of the augmented N×(N+1) matrix [A|b] on one process of a P×Q grid, plus the
/// solution pieces this process ends up holding.
///
/// Storage is column-major with a leading dimension that is a multiple of ALIGN doubles and never a
/// power of two (padding avoids cache-set conflicts between columns), in one aligned allocation.
/// netlib: `HPL_T_pmat`, the allocation in `HPL_pdtest`.
public final class DistributedMatrix {
  /// The order N of A.
  public let order: Int
  /// The block size NB.
  public let blockSize: Int
  /// Row distribution over the P process rows.
  public let rowLayout: BlockCyclicLayout
  /// Column distribution of the N + 1 columns of [A|b] over the Q process columns.
  public let columnLayout: BlockCyclicLayout
  /// This process's coordinates.
  public let myRow: Int
  public let myColumn: Int
  /// Local row count and local column count (of [A|b]).
  public let localRows: Int
  public let localColumns: Int
  /// The leading dimension of local storage.
  public let leadingDimension: Int
  /// The local storage: `leadingDimension × localColumns` doubles.
  public let storage: UnsafeMutablePointer<Double>

  /// Solution entries for the column blocks this process column owns, indexed by local column
  /// (valid after the solve; length = local columns of A, excluding b).
  public var solution: [Double]

  /// Allocates the local part of [A|b]. Throws `HPLRunError.allocationFailed` when memory is short.
  public init(order: Int, blockSize: Int, grid: ProcessGrid, alignment: Int) throws {
    self.order = order
    self.blockSize = blockSize
    rowLayout = BlockCyclicLayout(count: order, blockSize: blockSize, processCount: grid.rows)
    columnLayout = BlockCyclicLayout(count: order + 1, blockSize: blockSize, processCount: grid.columns)
    myRow = grid.myRow
    myColumn = grid.myColumn
    localRows = rowLayout.localCount(on: myRow)
    localColumns = columnLayout.localCount(on: myColumn)
    leadingDimension = Self.leadingDimension(rows: localRows, alignment: alignment)
    guard let bytes = Self.storageBytes(leadingDimension: leadingDimension, columns: localColumns) else {
      throw HPLRunError.allocationFailed(bytes: Int.max)
    }
    var raw: UnsafeMutableRawPointer? = nil
    let alignmentBytes = max(MemoryLayout<Double>.stride * alignment, MemoryLayout<UnsafeRawPointer>.stride)
    let roundedAlignment = 1 << (Int.bitWidth - (alignmentBytes - 1).leadingZeroBitCount)
    guard posix_memalign(&raw, roundedAlignment, bytes) == 0, let raw else {
      throw HPLRunError.allocationFailed(bytes: bytes)
    }
    storage = raw.bindMemory(to: Double.self, capacity: bytes / MemoryLayout<Double>.stride)
    solution = []
  }

  deinit { free(storage) }

  /// The bytes of local storage process (`row`, `column`) of a P × Q grid allocates for an
  /// N × (N + 1) [A|b] dealt in `blockSize` blocks (use ``TestParameters/distributionBlockSize``);
  /// nil when the count does not fit in an `Int`. netlib: the `malloc` of `HPL_pdtest`.
  public static func storageBytes(
    order: Int, blockSize: Int, grid: GridShape, row: Int, column: Int, alignment: Int
  ) -> Int? {
    let rows = BlockCyclicLayout(count: order, blockSize: blockSize, processCount: grid.rows)
    let (columnCount, overflow) = order.addingReportingOverflow(1)
    guard !overflow else { return nil }
    let columns = BlockCyclicLayout(count: columnCount, blockSize: blockSize, processCount: grid.columns)
    let localRows = rows.localCount(on: row)
    guard localRows <= Int.max - alignment else { return nil }
    return storageBytes(
      leadingDimension: leadingDimension(rows: localRows, alignment: alignment),
      columns: columns.localCount(on: column))
  }

  /// `leadingDimension × columns` doubles in bytes (at least one double); nil on overflow.
  static func storageBytes(leadingDimension: Int, columns: Int) -> Int? {
    let (doubles, overflow) = leadingDimension.multipliedReportingOverflow(by: columns)
    let (bytes, overflowBytes) = max(1, doubles).multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
    return overflow || overflowBytes ? nil : bytes
  }

  /// A multiple of `alignment` at least `rows` (and at least 1), bumped by one more `alignment`
  /// when it is a power of two.
  public static func leadingDimension(rows: Int, alignment: Int) -> Int {
    let align = max(1, alignment)
    var ld = max(1, (rows + align - 1) / align * align)
    if ld & (ld - 1) == 0 && ld > 1 { ld += align }
    return ld
  }

  /// A view of the whole local matrix.
  public var view: MatrixView<Double> {
    MatrixView(base: storage, rows: localRows, columns: localColumns, leadingDimension: leadingDimension)
  }

  /// The number of local columns that belong to A (not b).
  public var localColumnsOfA: Int { columnLayout.localCount(below: order, on: myColumn) }

  /// Whether this process column holds b (global column N).
  public var holdsRightHandSide: Bool { columnLayout.owner(ofGlobal: order) == myColumn }

  /// Fills the local part of [A|b] from the generator; every process does only its own blocks.
  public func generate(_ generator: RandomMatrix) {
    let nb = blockSize
    for localColumn in 0..<localColumns {
      let column = columnLayout.globalIndex(ofLocal: localColumn, on: myColumn)
      var localRow = 0
      while localRow < localRows {
        let row = rowLayout.globalIndex(ofLocal: localRow, on: myRow)
        let run = min(nb - localRow % nb, localRows - localRow)
        generator.fill(
          column: column, firstRow: row, rowCount: run,
          into: storage + localColumn * leadingDimension + localRow)
        localRow += run
      }
    }
  }
}

/// Failures of one test run that xhpl reports as skips.
public enum HPLRunError: Error, CustomStringConvertible {
  case allocationFailed(bytes: Int)

  public var description: String {
    switch self {
    case .allocationFailed(let bytes):
      return "Memory allocation failed for A, x and b (\(bytes) bytes)."
    }
  }
}

import BLAS
import Foundation
import Testing

@Suite("BLASLibrary")
struct BLASLibraryTests {
  @Test("reports real BLAS files of this process")
  func loaded() throws {
    // Make sure the BLAS is mapped: call it once.
    var x: [Double] = [3, 4]
    let norm = x.withUnsafeMutableBufferPointer { nrm2(VectorView($0)) }
    #expect(norm == 5)
    let library = BLASLibrary.loaded()
    try #require(!library.paths.isEmpty, "no BLAS in /proc/self/maps")
    for path in library.paths {
      #expect(FileManager.default.fileExists(atPath: path), "\(path)")
    }
    #expect(!library.name.isEmpty)
    #expect(library.summary.hasPrefix(library.name))
    #expect(!library.summary.contains(",") && !library.summary.contains("\n"))
    // This machine may set OPENBLAS_CORETYPE for every process; only OpenBLAS may report it.
    #expect(library.isOpenBLAS || !library.summary.contains("OPENBLAS_"), "\(library.summary)")
  }

  @Test("ATLAS from Debian's alternatives, without OpenBLAS variables set for every process")
  func atlas() {
    let maps = """
      7f00a0000000-7f00a0100000 r-xp 00000000 08:01 123 /usr/lib/x86_64-linux-gnu/atlas/libblas.so.3.10.3
      7f00a0100000-7f00a0200000 r--p 00100000 08:01 123 /usr/lib/x86_64-linux-gnu/atlas/libblas.so.3.10.3
      7f00a1000000-7f00a1800000 r-xp 00000000 08:01 124 /usr/lib/x86_64-linux-gnu/libatlas.so.3.10.3
      7f00a2000000-7f00a2100000 r-xp 00000000 08:01 125 /usr/lib/x86_64-linux-gnu/libmpich.so.12.2.0
      7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
      """
    let library = BLASLibrary.parse(
      maps: maps, environment: ["OPENBLAS_CORETYPE": "SkylakeX", "OPENBLAS_NUM_THREADS": "1"])
    #expect(!library.isOpenBLAS)
    #expect(
      library.paths == [
        "/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3.10.3",
        "/usr/lib/x86_64-linux-gnu/libatlas.so.3.10.3",
      ])
    #expect(library.name == "ATLAS 3.10.3")
    #expect(
      library.summary
        == "ATLAS 3.10.3 (/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3.10.3 + /usr/lib/x86_64-linux-gnu/libatlas.so.3.10.3)"
    )
  }

  @Test("OpenBLAS with its environment")
  func openBLAS() {
    let maps = """
      7f00a0000000-7f00a0100000 r-xp 00000000 08:01 200 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
      7f00a1000000-7f00a3000000 r-xp 00000000 08:01 201 /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so
      """
    let library = BLASLibrary.parse(
      maps: maps, environment: ["OPENBLAS_CORETYPE": "SkylakeX", "OPENBLAS_NUM_THREADS": "1"])
    #expect(library.name == "OpenBLAS 0.3.21")
    #expect(library.isOpenBLAS)
    #expect(library.paths.count == 2)
    #expect(library.summary.hasSuffix("; OPENBLAS_CORETYPE=SkylakeX; OPENBLAS_NUM_THREADS=1"))
  }

  @Test("the reference BLAS and unknown libraries")
  func others() {
    let reference = BLASLibrary.parse(
      maps: "7f-7f r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0")
    #expect(reference.name == "reference BLAS 3.11.0")
    let withVariables = BLASLibrary.parse(
      maps: "7f-7f r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0",
      environment: ["OPENBLAS_CORETYPE": "Haswell"])
    #expect(withVariables.openBLASCoreType == "Haswell")
    #expect(!withVariables.summary.contains("OPENBLAS"), "\(withVariables.summary)")
    let unknown = BLASLibrary.parse(maps: "7f-7f r-xp 0 08:01 1 /opt/vendor/lib/libblas.so.3")
    #expect(unknown.name == "libblas.so.3")
    let none = BLASLibrary.parse(maps: "7f-7f r-xp 0 08:01 1 /usr/lib/libc.so.6")
    #expect(none.paths.isEmpty && none.name == "no BLAS library mapped")
  }
}

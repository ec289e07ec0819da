import CNN
import Foundation
import ImageFiles
import Testing

@testable import ModelFormats

#if canImport(Glibc)
  import Glibc
#endif

/// `cnnswift detect`'s library side given bad input: an image too large for the node's memory is refused from its
/// header before decoding, `--draw` must name a folder, and paths are escaped in the table.
@Suite struct ImageDetectionInputTests {
  @Test func theTableEscapesPathsAndNames() {
    let row = ImageDetection.Row(
      image: "bad\u{1B}]0;x\u{07}.ppm", classIndex: 0, className: "dog\u{1B}[2J", confidence: 0.5, x: 1, y: 2,
      width: 3, height: 4)
    let table = ImageDetection.table([row])
    #expect(!table.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    #expect(table.contains("bad\\u{1B}]0;x\\u{7}.ppm  dog\\u{1B}[2J"))
  }
}

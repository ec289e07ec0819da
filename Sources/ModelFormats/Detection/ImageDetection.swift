import CNN
import Files
import Foundation
import ImageFiles

#if canImport(Glibc)
  import Glibc
#endif

/// `cnnswift detect`: a detector model run on image files, each one's objects as rows (image, class, confidence,
/// box in pixels), printed as a table, CSV or JSON, and optionally each image written with its boxes drawn.
public struct ImageDetection {
  /// One object found: the image's path, the class's name (or its number) and index, the confidence, and the box's
  /// top-left corner and size in the image's pixels.
  public struct Row: Sendable, Equatable, Codable {
    public var image: String
    public var classIndex: Int
    public var className: String
    public var confidence: Float
    public var x: Float
    public var y: Float
    public var width: Float
    public var height: Float
  }

  public let detector: ObjectDetector
  /// Class names by index, from a names file (one per line).
  public let names: [String]?
  /// Why `bytes` of memory cannot be had for `what` (`a 16384×16384 PNG`), or `nil`: asked with each image's size
  /// from its header, before a pixel is decoded. `cnnswift detect` checks the node's `MemAvailable`.
  public let memoryProblem: (_ bytes: Int, _ what: String) -> String?

  public init(
    detector: ObjectDetector, names: [String]?,
    memoryProblem: @escaping (_ bytes: Int, _ what: String) -> String? = { _, _ in nil }
  ) {
    (self.detector, self.names, self.memoryProblem) = (detector, names, memoryProblem)
  }

  /// The bytes detecting objects in a `width` × `height` image takes at its peak, for a network input of
  /// `inputWidth` × `inputHeight`: the image's 8-bit pixels (3 bytes a pixel) beside its float planes (12), and the
  /// letterbox's floats (the image resized along rows, then whole, and the input twice: the canvas and the
  /// tensor). Decoding (the decoder's buffer and its copy, 6 bytes a pixel; 12 for a progressive JPEG's
  /// coefficients) and drawing (the image, its copy and the PNG, 12 at most) come before and after, and take less.
  public static func bytesNeeded(width: Int, height: Int, inputWidth: Int, inputHeight: Int) -> Int {
    let scaled = Letterbox(imageWidth: width, imageHeight: height, inputWidth: inputWidth, inputHeight: inputHeight)
      .scaledSize
    let floats = 3 * (height * scaled.width + scaled.width * scaled.height + 2 * inputWidth * inputHeight)
    return 15 * width * height + 4 * floats
  }

  /// Why images cannot be drawn into `folder` (`--draw`), as a whole message, or `nil` once it is a folder that takes
  /// new files. A path that exists must be a folder (`--draw ok.png: is a regular file, not a folder`); a missing
  /// one is created with its parents, as `--checkpoint-dir`'s is.
  public static func drawFolderProblem(_ folder: String) -> String? {
    var status = stat()
    if stat(folder, &status) == 0, status.st_mode & S_IFMT != S_IFDIR {
      return SafeText.escaped("--draw \(folder): is a \(FileKind(mode: status.st_mode).rawValue), not a folder")
    }
    return OutputCheck.problemWritingFolder(folder).map { SafeText.escaped("--draw \(folder): \($0)") }
  }

  /// Reads a names file (`coco.names`): one class name per line, blank lines at the end ignored; refuses a
  /// file with fewer names than `classes`.
  public static func readNames(path: String, classes: Int) throws(ImageFileError) -> [String] {
    let bytes: Data
    do { bytes = try BoundedFile.read(path, limit: 4 << 20) } catch { throw ImageFileError(path, error.reason) }
    var names = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    while names.last == "" { names.removeLast() }
    guard names.count >= classes else {
      throw ImageFileError(path, "\(names.count) class names; the model has \(classes) classes")
    }
    return names
  }

  /// The objects in the image at `path`, and the image (for drawing).
  public func detect(path: String) throws(ImageFileError) -> ([Row], RGBImage) {
    let (inputHeight, inputWidth) = (detector.network.inputShape[1], detector.network.inputShape[2])
    let image = try RGBImage.read(path: path) { header in
      memoryProblem(
        Self.bytesNeeded(
          width: header.width, height: header.height, inputWidth: inputWidth, inputHeight: inputHeight),
        "a \(header.width)×\(header.height) \(header.format.rawValue)")
    }
    let found = detector.detect(planes: image.planes, width: image.width, height: image.height)
    let rows = found.map { detection in
      let box = detection.box
      return Row(
        image: path, classIndex: detection.classIndex,
        className: names?[detection.classIndex] ?? String(detection.classIndex), confidence: detection.confidence,
        x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height)
    }
    return (rows, image)
  }

  /// `image` with `rows`' boxes drawn in darknet's class colours.
  public func drawn(_ image: RGBImage, _ rows: [Row]) -> RGBImage {
    var image = image
    let thickness = max(1, image.height / 200)
    for row in rows {
      image.drawRectangle(
        left: Int(row.x.rounded()), top: Int(row.y.rounded()), right: Int((row.x + row.width).rounded()),
        bottom: Int((row.y + row.height).rounded()),
        color: RGBImage.color(forClass: row.classIndex, of: detector.classes), thickness: thickness)
    }
    return image
  }

  /// The rows as an aligned table with a header, for a terminal: the image's path and the class's name (from the
  /// names file) are escaped (``SafeText/escaped(_:)``).
  public static func table(_ rows: [Row]) -> String {
    let cells =
      [["image", "class", "confidence", "x", "y", "w", "h"]]
      + rows.map {
        [SafeText.escaped($0.image), SafeText.escaped($0.className), String(format: "%.3f", $0.confidence)]
          + [$0.x, $0.y, $0.width, $0.height].map { String(format: "%.1f", $0) }
      }
    let widths = (0..<7).map { column in cells.map { $0[column].count }.max() ?? 0 }
    return cells.map { row in
      (0..<7).map { column in
        let fill = String(repeating: " ", count: widths[column] - row[column].count)
        return column >= 2 ? fill + row[column] : row[column] + fill
      }.joined(separator: "  ").replacing(/\s+$/, with: "")
    }.joined(separator: "\n")
  }

  /// The rows as CSV: `image,class_index,class,confidence,x,y,w,h`, box in pixels.
  public static func csv(_ rows: [Row]) -> String {
    func quoted(_ text: String) -> String {
      text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
    return
      (["image,class_index,class,confidence,x,y,w,h"]
      + rows.map {
        [quoted($0.image), String($0.classIndex), quoted($0.className), String(format: "%.4f", $0.confidence)]
          .joined(separator: ",") + ","
          + [$0.x, $0.y, $0.width, $0.height].map { String(format: "%.2f", $0) }
          .joined(separator: ",")
      }).joined(separator: "\n")
  }

  /// The rows as a JSON array of objects.
  public static func json(_ rows: [Row]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    return String(decoding: try! encoder.encode(rows), as: UTF8.self)
  }
}

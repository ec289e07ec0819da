import ArgumentParser
import CNN
import CNNDistributed
import Foundation
import ImageFiles
import ModelFormats

extension CNNSwift {
  struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find objects in images with a detector (darknet YOLOv2 or YOLOv3 cfg, or a saved detector).",
      discussion: """
        Each image (PNG, JPEG or binary PPM) is letterboxed to the model's input as darknet does, the \
        outputs are decoded by the model's region or yolo heads, boxes below --threshold are dropped and \
        overlapping ones of a class suppressed (--nms). One row per object: image, class, confidence, and \
        the box's top-left x, y, width and height in the image's pixels. Without --weights the weights are \
        seeded random values (boxes are then meaningless, the timing real).

        Examples:
          cnnswift detect --model-file yolov2-tiny.cfg --weights yolov2-tiny.weights \\
            --names coco.names --image dog.jpg
          cnnswift detect --model-file yolov3-tiny.cfg --image a.png --image b.ppm \\
            --csv --draw boxes
        """)

    @Option(help: ArgumentHelp("The detector: a darknet .cfg or a .cnn model file.", valueName: "FILE"))
    var modelFile: String
    @Option(help: ArgumentHelp("Darknet weights for a .cfg (default: seeded random weights).", valueName: "FILE"))
    var weights: String?
    @Option(help: ArgumentHelp("An image to search (repeat for several).", valueName: "FILE")) var image: [String]
    @Option(help: ArgumentHelp("Class names, one per line (default: class numbers).", valueName: "FILE"))
    var names: String?
    @Option(help: "The least confidence reported (objectness × class probability).") var threshold: Float = 0.5
    @Option(help: "Intersection over union above which the weaker box of a class is dropped.") var nms: Float = 0.45
    @Flag(help: "Print CSV rows instead of a table.") var csv = false
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(
      help: ArgumentHelp(
        "Write each image with its boxes drawn to DIR/NAME-K.png (DIR is created if missing).", valueName: "DIR"))
    var draw: String?
    @Option(help: "The seed of the random weights when no --weights is given.") var seed: UInt64 = 1

    func validate() throws {
      guard !image.isEmpty else { throw ValidationError("--image: give at least one image") }
      guard threshold >= 0, threshold < 1 else {
        throw ValidationError("--threshold must be in [0, 1), got \(threshold)")
      }
      guard nms > 0, nms <= 1 else { throw ValidationError("--nms must be in (0, 1], got \(nms)") }
      guard !(csv && json) else { throw ValidationError("--csv and --json: choose one") }
      if let draw, let problem = ImageDetection.drawFolderProblem(draw) { throw ValidationError(problem) }
    }

    func run() throws {
      do {
        let file = try ModelLoader.load(path: modelFile, weights: weights, seed: seed)
        guard let heads = file.graph.detectionHeads, !heads.isEmpty else {
          throw ModelFileError(modelFile, "holds \(file.summary), no detector: it has no region or yolo layer")
        }
        guard file.inputShape.count == 3, file.inputShape[0] == 3 else {
          throw ModelFileError(
            modelFile, "takes \(ModelFile.text(file.inputShape)) inputs; a detector takes RGB images")
        }
        let detector = ObjectDetector(
          network: try file.build(), graph: file.graph, threshold: threshold, overlap: nms)
        let classes = heads.map(\.classes).max()!
        let detection = ImageDetection(
          detector: detector, names: try names.map { try ImageDetection.readNames(path: $0, classes: classes) },
          memoryProblem: { MemoryCheck.problem($0, for: $1, each: "to decode and letterbox") })
        var rows: [ImageDetection.Row] = []
        for (index, path) in image.enumerated() {
          let (found, picture) = try detection.detect(path: path)
          rows += found
          if let draw {
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            try detection.drawn(picture, found).writePNG(to: draw + "/\(name)-\(index).png")
          }
        }
        print(json ? ImageDetection.json(rows) : csv ? ImageDetection.csv(rows) : ImageDetection.table(rows))
      } catch {
        FileHandle.standardError.write(Data("cnnswift: \(error)\n".utf8))
        throw ExitCode.failure
      }
    }
  }
}

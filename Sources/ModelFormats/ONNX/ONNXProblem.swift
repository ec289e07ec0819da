/// What is wrong with one part of an ONNX model, in words; the importer adds the file and the node
/// (`model.onnx: node 'conv1' (Conv): kernel_shape [3, 5] is not square`).
struct ONNXProblem: Error, Sendable, Equatable {
  var message: String

  init(_ message: String) { self.message = message }
}

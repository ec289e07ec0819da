import CNN
import Files
import Foundation
import ONNXProto
import SwiftProtobuf

/// Reads an ONNX model (`.onnx`, such as `torch.onnx.export` writes) as a cnnswift ``ModelFile``: its graph
/// mapped node by node onto ``LayerSpec``s and its initializers onto the layers' parameters, so the model
/// infers, trains further and saves like any other.
///
/// The operators read are ``supportedOperators``; ``ONNXGraphReader`` says how each maps and what it refuses.
/// Anything else is refused naming the file, the node and the operator, never approximated: an imported model
/// computes what the ONNX graph computes, or it is not imported.
public enum ONNXImporter {
  /// The operators a graph may use (in the default domain, `""` or `ai.onnx`).
  public static let supportedOperators = [
    "Conv", "BatchNormalization", "Relu", "LeakyRelu", "Sigmoid", "MaxPool", "AveragePool", "GlobalAveragePool",
    "Gemm", "MatMul", "Add", "Concat", "Flatten", "Reshape", "Softmax", "Dropout", "Identity", "Resize", "Pad",
    "Constant", "Slice", "Transpose",
  ]

  /// The default domain's operator set versions read. Every operator above keeps the meaning the importer gives
  /// it across these (Softmax's axis, which changed at 13, is read by version).
  public static let operatorSets: ClosedRange<Int64> = 11...23

  /// The model in the ONNX file at `path` (at most ``InputLimits/modelFileBytes``).
  public static func read(path: String) throws(ModelFileError) -> ModelFile {
    let bytes = Data(try ModelFile.readBytes(path: path))
    return try model(serialized: bytes, path: path)
  }

  /// The model whose ONNX encoding is `bytes`; `path` names it in errors and gives its name when the graph has
  /// none.
  public static func model(serialized bytes: Data, path: String) throws(ModelFileError) -> ModelFile {
    // An empty message decodes (every field absent), so an empty file would be blamed on its opset_import.
    guard !bytes.isEmpty else { throw ModelFileError(path, "is empty: not an ONNX model") }
    let proto: Onnx_ModelProto
    do {
      proto = try Onnx_ModelProto(serializedBytes: bytes)
    } catch {
      throw ModelFileError(
        path,
        "not an ONNX model: the protocol buffer does not decode (\(decodingProblem(error))); truncated or "
          + "another kind of file")
    }
    return try model(proto, path: path)
  }

  /// The model `proto`; `path` names it in errors and gives its name when the graph has none.
  public static func model(_ proto: Onnx_ModelProto, path: String) throws(ModelFileError) -> ModelFile {
    guard proto.hasGraph || !proto.opsetImport.isEmpty else {
      throw ModelFileError(path, "not an ONNX model: it holds neither a graph nor an operator set (opset_import)")
    }
    let opset = try defaultOperatorSet(proto, path: path)
    guard proto.hasGraph else { throw ModelFileError(path, "the ONNX model has no graph") }
    let imported: ONNXGraphReader.Result
    do {
      imported = try ONNXGraphReader.read(proto.graph, opset: Int(opset))
    } catch {
      // The one place a problem's text, which quotes the file's names and operators, becomes a message: escaped
      // here once. (Escaping is idempotent: its output holds no character it escapes.)
      throw ModelFileError(path, SafeText.escaped(error.message))
    }
    let network: Network
    do {
      network = try imported.graph.build(seed: 1)
    } catch {
      throw ModelFileError(path, SafeText.escaped("the imported graph does not check: \(error)"))
    }
    for (index, node) in network.nodes.enumerated() {
      let parameters = node.operation.parameters
      let given = imported.weights[index]
      guard given.map(\.shape) == parameters.map(\.value.shape) else {
        func list(_ shapes: [[Int]]) -> String {
          shapes.isEmpty ? "none" : shapes.map(ModelFile.text).joined(separator: ", ")
        }
        throw ModelFileError(
          path,
          SafeText.escaped(
            "node '\(imported.graph.nodes[index].name)': its weights have shapes \(list(given.map(\.shape))), "
              + "cnnswift's \(node.operation.summary) needs \(list(parameters.map(\.value.shape)))"))
      }
      for (parameter, value) in zip(parameters, given) { parameter.value = value }
    }
    var file = ModelFile(network: network, graph: imported.graph, name: modelName(proto.graph.name, path: path))
    file.path = path
    return file
  }

  /// Why SwiftProtobuf could not decode the file, in words.
  static func decodingProblem(_ error: any Error) -> String {
    switch error as? BinaryDecodingError {
    case .truncated?: "it ends inside a field"
    case .malformedProtobuf?: "a field's tag or wire type is invalid"
    case .invalidUTF8?: "a string is not UTF-8"
    case .messageDepthLimit?: "messages are nested too deeply"
    case .trailingGarbage?: "bytes follow the message"
    case .missingRequiredFields?: "a required field is missing"
    default: SafeText.escaped("\(error)")
    }
  }

  /// The version of the default operator set the model imports, within ``operatorSets``.
  static func defaultOperatorSet(_ proto: Onnx_ModelProto, path: String) throws(ModelFileError) -> Int64 {
    let defaults = proto.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }
    guard let version = defaults.first?.version, defaults.count == 1 else {
      throw ModelFileError(
        path,
        defaults.isEmpty
          ? "the model imports no version of the default operator set (opset_import)"
          : "the model imports the default operator set \(defaults.count) times")
    }
    guard operatorSets.contains(version) else {
      throw ModelFileError(
        path,
        "the model uses operator set version \(version); cnnswift reads versions \(operatorSets.lowerBound) to "
          + "\(operatorSets.upperBound) (export again with opset_version=13, say)")
    }
    return version
  }

  /// The names exporters give every graph (PyTorch's `main_graph`, older `torch_jit`), which say nothing of the model.
  static let exporterDefaultNames: Set<String> = ["main_graph", "torch_jit", "torch-jit-export", "tf2onnx"]

  /// The graph's name when it is a usable model name (one line of at most 256 bytes, not an exporter's default),
  /// else the file's base name.
  ///
  /// The name is printed in banners and stored in .cnn files, so a graph name that holds a character
  /// ``SafeText/escaped(_:)`` would escape (a control character, a bidirectional override) is not used, and the
  /// base name is escaped.
  static func modelName(_ graphName: String, path: String) -> String {
    let trimmed = graphName.trimmingCharacters(in: .whitespaces)
    if !trimmed.isEmpty, !exporterDefaultNames.contains(trimmed), trimmed.utf8.count <= 256,
      !trimmed.contains(where: \.isNewline), SafeText.escaped(trimmed) == trimmed
    {
      return trimmed
    }
    let base = path.split(separator: "/").last.map(String.init) ?? path
    let stem = base.hasSuffix(".onnx") ? String(base.dropLast(5)) : base
    return stem.isEmpty ? "onnx" : String(SafeText.escaped(stem).prefix(256))
  }
}

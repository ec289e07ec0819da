import CNN
import Files
import Foundation
import ONNXProto
import SwiftProtobuf

/// Writes any cnnswift model as an ONNX model (operator set 13, IR version 7) that onnxruntime and other ONNX
/// tools run: the input is `input` of shape `[N, C, H, W]` (or `[N, F]`) with a symbolic batch `N`, each graph
/// output is named after its node, and the weights are initializers named as the model file names them
/// (`0.conv.weight`).
///
/// Every ``LayerSpec`` becomes standard operators (``ONNXLayerWriter`` says which); ``ONNXImporter`` reads all
/// of them back, so export then import gives the same graph and the same outputs.
public enum ONNXExporter {
  /// The default domain's operator set version written.
  public static let operatorSet: Int64 = 13
  /// The IR version written (opset 13's).
  public static let irVersion: Int64 = 7

  /// The ONNX model of `file`; refuses a file whose parameters do not fit its graph.
  public static func model(_ file: ModelFile) throws(ModelFileError) -> Onnx_ModelProto {
    let shapes: ModelGraph.Shapes
    do {
      shapes = try file.graph.shapes()
    } catch {
      throw ModelFileError(file.path, "its graph does not check: \(error)")
    }
    var writer = ONNXLayerWriter(shapes: shapes.values)
    let parameters = try parametersByNode(file)
    for (index, node) in file.graph.nodes.enumerated() {
      do {
        try writer.write(node, index: index, parameters: parameters[index])
      } catch {
        throw ModelFileError(file.path, "node '\(node.name)': \(error.message)")
      }
    }
    var graph = writer.graph
    graph.name = file.name
    graph.input = [valueInfo("input", shape: file.graph.inputShape)]
    graph.output = file.graph.outputs.map { valueInfo(writer.valueNames[$0 + 1], shape: shapes.values[$0 + 1]) }
    var model = Onnx_ModelProto()
    model.irVersion = irVersion
    model.producerName = "cnnswift"
    var opset = Onnx_OperatorSetIdProto()
    (opset.domain, opset.version) = ("", operatorSet)
    model.opsetImport = [opset]
    model.graph = graph
    return model
  }

  /// The ONNX encoding of `file`.
  public static func serialized(_ file: ModelFile) throws(ModelFileError) -> Data {
    let proto = try model(file)
    do {
      return try proto.serializedBytes()
    } catch {
      throw ModelFileError(file.path, "its ONNX encoding failed: \(error)")
    }
  }

  /// Writes `file` as ONNX at `path`, atomically (a temporary file renamed over it) and flushed to disk; the
  /// folder must exist.
  public static func write(_ file: ModelFile, to path: String) throws(ModelFileError) {
    let bytes = try serialized(file)
    do {
      try AtomicFile.write(bytes, to: path, durable: true, createsFolder: false)
    } catch {
      throw ModelFileError(error.path, error.message)
    }
  }

  /// The file's parameters per node, from their names (`<node index>.<kind>.<name>`), in order.
  static func parametersByNode(_ file: ModelFile) throws(ModelFileError) -> [[Tensor]] {
    var byNode = [[Tensor]](repeating: [], count: file.graph.nodes.count)
    for entry in file.parameters {
      guard let node = entry.name.split(separator: ".").first.flatMap({ Int($0) }), byNode.indices.contains(node)
      else {
        throw ModelFileError(file.path, "parameter \(entry.name) belongs to no node of the graph")
      }
      byNode[node].append(entry.value)
    }
    return byNode
  }

  /// A FLOAT value of samples `shape`, its batch the symbol `N`.
  static func valueInfo(_ name: String, shape: [Int]) -> Onnx_ValueInfoProto {
    var tensorType = Onnx_TypeProto.Tensor()
    tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    var batch = Onnx_TensorShapeProto.Dimension()
    batch.dimParam = "N"
    tensorType.shape.dim =
      [batch]
      + shape.map { size in
        var dimension = Onnx_TensorShapeProto.Dimension()
        dimension.dimValue = Int64(size)
        return dimension
      }
    var info = Onnx_ValueInfoProto()
    info.name = name
    info.type.tensorType = tensorType
    return info
  }
}

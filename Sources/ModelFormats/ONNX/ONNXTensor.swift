import CNN
import Foundation
import ONNXProto

/// ONNX tensors (`TensorProto`) to and from the engine's values: weights as ``Tensor``s of Float32, and the
/// small integer lists (shapes, pads, slice bounds) that operators take as inputs.
///
/// Every size a file gives is checked before anything is allocated from it: the rank, each dimension, their
/// product (against ``InputLimits/modelParameters``, the most values a model may hold) and that the data the
/// file holds is exactly that many elements, so a damaged or hostile file is refused with a message.
enum ONNXTensor {
  /// The most dimensions a tensor may have (ONNX's operators here use at most 6).
  static let maximumRank = 8

  /// The tensor's elements as Float32 in row-major order, with its shape. Refuses any element type but FLOAT,
  /// external data, and data that does not hold exactly the elements the dimensions say.
  static func floats(_ tensor: Onnx_TensorProto) throws(ONNXProblem) -> Tensor {
    let (shape, count) = try checkedShape(tensor)
    guard tensor.dataType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
      throw ONNXProblem(
        "tensor '\(tensor.name)' holds \(typeName(tensor.dataType)) elements; cnnswift reads FLOAT (float32) weights")
    }
    if tensor.hasRawData {
      let bytes = tensor.rawData
      guard bytes.count == 4 * count else {
        throw ONNXProblem(
          "tensor '\(tensor.name)' of shape \(text(shape)) needs \(4 * count) bytes of raw_data, it holds \(bytes.count)"
        )
      }
      var values = [Float](repeating: 0, count: count)
      // ONNX's raw_data is little-endian whatever the machine's order.
      bytes.withUnsafeBytes { raw in
        for index in 0..<count {
          values[index] = Float(
            bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
        }
      }
      return Tensor(shape: shape, data: values)
    }
    guard tensor.floatData.count == count else {
      throw ONNXProblem(
        "tensor '\(tensor.name)' of shape \(text(shape)) needs \(count) float_data values, it holds "
          + "\(tensor.floatData.count)")
    }
    return Tensor(shape: shape, data: tensor.floatData)
  }

  /// The elements of an INT64 or INT32 tensor (a shape, pads, axes), at most `limit` of them.
  static func integers(_ tensor: Onnx_TensorProto, limit: Int = 64) throws(ONNXProblem) -> [Int64] {
    let (shape, count) = try checkedShape(tensor)
    guard count <= limit else {
      throw ONNXProblem("tensor '\(tensor.name)' of shape \(text(shape)) has over \(limit) integers")
    }
    let width: Int
    switch Onnx_TensorProto.DataType(rawValue: Int(tensor.dataType)) {
    case .int64: width = 8
    case .int32: width = 4
    default:
      throw ONNXProblem("tensor '\(tensor.name)' holds \(typeName(tensor.dataType)) elements; expected INT64")
    }
    if tensor.hasRawData {
      let bytes = tensor.rawData
      guard bytes.count == width * count else {
        throw ONNXProblem(
          "tensor '\(tensor.name)' of shape \(text(shape)) needs \(width * count) bytes of raw_data, it holds "
            + "\(bytes.count)")
      }
      return bytes.withUnsafeBytes { raw in
        (0..<count).map { index in
          width == 8
            ? Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: Int64.self))
            : Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self)))
        }
      }
    }
    let values = width == 8 ? tensor.int64Data : tensor.int32Data.map(Int64.init)
    guard values.count == count else {
      throw ONNXProblem(
        "tensor '\(tensor.name)' of shape \(text(shape)) needs \(count) values, it holds \(values.count)")
    }
    return values
  }

  /// The tensor's shape and element count, checked: no external data, at most ``maximumRank`` dimensions,
  /// none negative, and a product within ``InputLimits/modelParameters``.
  static func checkedShape(_ tensor: Onnx_TensorProto) throws(ONNXProblem) -> (shape: [Int], count: Int) {
    guard tensor.dataLocation != .external, tensor.externalData.isEmpty else {
      throw ONNXProblem(
        "tensor '\(tensor.name)' keeps its data in an external file; cnnswift reads models whose weights are inside "
          + "the .onnx file")
    }
    guard tensor.dims.count <= maximumRank else {
      throw ONNXProblem("tensor '\(tensor.name)' has \(tensor.dims.count) dimensions; at most \(maximumRank)")
    }
    // Both products saturate past the limit. `extent` counts a dimension of 0 as 1: a tensor of no elements may
    // still have a dimension of 2⁴⁰, and a loop over its rows (a transposition) would run that long.
    let limit = InputLimits.modelParameters
    var (count, extent) = (1, 1)
    for dimension in tensor.dims {
      guard dimension >= 0 else {
        throw ONNXProblem("tensor '\(tensor.name)' has a negative dimension: \(tensor.dims)")
      }
      let size = Int(min(dimension, Int64(limit) + 1))
      count = min(count * size, limit + 1)
      extent = min(extent * max(size, 1), limit + 1)
    }
    guard count <= limit else {
      throw ONNXProblem("tensor '\(tensor.name)' of dimensions \(tensor.dims) has over \(limit) elements")
    }
    guard extent <= limit else {
      throw ONNXProblem(
        "tensor '\(tensor.name)' of dimensions \(tensor.dims) has no elements, but its other dimensions' product is "
          + "over \(limit)")
    }
    return (tensor.dims.map { Int($0) }, count)
  }

  /// A FLOAT tensor named `name` holding `tensor`, its elements as little-endian raw_data.
  static func make(name: String, _ tensor: Tensor) -> Onnx_TensorProto {
    var proto = Onnx_TensorProto()
    proto.name = name
    proto.dims = tensor.shape.map(Int64.init)
    proto.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    var bytes = Data(capacity: 4 * tensor.count)
    for value in tensor.data { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    proto.rawData = bytes
    return proto
  }

  /// A 1-D INT64 tensor named `name` holding `values`.
  static func make(name: String, integers values: [Int64]) -> Onnx_TensorProto {
    var proto = Onnx_TensorProto()
    proto.name = name
    proto.dims = [Int64(values.count)]
    proto.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
    proto.int64Data = values
    return proto
  }

  /// `FLOAT16`, `INT64`, or the number of a type this ONNX subset does not name.
  static func typeName(_ type: Int32) -> String {
    Onnx_TensorProto.DataType(rawValue: Int(type)).map { "\($0)".uppercased() } ?? "type \(type)"
  }

  /// `[16, 3, 3, 3]`.
  static func text(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

import Foundation
import ONNXProto
import SwiftProtobuf
import Testing

/// The bytes of `message` as protobuf writes them.
func wire(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
  try message.serializedBytes()
}

/// `values` as a TensorProto's raw_data holds FLOAT elements: little-endian IEEE 754 singles.
func rawFloats(_ values: [Float]) -> Data {
  var data = Data()
  for value in values {
    withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
  }
  return data
}

/// raw_data read back as FLOAT elements.
func floats(fromRaw data: Data) -> [Float] {
  let bytes = [UInt8](data)
  return stride(from: 0, to: bytes.count, by: 4).map { start in
    Float(bitPattern: bytes[start..<start + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
  }
}

/// A float tensor value of this shape, each axis fixed (dim_value) or symbolic (dim_param).
func floatValue(_ name: String, _ shape: [Onnx_TensorShapeProto.Dimension.OneOf_Value]) -> Onnx_ValueInfoProto {
  var value = Onnx_ValueInfoProto()
  value.name = name
  value.type.tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
  value.type.tensorType.shape.dim = shape.map { axis in
    var dimension = Onnx_TensorShapeProto.Dimension()
    dimension.value = axis
    return dimension
  }
  return value
}

func intsAttribute(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
  var attribute = Onnx_AttributeProto()
  attribute.name = name
  attribute.type = .ints
  attribute.ints = values
  return attribute
}

func floatAttribute(_ name: String, _ value: Float) -> Onnx_AttributeProto {
  var attribute = Onnx_AttributeProto()
  attribute.name = name
  attribute.type = .float
  attribute.f = value
  return attribute
}

/// A 3×3 convolution with padding 1 followed by a LeakyRelu (Conv has no float attribute of its own):
/// N×1×5×5 in, N×1×5×5 out, the kernel an initializer in raw_data.
func convModel() -> Onnx_ModelProto {
  var conv = Onnx_NodeProto()
  conv.name = "conv0"
  conv.opType = "Conv"
  conv.input = ["X", "W"]
  conv.output = ["H"]
  conv.attribute = [
    intsAttribute("kernel_shape", [3, 3]), intsAttribute("pads", [1, 1, 1, 1]), intsAttribute("strides", [1, 1]),
  ]

  var relu = Onnx_NodeProto()
  relu.name = "relu0"
  relu.opType = "LeakyRelu"
  relu.input = ["H"]
  relu.output = ["Y"]
  relu.attribute = [floatAttribute("alpha", 0.01)]

  var kernel = Onnx_TensorProto()
  kernel.name = "W"
  kernel.dims = [1, 1, 3, 3]
  kernel.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
  kernel.rawData = rawFloats([0.0625, 0.125, 0.0625, 0.125, 0.25, 0.125, 0.0625, 0.125, -1.5])

  var model = Onnx_ModelProto()
  model.irVersion = 7
  model.producerName = "clusterbench"
  model.producerVersion = "test"
  var opset = Onnx_OperatorSetIdProto()
  opset.domain = ""
  opset.version = 13
  model.opsetImport = [opset]
  model.graph.name = "conv-leakyrelu"
  model.graph.node = [conv, relu]
  model.graph.initializer = [kernel]
  model.graph.input = [floatValue("X", [.dimParam("N"), .dimValue(1), .dimValue(5), .dimValue(5)])]
  model.graph.output = [floatValue("Y", [.dimParam("N"), .dimValue(1), .dimValue(5), .dimValue(5)])]
  return model
}

struct ONNXProtoRoundTripTests {
  @Test func convModelSurvivesSerializeAndParse() throws {
    let model = convModel()
    let bytes = try wire(model)
    let parsed = try Onnx_ModelProto(serializedBytes: bytes)
    #expect(parsed == model)
    #expect(try wire(parsed) == bytes)

    let graph = parsed.graph
    #expect(graph.node.map(\.opType) == ["Conv", "LeakyRelu"])
    #expect(graph.node[0].attribute.map(\.name) == ["kernel_shape", "pads", "strides"])
    #expect(graph.node[0].attribute.map(\.type) == [.ints, .ints, .ints])
    #expect(graph.node[0].attribute[1].ints == [1, 1, 1, 1])
    #expect(graph.node[1].attribute[0].type == .float)
    #expect(graph.node[1].attribute[0].f == 0.01)

    let kernel = graph.initializer[0]
    #expect(kernel.dims == [1, 1, 3, 3])
    #expect(Onnx_TensorProto.DataType(rawValue: Int(kernel.dataType)) == .float)
    #expect(kernel.rawData.count == 9 * 4)
    #expect(floats(fromRaw: kernel.rawData) == [0.0625, 0.125, 0.0625, 0.125, 0.25, 0.125, 0.0625, 0.125, -1.5])
    #expect(kernel.floatData.isEmpty)

    let input = graph.input[0].type.tensorType
    #expect(input.elemType == 1)
    #expect(input.shape.dim.map(\.value) == [.dimParam("N"), .dimValue(1), .dimValue(5), .dimValue(5)])
    #expect(graph.output[0].type.tensorType.shape.dim.count == 4)

    // proto2 presence: the default domain is written as "" and read back as set.
    #expect(parsed.opsetImport[0].hasDomain)
    #expect(parsed.opsetImport[0].domain == "")
    #expect(parsed.opsetImport[0].version == 13)
  }

  @Test func anAxisWithNeitherValueNorParamStaysUnknown() throws {
    var shape = Onnx_TensorShapeProto()
    shape.dim = [Onnx_TensorShapeProto.Dimension(), Onnx_TensorShapeProto.Dimension()]
    shape.dim[1].dimValue = 0
    let parsed = try Onnx_TensorShapeProto(serializedBytes: try wire(shape))
    #expect(parsed.dim.map(\.value) == [nil, .dimValue(0)])
  }
}

/// Bytes computed by hand from the protobuf wire format (tag = field number << 3 | wire type), and
/// checked with `protoc --encode` against onnx/onnx.proto of the onnx 1.23.2 wheel.
struct ONNXProtoWireTests {
  @Test func operatorSetIdWritesTheEmptyDefaultDomain() throws {
    var opset = Onnx_OperatorSetIdProto()
    opset.domain = ""
    opset.version = 13
    // 1:LEN "" then 2:VARINT 13.
    #expect(try wire(opset) == [0x0A, 0x00, 0x10, 0x0D])
    #expect(try wire(Onnx_OperatorSetIdProto()) == [])
  }

  @Test func floatTensorPacksItsElementsButNotItsDims() throws {
    var tensor = Onnx_TensorProto()
    tensor.dims = [2]
    tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    tensor.floatData = [1, 2]
    // 1:VARINT 2 (dims, unpacked), 2:VARINT 1 (FLOAT), 4:LEN 8 bytes of packed floats (1.0f, 2.0f).
    let expected: [UInt8] = [0x08, 0x02, 0x10, 0x01, 0x22, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40]
    #expect(try wire(tensor) == expected)
    #expect(try Onnx_TensorProto(serializedBytes: expected) == tensor)
  }

  @Test func intsAttributeIsUnpackedAndItsTypeTagTakesTwoBytes() throws {
    // 1:LEN "pads", 8:VARINT 1 twice (not packed), 20:VARINT 7 (INTS): tag 160 is the varint A0 01.
    let expected: [UInt8] = [0x0A, 0x04, 0x70, 0x61, 0x64, 0x73, 0x40, 0x01, 0x40, 0x01, 0xA0, 0x01, 0x07]
    #expect(try wire(intsAttribute("pads", [1, 1])) == expected)
    // A packed list (8:LEN 2 bytes), as other writers may send it, parses the same.
    let packed: [UInt8] = [0x0A, 0x04, 0x70, 0x61, 0x64, 0x73, 0x42, 0x02, 0x01, 0x01, 0xA0, 0x01, 0x07]
    #expect(try Onnx_AttributeProto(serializedBytes: packed) == intsAttribute("pads", [1, 1]))
  }

  @Test func floatAttributeIsAFixed32() throws {
    // 1:LEN "alpha", 2:I32 0.5f, 20:VARINT 1 (FLOAT).
    let expected: [UInt8] = [
      0x0A, 0x05, 0x61, 0x6C, 0x70, 0x68, 0x61, 0x15, 0x00, 0x00, 0x00, 0x3F, 0xA0, 0x01, 0x01,
    ]
    #expect(try wire(floatAttribute("alpha", 0.5)) == expected)
  }

  @Test func enumValuesAreONNXs() {
    #expect(Onnx_AttributeProto.AttributeType.float.rawValue == 1)
    #expect(Onnx_AttributeProto.AttributeType.graph.rawValue == 5)
    #expect(Onnx_AttributeProto.AttributeType.ints.rawValue == 7)
    #expect(Onnx_AttributeProto.AttributeType.typeProtos.rawValue == 14)
    #expect(Onnx_TensorProto.DataType.float.rawValue == 1)
    #expect(Onnx_TensorProto.DataType.int64.rawValue == 7)
    #expect(Onnx_TensorProto.DataType.double.rawValue == 11)
    #expect(Onnx_TensorProto.DataType.bfloat16.rawValue == 16)
    #expect(Onnx_TensorProto.DataType.float6E3M2.rawValue == 28)
    #expect(Onnx_TensorProto.DataLocation.external.rawValue == 1)
  }
}

/// Fields of ONNX that the subset reserves (NodeProto's overload, 8, and metadata_props, 9) are kept
/// as unknown fields and written back unchanged.
struct ONNXProtoUnknownFieldTests {
  /// 4:LEN "Relu", then what the subset does not know: 8:LEN "x" and 9:LEN { 1:LEN "k", 2:LEN "v" }.
  static let known: [UInt8] = [0x22, 0x04, 0x52, 0x65, 0x6C, 0x75]
  static let unknown: [UInt8] = [0x42, 0x01, 0x78, 0x4A, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x76]

  @Test func reservedFieldsOfANodeSurviveARoundTrip() throws {
    let node = try Onnx_NodeProto(serializedBytes: Self.known + Self.unknown)
    #expect(node.opType == "Relu")
    #expect([UInt8](node.unknownFields.data) == Self.unknown)
    #expect(try wire(node) == Self.known + Self.unknown)
  }

  @Test func unknownFieldsDeepInAModelSurviveAnEditOfTheModel() throws {
    var model = convModel()
    model.graph.node[1] = try Onnx_NodeProto(serializedBytes: Self.known + Self.unknown)
    // A field ModelProto itself does not know: 20:LEN {} (an empty training_info).
    let bytes = try wire(model) + [0xA2, 0x01, 0x00]

    var parsed = try Onnx_ModelProto(serializedBytes: bytes)
    #expect([UInt8](parsed.unknownFields.data) == [0xA2, 0x01, 0x00])
    parsed.producerName = "edited"
    let reparsed = try Onnx_ModelProto(serializedBytes: try wire(parsed))
    #expect(reparsed.producerName == "edited")
    #expect([UInt8](reparsed.unknownFields.data) == [0xA2, 0x01, 0x00])
    #expect([UInt8](reparsed.graph.node[1].unknownFields.data) == Self.unknown)
    #expect(reparsed.graph.node[0] == convModel().graph.node[0])
  }
}

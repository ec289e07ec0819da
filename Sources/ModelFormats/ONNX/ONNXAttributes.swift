import Foundation
import ONNXProto

/// One node's attributes, read by name with the operator's defaults, each checked for its type.
///
/// ``only(_:)`` refuses attributes the importer does not know for the operator: an attribute changes what an
/// operator computes, so one that is silently ignored could give a model that runs but computes something else.
struct ONNXAttributes {
  private let byName: [String: Onnx_AttributeProto]

  init(_ node: Onnx_NodeProto) throws(ONNXProblem) {
    var byName: [String: Onnx_AttributeProto] = [:]
    for attribute in node.attribute {
      guard byName.updateValue(attribute, forKey: attribute.name) == nil else {
        throw ONNXProblem("attribute '\(attribute.name)' is given twice")
      }
      guard attribute.refAttrName.isEmpty else {
        throw ONNXProblem("attribute '\(attribute.name)' refers to a function's attribute; cnnswift reads no functions")
      }
    }
    self.byName = byName
  }

  /// Refuses any attribute not in `known`.
  func only(_ known: Set<String>) throws(ONNXProblem) {
    for name in byName.keys.sorted() where !known.contains(name) {
      throw ONNXProblem(
        "attribute '\(name)' is not supported (cnnswift reads "
          + (known.isEmpty ? "no attributes" : known.sorted().joined(separator: ", ")) + " here)")
    }
  }

  func has(_ name: String) -> Bool { byName[name] != nil }

  /// The INT attribute `name`, or `defaultValue` when absent.
  func int(_ name: String, default defaultValue: Int) throws(ONNXProblem) -> Int {
    guard let attribute = byName[name] else { return defaultValue }
    guard attribute.type == .int || (!attribute.hasType && attribute.hasI) else { throw wrongType(name, "an INT") }
    guard let value = Int(exactly: attribute.i), abs(value) <= 1 << 40 else {
      throw ONNXProblem("attribute '\(name)' is \(attribute.i), out of range")
    }
    return value
  }

  /// The FLOAT attribute `name`, or `defaultValue` when absent.
  func float(_ name: String, default defaultValue: Float) throws(ONNXProblem) -> Float {
    guard let attribute = byName[name] else { return defaultValue }
    guard attribute.type == .float || (!attribute.hasType && attribute.hasF) else { throw wrongType(name, "a FLOAT") }
    guard attribute.f.isFinite else { throw ONNXProblem("attribute '\(name)' is \(attribute.f), not finite") }
    return attribute.f
  }

  /// The INTS attribute `name`, or nil when absent.
  func ints(_ name: String) throws(ONNXProblem) -> [Int]? {
    guard let attribute = byName[name] else { return nil }
    guard attribute.type == .ints || (!attribute.hasType && !attribute.ints.isEmpty) else {
      throw wrongType(name, "an INTS")
    }
    guard attribute.ints.count <= ONNXTensor.maximumRank * 2, attribute.ints.allSatisfy({ abs($0) <= 1 << 40 }) else {
      throw ONNXProblem("attribute '\(name)' is \(attribute.ints), out of range")
    }
    return attribute.ints.map { Int($0) }
  }

  /// The FLOATS attribute `name`, or nil when absent.
  func floats(_ name: String) throws(ONNXProblem) -> [Float]? {
    guard let attribute = byName[name] else { return nil }
    guard attribute.type == .floats || (!attribute.hasType && !attribute.floats.isEmpty) else {
      throw wrongType(name, "a FLOATS")
    }
    return attribute.floats
  }

  /// The STRING attribute `name` (UTF-8), or `defaultValue` when absent.
  func string(_ name: String, default defaultValue: String) throws(ONNXProblem) -> String {
    guard let attribute = byName[name] else { return defaultValue }
    guard attribute.type == .string || (!attribute.hasType && attribute.hasS) else { throw wrongType(name, "a STRING") }
    return String(decoding: attribute.s, as: UTF8.self)
  }

  /// The TENSOR attribute `name`, or nil when absent.
  func tensor(_ name: String) throws(ONNXProblem) -> Onnx_TensorProto? {
    guard let attribute = byName[name] else { return nil }
    guard attribute.type == .tensor || (!attribute.hasType && attribute.hasT) else { throw wrongType(name, "a TENSOR") }
    return attribute.t
  }

  private func wrongType(_ name: String, _ expected: String) -> ONNXProblem {
    let attribute = byName[name]!
    return ONNXProblem(
      "attribute '\(name)' "
        + (attribute.hasType ? "is of type \(Self.typeName(attribute.type))" : "has no type and no value of one")
        + ", expected \(expected)")
  }

  /// ONNX's name of an attribute type: `INTS`, `SPARSE_TENSOR`.
  static func typeName(_ type: Onnx_AttributeProto.AttributeType) -> String {
    var name = ""
    for character in "\(type)" {
      if character.isUppercase { name += "_" }
      name += character.uppercased()
    }
    return name
  }
}

/// Building attributes for the exporter.
extension Onnx_AttributeProto {
  static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    (attribute.name, attribute.type, attribute.i) = (name, .int, Int64(value))
    return attribute
  }

  static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    (attribute.name, attribute.type, attribute.f) = (name, .float, value)
    return attribute
  }

  static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    (attribute.name, attribute.type, attribute.ints) = (name, .ints, values.map(Int64.init))
    return attribute
  }

  static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    (attribute.name, attribute.type, attribute.s) = (name, .string, Data(value.utf8))
    return attribute
  }
}

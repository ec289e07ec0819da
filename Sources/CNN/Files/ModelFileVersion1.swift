/// Version 1 of the model file, which held a built-in model by name (`lenet`, `mlp`, `resnet` and its depth),
/// its input shape and its class count instead of a graph. Files of that version still load: their header becomes
/// the preset's graph. (``ModelFile`` documents both layouts.)
enum ModelFileVersion1 {
  /// What a version 1 header says.
  struct Model {
    var architecture: Architecture
    var graph: ModelGraph
    var shapes: ModelGraph.Shapes
  }

  /// The model fields after the file's header, each checked before anything is computed from it: the name and
  /// depth, the input shape (within ``InputLimits`` and fit for the model) and the class count.
  static func decodeModel(_ reader: inout ByteReader) throws(ModelFileError) -> Model {
    let path = reader.path
    let name = try reader.string("the model name")
    let layers = Int(try reader.uint32("the layer count"))
    let architecture: Architecture
    switch name {
    case "lenet", "mlp":
      guard layers == 0 else {
        throw ModelFileError(path, "corrupt: the layer count is \(layers); a \(name) file has 0 there")
      }
      architecture = name == "lenet" ? .lenet : .mlp
    case "resnet":
      guard Architecture.isValidResNetDepth(layers) else {
        throw ModelFileError(
          path,
          "corrupt: the layer count of its ResNet is \(layers); expected 6n+2 from 8 to \(InputLimits.resNetDepth)")
      }
      architecture = .resnet(layers: layers)
    default:
      throw ModelFileError(
        path, "holds an unknown model '\(name)'; expected \(Architecture.names.joined(separator: ", "))")
    }
    let most = InputLimits.inputChannels * InputLimits.imageSide * InputLimits.imageSide
    let inputShape = try reader.shape("the input shape", maximum: most, of: "values per image")
    if let problem = architecture.inputProblem(inputShape) {
      throw ModelFileError(path, "corrupt: the input shape is \(problem)")
    }
    let classes = Int(try reader.uint32("the class count"))
    guard (2...InputLimits.classes).contains(classes) else {
      throw ModelFileError(path, "corrupt: the class count is \(classes); expected 2 to \(InputLimits.classes)")
    }
    let graph = architecture.graph(inputShape: inputShape, classes: classes)
    do {
      return Model(architecture: architecture, graph: graph, shapes: try graph.shapes())
    } catch {
      throw ModelFileError(path, "its model does not check: \(error)")
    }
  }
}

extension ModelFile {
  /// The file's bytes in version 1, for a model file of a built-in model (to test that such files still load).
  func encodedVersion1() -> [UInt8] {
    guard let architecture, let classes else { preconditionFailure("version 1 holds built-in classifiers only") }
    return Self.encode(parameters, version: 1) { writer in
      writer.append(architecture.name)
      writer.append(UInt32(architecture.layers ?? 0))
      writer.append(shape: inputShape)
      writer.append(UInt32(classes))
    }
  }
}

import CNN
import Files
import Foundation
import ONNXProto
import Testing

@testable import ModelFormats

/// Hostile or damaged ONNX files: values that would trap or loop for hours are refused before any arithmetic or loop
/// uses them, messages quote the file's values in words (not Swift's dumps) and with control characters escaped.
@Suite struct ONNXBadInputTests {
  typealias B = ONNXBuilder

  /// The problem importing `model` reports (nil: it imported).
  func problem(_ model: Onnx_ModelProto, path: String = "m.onnx") -> String? {
    do {
      _ = try ONNXImporter.model(model, path: path)
      return nil
    } catch {
      return error.problem
    }
  }

  // MARK: - Resize factors

  func resize(input: [Int] = [1, 28, 28], scales: [Float]) -> Onnx_ModelProto {
    B.model(
      input: input,
      nodes: [
        B.node(
          "Resize", ["x", "", "scales"], "y", name: "up",
          [
            B.attribute("mode", string: "nearest"),
            B.attribute("coordinate_transformation_mode", string: "asymmetric"),
            B.attribute("nearest_mode", string: "floor"),
          ])
      ], initializers: [B.floats("scales", [4], scales)])
  }

  func resize(input: [Int] = [4, 28, 28], sizes: [Int64]) -> Onnx_ModelProto {
    B.model(
      input: input,
      nodes: [
        B.node(
          "Resize", ["x", "", "", "sizes"], "y", name: "up",
          [
            B.attribute("coordinate_transformation_mode", string: "asymmetric"),
            B.attribute("nearest_mode", string: "floor"),
          ])
      ], initializers: [B.int64s("sizes", sizes)])
  }

  @Test func aResizeFactorIsCheckedBeforeAnyArithmeticUsesIt() {
    // 1e18 trapped (28 × 1e18 overflows) and 1e9 looped over 28e9 output positions before the factor was checked.
    #expect(
      problem(resize(scales: [1, 1, 1e18, 1e18]))
        == "node 'up' (Resize): scales [1, 1, 1e+18, 1e+18]: the factor 1e+18 is not allowed; cnnswift upsamples by "
        + "one whole factor from 1 to 64 on both sides")
    #expect(problem(resize(scales: [1, 1, 1e9, 1e9]))?.contains("the factor 1e+09 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, 65, 65]))?.contains("the factor 65 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, 2.5, 2.5]))?.contains("the factor 2.5 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, 0, 0]))?.contains("the factor 0 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, -2, -2]))?.contains("the factor -2 is not allowed") == true)
    #expect(problem(resize(scales: [1, 1, 2, 3]))?.contains("scales by 2 and 3") == true)
    #expect(problem(resize(scales: [1, 1, 64, 64])) == nil)
  }

  @Test func resizeSizesAreDividedNeverMultiplied() {
    let huge = Int64(28) << 58
    #expect(
      problem(resize(sizes: [1, 4, huge, huge]))
        == "node 'up' (Resize): sizes [1, 4, \(huge), \(huge)]: \(huge) is not a whole multiple from 1 to 64 of the "
        + "input's side of 28; cnnswift upsamples by one whole factor from 1 to 64 on both sides")
    #expect(problem(resize(sizes: [1, 4, 28_000_000_000, 28_000_000_000]))?.contains("not a whole multiple") == true)
    #expect(problem(resize(sizes: [1, 4, Int64.max, Int64.max]))?.contains("not a whole multiple") == true)
    #expect(problem(resize(sizes: [1, 4, -56, -56]))?.contains("not a whole multiple") == true)
    #expect(problem(resize(sizes: [1, 4, 56, 56])) == nil)
  }

  @Test func aResizeOutputIsBoundedBeforeItsPositionsAreWalked() {
    // 2²⁴ values × 64²: the output is refused before copiesBlocks walks 4096 × 64 positions per side.
    #expect(
      problem(resize(input: [1, 4096, 4096], scales: [1, 1, 64, 64]))
        == "node 'up' (Resize): its output 1x262144x262144 is empty or over 268,435,456 values")
    #expect(!ONNXGraphReader.copiesBlocks(28, factor: 1 << 40, "asymmetric", "floor"))
    #expect(!ONNXGraphReader.copiesBlocks(1 << 40, factor: 2, "asymmetric", "floor"))
    #expect(ONNXGraphReader.copiesBlocks(28, factor: 2, "asymmetric", "floor"))
  }
}

import Foundation
import Testing

@testable import CNN

/// `.ts` files (our own, in the archives' format): header tags, uni- and multivariate cases, time stamps,
/// missing values and bad input; and the samples made of them.
struct TimeSeriesFileTests {
  static let univariate = """
    # A comment, then a header in mixed case
    % another comment
    @problemName Tiny
    @timeStamps false
    @missing false
    @univariate true
    @equalLength true
    @seriesLength 4
    @classLabel true up down
    @data
    1,2,3,4:up
    4,3,2.5,1e0:down\r
    0.5,0.5,0.5,0.5:up
    """

  @Test func readsAUnivariateFile() throws {
    let file = try TimeSeriesFile(text: Self.univariate, path: "tiny.ts")
    #expect(file.problemName == "Tiny" && file.classNames == ["up", "down"] && file.dimensions == 1)
    #expect(file.series == [[1, 2, 3, 4], [4, 3, 2.5, 1], [0.5, 0.5, 0.5, 0.5]])
    #expect(file.lengths == [4, 4, 4] && file.labels == [0, 1, 0] && !file.hasMissingValues)
  }

  @Test func readsMultivariateUnequalAndTimeStampedCases() throws {
    let multivariate = try TimeSeriesFile(
      text: """
        @problemName Motion
        @univariate false
        @dimensions 2
        @equalLength false
        @classLabel true a b c
        @data
        1,2,3:4,5,6:c
        7,?:8,9:a
        """, path: "motion.ts")
    #expect(multivariate.dimensions == 2 && multivariate.lengths == [3, 2] && multivariate.labels == [2, 0])
    #expect(multivariate.series[0] == [1, 2, 3, 4, 5, 6] && multivariate.series[1][1].isNaN)
    #expect(multivariate.hasMissingValues)
    let stamped = try TimeSeriesFile(
      text: """
        @timeStamps true
        @univariate true
        @classLabel true 1 2
        @data
        (2007-01-01 00:00:00,241.97),(2007-01-01 00:01:00,241.75):1
        (2008-09-09 20:56:00,4.0),(2008-09-09 20:57:00,?):2
        """, path: "stamped.ts")
    #expect(stamped.series[0] == [241.97, 241.75] && stamped.labels == [0, 1] && stamped.series[1][1].isNaN)
  }

  @Test(arguments: [
    ("@classLabel true 1 2\n@data\n1,2:3", "t.ts:3", "class label '3' is not one of @classLabel's (1 2)"),
    ("@classLabel true 1\n@data\n1,x:1", "t.ts:3", "'x' is not a number"),
    ("@dimensions 2\n@classLabel true 1\n@data\n1,2:1", "t.ts:4", "1 dimensions; expected 2"),
    ("@classLabel true 1\n@data\n1,2:1,2,3:1", "t.ts:3", "dimension 2 has 3 values and dimension 1 2"),
    ("@equalLength true\n@seriesLength 3\n@classLabel true 1\n@data\n1,2:1", "t.ts:5", "@seriesLength says 3"),
    ("@classLabel false\n@data", "t.ts:1", "cnnswift classifies"),
    ("@targetLabel true\n@data", "t.ts:1", "a regression problem"),
    ("@colour blue", "t.ts:1", "unknown tag @colour"),
    ("@seriesLength -4", "t.ts:1", "takes one whole number"),
    ("@data\n1,2:1", "t.ts:1", "@data before @classLabel"),
    ("@classLabel true 1\n1,2:1", "t.ts:2", "expected a tag"),
    ("@classLabel true 1", "t.ts", "no @data line"),
    ("@classLabel true 1\n@data\n", "t.ts", "no cases after @data"),
    ("@classLabel true 1\n@data\n1,2", "t.ts:3", "got no ':'"),
    ("@classLabel true a a\n@data", "t.ts:1", "names a class twice"),
  ])
  func badFilesNameTheLineAndTheProblem(_ text: String, _ subject: String, _ problem: String) {
    #expect {
      _ = try TimeSeriesFile(text: text, path: "t.ts")
    } throws: { error in
      guard let error = error as? DataError else { return false }
      return error.subject == subject && error.problem.contains(problem)
    }
  }

  @Test func samplesAreZNormalizedPaddedAndImputedOnlyWhenAsked() throws {
    let file = try TimeSeriesFile(text: Self.univariate, path: "tiny.ts")
    let samples = try TimeSeriesPreparation().samples(of: file, length: 4, path: "tiny.ts")
    // 1, 2, 3, 4: mean 2.5, σ √1.25; a constant case only loses its mean.
    let sigma = Float(1.25.squareRoot())
    #expect(zip(samples[0..<4], [-1.5, -0.5, 0.5, 1.5].map { $0 / sigma }).allSatisfy { abs($0 - $1) < 1e-6 })
    #expect(samples[8..<12].allSatisfy { $0 == 0 })
    let raw = try TimeSeriesPreparation(zNormalizes: false).samples(of: file, length: 4, path: "tiny.ts")
    #expect(raw == file.series.flatMap { $0 })

    let uneven = try TimeSeriesFile(text: "@classLabel true 1\n@data\n1,?,5:1\n?,2:1\n?,?:1", path: "u.ts")
    #expect {
      _ = try TimeSeriesPreparation(imputesMissing: true).samples(of: uneven, length: 3, path: "u.ts")
    } throws: { ($0 as? DataError)?.problem.contains("--pad-series") == true }
    #expect {
      _ = try TimeSeriesPreparation(padsLengths: true).samples(of: uneven, length: 3, path: "u.ts")
    } throws: { ($0 as? DataError)?.problem.contains("case 1 has missing values (?): pass --impute-missing") == true }
    let filled = try TimeSeriesPreparation(padsLengths: true, imputesMissing: true, zNormalizes: false)
      .samples(of: uneven, length: 3, path: "u.ts")
    #expect(filled == [1, 3, 5, 2, 2, 0, 0, 0, 0])
    // Resampled instead: [2, 2] stays 2s, [1, 3, 5] is as long already; a lone value is repeated.
    let stretched = try TimeSeriesPreparation(resamplesLengths: true, imputesMissing: true, zNormalizes: false)
      .samples(of: uneven, length: 3, path: "u.ts")
    #expect(stretched == [1, 3, 5, 2, 2, 2, 0, 0, 0])
    #expect(TimeSeriesPreparation.resample([0, 4], to: 5) == [0, 1, 2, 3, 4])
    #expect(TimeSeriesPreparation.resample([1, 3, 2], to: 5) == [1, 2, 3, 2.5, 2])
    #expect(TimeSeriesPreparation.resample([7], to: 3) == [7, 7, 7])
  }
}

/// A `.ts` data set as `--data` names it and as training reads it.
struct TimeSeriesDatasetTests {
  /// A folder `Pair` holding Pair_TRAIN.ts (3 cases) and Pair_TEST.ts (2 cases) of 2 dimensions, one 4 values
  /// long in the test file so that the training file's 3-value cases need padding.
  func pairFolder() -> (TemporaryFolder, String) {
    let folder = TemporaryFolder()
    try! FileManager.default.createDirectory(atPath: folder.path + "/Pair", withIntermediateDirectories: true)
    let header =
      "@problemName Pair\n@univariate false\n@dimensions 2\n@equalLength false\n@classLabel true a b\n@data\n"
    folder.write("Pair/Pair_TRAIN.ts", Array((header + "1,2,3:4,5,6:a\n7,8,9:1,1,1:b\n0,0,1:0,1,0:b\n").utf8))
    folder.write("Pair/Pair_TEST.ts", Array((header + "1,2,3,4:4,3,2,1:b\n5,5,5:6,6,6:a\n").utf8))
    return (folder, folder.path + "/Pair")
  }

  @Test func dataNamesAPrefixAFolderOrTheTrainingFile() throws {
    let (folder, prefix) = pairFolder()
    let expected = DataSource.timeSeries(train: prefix + "/Pair_TRAIN.ts", test: prefix + "/Pair_TEST.ts")
    #expect(try DataSource(spec: prefix) == expected)
    #expect(try DataSource(spec: prefix + "/") == expected)
    #expect(try DataSource(spec: prefix + "/Pair") == expected)
    #expect(try DataSource(spec: prefix + "/Pair_TRAIN.ts") == expected)
    #expect(try DataSource(spec: prefix).description == prefix + "/Pair")
    #expect(throws: DataError.self) { try DataSource(spec: folder.path + "/other.ts") }
    #expect(try DataSource(spec: folder.path) == .directory(folder.path, format: .detect))
  }

  @Test func aDatasetIsPreparedWholeAndShardedAsValues() throws {
    let (folder, prefix) = pairFolder()
    defer { withExtendedLifetime(folder) {} }
    #expect {
      _ = try Dataset(DataSource(spec: prefix))
    } throws: { ($0 as? DataError)?.problem.contains("--pad-series") == true }
    let data = try Dataset(
      DataSource(spec: prefix), padTo32: true, timeSeries: TimeSeriesPreparation(padsLengths: true, zNormalizes: false))
    #expect(data.kind == .timeSeries && data.classes == 2 && data.classNames == ["a", "b"])
    #expect(data.sampleShape == [2, 1, 4] && data.count(.train) == 3 && data.count(.test) == 2)
    #expect(data.summary.hasPrefix("Pair (\(prefix)/Pair): 3 train, 2 test, 2 dimensions of 4 values, 2 classes"))
    let shard = try data.shard(rank: 1, of: 2)
    #expect(shard.globalRange == 2..<3 && shard.intLabels == [1])
    let (batch, labels) = try data.trainingSet().batch([1, 0])
    #expect(batch.shape == [2, 2, 1, 4] && labels == [1, 0])
    #expect(batch.data == [7, 8, 9, 0, 1, 1, 1, 0, 1, 2, 3, 0, 4, 5, 6, 0])
    #expect(try data.testSet().batch([0]).images.data == [1, 2, 3, 4, 4, 3, 2, 1])
  }

  @Test func filesThatDisagreeAreRefused() throws {
    let folder = TemporaryFolder()
    folder.write("X_TRAIN.ts", Array("@classLabel true a b\n@data\n1,2:a\n".utf8))
    folder.write("X_TEST.ts", Array("@classLabel true a c\n@data\n1,2:c\n".utf8))
    #expect {
      _ = try Dataset(DataSource(spec: folder.path + "/X"))
    } throws: { error in
      guard let error = error as? DataError else { return false }
      return error.subject == folder.path + "/X_TEST.ts" && error.problem.contains("the training file has 1 and a b")
    }
  }
}

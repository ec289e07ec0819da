/// Small model files the tests of several targets share, written out by the test that needs one.
public enum TestModels {
  /// A darknet detector of 32×32 RGB inputs: two convolutions and a YOLOv2 region head of 2 anchors and 2
  /// classes (14 channels on a 16×16 grid). It detects nothing in particular, quickly.
  public static let tinyRegionDetector = """
    [net]
    width=32
    height=32
    channels=3
    [convolutional]
    filters=8
    size=3
    stride=2
    pad=1
    activation=leaky
    [convolutional]
    filters=14
    size=1
    activation=linear
    [region]
    anchors=1,1, 2,2
    classes=2
    num=2
    softmax=1
    """
}

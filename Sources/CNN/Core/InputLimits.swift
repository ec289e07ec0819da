/// The largest sizes `cnnswift` accepts from flags, data files and model files.
///
/// Each is far beyond any model or data set the suite trains (LeNet-5 and ResNet-110 on 60,000
/// images of 28 × 28 or 32 × 32) and small enough that nothing computed from it overflows an
/// `Int` or asks for an allocation no node could make. The message refusing a larger value names
/// the limit.
public enum InputLimits {
  /// `--batch`: images per step on each rank (2²⁰; ResNet-20 needs about 1.4 MiB per image).
  public static let batch = 1 << 20
  /// `--epochs` (the checkpoint stores the epoch as a 32-bit count).
  public static let epochs = 1_000_000
  /// `--data synthetic:N`: training images (ImageNet has 1.28 million; Fashion-MNIST 60,000).
  public static let syntheticImages = 1_000_000
  /// A CIFAR ResNet's depth L = 6n + 2: He et al.'s deepest has 1,202 layers (n = 200).
  public static let resNetDepth = 1202
  /// Rows or columns of an IDX image (MNIST's are 28).
  public static let imageSide = 1024
  /// Records of one CIFAR-10 file (the official files hold 10,000 each).
  public static let cifarRecords = 100_000
  /// Bytes of a model file (ResNet-110's is 7 MB, LeNet-5's 250 kB).
  public static let modelFileBytes = 1 << 30
  /// Bytes of a `.npy` array file (16 GiB; Fashion-MNIST's 70,000 images as float32 are 220 MB). A node also
  /// refuses a file larger than its available memory before reading it.
  public static let arrayFileBytes = 1 << 34
  /// Channels of a model's input (1 for MNIST, 3 for CIFAR-10).
  public static let inputChannels = 64
  /// Classes of a model (each is one byte in the data files' labels).
  public static let classes = 256
  /// Values of one sample of any layer's output (2²⁸, 1 GiB; YOLOv2's largest map at 608×608 has 11.8 million).
  public static let sampleValues = 1 << 28
  /// Filters of a convolution or outputs of a dense layer (YOLOv2's widest has 1,280 filters).
  public static let layerWidth = 1 << 16
  /// A kernel's side, a stride, a dilation, a padding or an upsampling factor.
  public static let kernelSide = 64
  /// Weights, biases and statistics of one model (2²⁸ values, 1 GiB; YOLOv2 has 51 million).
  public static let modelParameters = 1 << 28
  /// Nodes of one model graph (YOLOv3 has 107 darknet layers, about 250 nodes here).
  public static let graphNodes = 100_000
  /// `infer --latency-images` and `--passes`.
  public static let repetitions = 1_000_000
}

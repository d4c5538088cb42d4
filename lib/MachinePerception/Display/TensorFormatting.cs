using MachinePerception.Display;

namespace MachinePerception.Tensors;

// Lives beside the display code: it only tells the Polyglot kernel to format tensors with the book's formatter.
[TypeFormatterSource(typeof(BookFormatterSource))]
public sealed partial class Tensor;

"""Keras 3's public `keras.layers` names that tl.keras.layers does not provide, each with its reason:
the one table of layer gaps. tests/keras/test_keras3_layer_names.py checks it against the names
real Keras 3 lists (tests/data/keras3/layer_names.txt): every Keras name is provided or here, never
both."""

_AUGMENTATION = ("random image augmentation for training (a new random transform per call, the identity "
                 "at inference): not built yet; augment in a tl.data pipeline")
_STRINGS = ("string and categorical preprocessing (vocabularies, hashing, bucketing): tensorlite tensors have "
            "no string dtype and these lookup layers are not built yet")
_RNN_CELLS = ("the generic RNN over cell objects: SimpleRNN, LSTM and GRU here own their step function; cells "
              "and RNN(cell) are not built yet")
_NO_3D = "3-D convolution and pooling: the op table has no 3-D convolution or pooling op yet"
_ADAPTIVE = "adaptive pooling (windows chosen from the output size): not built yet; no TFLite builtin does it"
_OTHER_FRAMEWORKS = "wraps a module of another framework (JAX, Flax, PyTorch): tensorlite is its own backend"

GAPS = {
    "AdaptiveAveragePooling1D": _ADAPTIVE, "AdaptiveAveragePooling2D": _ADAPTIVE,
    "AdaptiveAveragePooling3D": _ADAPTIVE, "AdaptiveMaxPooling1D": _ADAPTIVE, "AdaptiveMaxPooling2D": _ADAPTIVE,
    "AdaptiveMaxPooling3D": _ADAPTIVE,
    "AlphaDropout": "SELU-preserving dropout: not built yet (Dropout, GaussianDropout and GaussianNoise are)",
    "AugMix": _AUGMENTATION, "AutoContrast": _AUGMENTATION, "CutMix": _AUGMENTATION, "Equalization": _AUGMENTATION,
    "ContrastLimitedAdaptiveHistogramEqualization": _AUGMENTATION, "MixUp": _AUGMENTATION,
    "RandAugment": _AUGMENTATION, "RandomBrightness": _AUGMENTATION, "RandomColorDegeneration": _AUGMENTATION,
    "RandomColorJitter": _AUGMENTATION, "RandomContrast": _AUGMENTATION, "RandomCrop": _AUGMENTATION,
    "RandomElasticTransform": _AUGMENTATION, "RandomErasing": _AUGMENTATION, "RandomFlip": _AUGMENTATION,
    "RandomGaussianBlur": _AUGMENTATION, "RandomGrayscale": _AUGMENTATION, "RandomHue": _AUGMENTATION,
    "RandomInvert": _AUGMENTATION, "RandomPerspective": _AUGMENTATION, "RandomPosterization": _AUGMENTATION,
    "RandomRotation": _AUGMENTATION, "RandomSaturation": _AUGMENTATION, "RandomSharpness": _AUGMENTATION,
    "RandomShear": _AUGMENTATION, "RandomTranslation": _AUGMENTATION, "RandomZoom": _AUGMENTATION,
    "Solarization": _AUGMENTATION,
    "MaxNumBoundingBoxes": "bounding-box preprocessing for augmentation pipelines: not built yet",
    "Pipeline": "a sequence of preprocessing layers applied to data batches: not built yet (use Sequential)",
    "AveragePooling3D": _NO_3D, "AvgPool3D": _NO_3D, "MaxPool3D": _NO_3D, "MaxPooling3D": _NO_3D,
    "Conv3D": _NO_3D, "Conv3DTranspose": _NO_3D, "Convolution3D": _NO_3D, "Convolution3DTranspose": _NO_3D,
    "ConvLSTM1D": "convolutional LSTMs: not built yet", "ConvLSTM2D": "convolutional LSTMs: not built yet",
    "ConvLSTM3D": "convolutional LSTMs: not built yet",
    "CategoryEncoding": _STRINGS, "Discretization": _STRINGS, "HashedCrossing": _STRINGS, "Hashing": _STRINGS,
    "IntegerLookup": _STRINGS, "StringLookup": _STRINGS, "TextVectorization": _STRINGS,
    "RNN": _RNN_CELLS, "GRUCell": _RNN_CELLS, "LSTMCell": _RNN_CELLS, "SimpleRNNCell": _RNN_CELLS,
    "StackedRNNCells": _RNN_CELLS,
    "GroupQueryAttention": "grouped-query attention: not built yet (MultiHeadAttention is)",
    "Masking": "Keras masks (mask propagation from layer to layer) are not implemented by the engine",
    "MelSpectrogram": "audio front-end: the op table has no FFT op",
    "STFTSpectrogram": "audio front-end: the op table has no FFT op",
    "ReversibleEmbedding": "an Embedding whose weights also project back to the vocabulary: not built yet",
    "SpectralNormalization": "a wrapper normalizing a kernel by its spectral norm (power iteration): not built yet",
    "FlaxLayer": _OTHER_FRAMEWORKS, "JaxLayer": _OTHER_FRAMEWORKS, "TorchModuleWrapper": _OTHER_FRAMEWORKS,
    "TFSMLayer": "loads a TensorFlow SavedModel, which needs TensorFlow; tl.saved_model.load reads tensorlite's",
    "InputSpec": "Keras's declarative input checks: layers here check their inputs in build and call",
    "serialize": "layer configs are get_config / from_config on each layer, and tl.keras.saving for model files",
    "deserialize": "layer configs are get_config / from_config on each layer, and tl.keras.saving for model files",
}

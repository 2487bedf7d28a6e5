#!/usr/bin/env bash
# Regenerates Sources/ONNXExport/onnx.pb.swift, the Swift messages of ONNX's onnx.proto, with
# protoc (from PyPI's grpcio-tools) and swift-protobuf's protoc-gen-swift (built from the
# swift-protobuf this package depends on). The committed file came from onnx 1.23.2's onnx.proto
# and swift-protobuf 1.39.0; rerun after changing either.
#   scripts/generate-onnx.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore grpcio-tools onnx
swift build -c release --product protoc-gen-swift
proto=$(python3 -c "import onnx, os; print(os.path.dirname(onnx.__file__))")
work=$(mktemp -d)
cp "$proto/onnx.proto" "$work/"
python3 -m grpc_tools.protoc -I"$work" --plugin=protoc-gen-swift="$(swift build -c release --show-bin-path)/protoc-gen-swift" \
  --swift_out="$work" "$work/onnx.proto"
cp "$work/onnx.pb.swift" Sources/ONNXExport/onnx.pb.swift
rm -rf "$work"
echo "wrote Sources/ONNXExport/onnx.pb.swift"

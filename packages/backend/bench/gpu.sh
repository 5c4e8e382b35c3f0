#!/usr/bin/env bash
# GPU training throughput of @pixsim/backend on a machine with a real GPU (Linux, Vulkan driver installed).
# Installs nothing: run `npx -y pnpm@10 install` in the repository first (npm registry only; the `webgpu`
# package ships Dawn prebuilt). Steps:
#   1. checks that Dawn (the `webgpu` package) sees a hardware GPU through Vulkan, and prints it;
#   2. times ResNet18 width 64, CIFAR size, batch 64, plain and regularized step, on webgpu;
#   3. the same on tensorflow (@tensorflow/tfjs-node-gpu) if it is installed and loads (it needs CUDA 11 +
#      cuDNN 8, and its install downloads libtensorflow from outside npm, so this script never installs it).
# Usage: packages/backend/bench/gpu.sh [--steps N]
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
if [[ -n "${VK_ICD_FILENAMES:-}" ]]; then
  echo "note: VK_ICD_FILENAMES=$VK_ICD_FILENAMES restricts Vulkan to that driver" >&2
fi

echo "== 1. Dawn adapter (Vulkan)"
node --input-type=module -e '
  const { create, globals } = await import("webgpu");
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) { console.error("Dawn sees no GPU: install libvulkan1 and the GPU vendor Vulkan driver (NVIDIA: the driver package ships nvidia_icd.json)"); process.exit(1); }
  const i = adapter.info;
  console.log(JSON.stringify({ vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, fallback: i.isFallbackAdapter }));
  if (i.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe/i.test(i.architecture + i.description)) { console.error("only a software adapter: no GPU figures from it"); process.exit(1); }
  process.exit(0);
'

echo "== 2. webgpu"
npx tsx bench/gpu.ts webgpu "$@"

echo "== 3. tensorflow (@tensorflow/tfjs-node-gpu)"
if node -e 'require.resolve("@tensorflow/tfjs-node-gpu")' 2>/dev/null; then
  npx tsx bench/gpu.ts tensorflow "$@" || echo "tfjs-node-gpu did not run (see above)"
else
  echo "skipped: @tensorflow/tfjs-node-gpu is not installed (its install downloads libtensorflow from outside npm)"
fi

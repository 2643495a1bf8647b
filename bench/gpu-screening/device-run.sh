#!/usr/bin/env bash
# One device call: what the GPU machine offers the Java GPU paths, then the PyTorch screening sweep.
# Run from the repository root with the Fashion-MNIST .gz files in .gpu/data; writes to $OUT.
set -u
PLAN=${PLAN:-s7}; DEADLINE=${DEADLINE:-420}; WORKERS=${WORKERS:-14}
{
  echo "== GPU"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  echo "== Java"; command -v java javac || echo "no java on PATH"; ls /usr/lib/jvm 2>&1 | head -5
  echo "== CUDA libraries known to the loader"; ldconfig -p | grep -E "libcudart|libcublasLt|libcudnn\.so|libonnxruntime" | head -20
  echo "== CUDA 12 runtime anywhere under /usr /opt"; timeout 30 find /usr /opt -name 'libcudart.so.12*' -o -name 'libcublasLt.so.12*' 2>/dev/null | head -5
  echo "== python"; python3 -c "import torch;print('torch', torch.__version__, 'cuda', torch.version.cuda, 'cudnn', torch.backends.cudnn.version())"
  python3 -c "import onnxruntime as o; print('onnxruntime', o.__version__, o.get_available_providers())"
} 2>&1 | tee $OUT/probe.txt
python3 bench/gpu-screening/mt_screen.py --data .gpu/data --out $OUT/smoke.jsonl --workers 3 --deadline-s 60 --plan smoke 2>&1 | tee $OUT/smoke.txt
if grep -q ERROR $OUT/smoke.txt || ! grep -q "^done" $OUT/smoke.txt; then echo "smoke failed"; exit 1; fi
python3 bench/gpu-screening/mt_screen.py --data .gpu/data --out $OUT/$PLAN.jsonl --workers $WORKERS --deadline-s $DEADLINE --plan $PLAN 2>&1 | tee $OUT/$PLAN.txt
nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv

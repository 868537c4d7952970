#!/usr/bin/env bash
# Spark resource discovery script for NVIDIA GPUs, as Spark's
# examples/src/main/scripts/getGpusResources.sh: prints the GPUs nvidia-smi lists on this node in
# Spark's ResourceInformation JSON, e.g.
#   {"name": "gpu", "addresses": ["0", "1"]}
# Spark runs it as each executor starts (spark.executor.resource.gpu.discoveryScript: YARN,
# Kubernetes) or as each standalone worker starts (spark.worker.resource.gpu.discoveryScript).
# It fails, and so does the executor, when nvidia-smi fails: better than training on no GPU.
# In a container (YARN with GPU isolation, Kubernetes with the NVIDIA device plugin) nvidia-smi
# lists the GPUs given to the container only.
#
# Environment: PATH, where nvidia-smi (the NVIDIA driver's tool) is found.
set -euo pipefail

indices=$(nvidia-smi --query-gpu=index --format=csv,noheader)
addresses=()
while read -r index; do
  if [[ -z "$index" ]]; then
    continue
  fi
  if [[ ! "$index" =~ ^[0-9]+$ ]]; then
    echo "gpu-discovery.sh: unexpected GPU index from nvidia-smi: '$index'" >&2
    exit 1
  fi
  addresses+=("\"$index\"")
done <<< "$indices"

joined=$(IFS=,; echo "${addresses[*]}")
echo "{\"name\": \"gpu\", \"addresses\": [${joined//,/, }]}"

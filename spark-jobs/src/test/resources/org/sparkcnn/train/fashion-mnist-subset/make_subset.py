"""Writes the Fashion-MNIST subset the end-to-end tests train on: the first N_TRAIN training and
N_TEST test examples of the Debian package dataset-fashion-mnist, as gzipped IDX files.
Usage: python3 make_subset.py [SOURCE_DIR]   (default /usr/share/datasets/fashion-mnist)"""
import gzip, struct, sys
N_TRAIN, N_TEST = 5000, 1000
src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"

def subset(name, n, out):
    data = gzip.open(f"{src}/{name}").read()
    magic, count = struct.unpack(">II", data[:8])
    dims = magic & 0xFF
    sizes = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    item = 1
    for s in sizes[1:]:
        item *= s
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * dims, n, *sizes[1:])
    body = data[4 + 4 * dims: 4 + 4 * dims + n * item]
    # mtime=0 keeps the bytes identical from run to run
    with open(out, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
        g.write(header + body)

subset("train-images-idx3-ubyte.gz", N_TRAIN, "train-images-idx3-ubyte.gz")
subset("train-labels-idx1-ubyte.gz", N_TRAIN, "train-labels-idx1-ubyte.gz")
subset("t10k-images-idx3-ubyte.gz", N_TEST, "t10k-images-idx3-ubyte.gz")
subset("t10k-labels-idx1-ubyte.gz", N_TEST, "t10k-labels-idx1-ubyte.gz")

#!/usr/bin/env python3
"""Writes the Fashion-MNIST subset embedded in jdnn (data/src/main/resources/jdnn/data/fashion-mnist-small/).

From Debian's dataset-fashion-mnist IDX files it takes, in original order, the first TRAIN_PER_CLASS images of
each class of the training set and the first TEST_PER_CLASS of each class of the test set, and writes them as
gzip-compressed IDX files. The output is byte-for-byte reproducible (gzip level 9, no file name, mtime 0).

Usage: tools/make-fashion-mnist-small.py [SOURCE_DIR [TARGET_DIR]]
"""
import gzip
import io
import struct
import sys
from pathlib import Path

TRAIN_PER_CLASS = 400
TEST_PER_CLASS = 100
CLASSES = 10


def read_idx(path):
    data = gzip.decompress(path.read_bytes())
    zero, type_code, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or type_code != 0x08:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(f">{rank}I", data[4:4 + 4 * rank])
    body = data[4 + 4 * rank:]
    size = 1
    for d in dims:
        size *= d
    if len(body) != size:
        sys.exit(f"{path}: {len(body)} data bytes, header says {size}")
    return dims, body


def write_idx(path, dims, body):
    raw = struct.pack(">HBB", 0, 0x08, len(dims)) + struct.pack(f">{len(dims)}I", *dims) + body
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    path.write_bytes(out.getvalue())


def subset(source, target, part, per_class):
    (count, height, width), images = read_idx(source / f"{part}-images-idx3-ubyte.gz")
    (label_count,), labels = read_idx(source / f"{part}-labels-idx1-ubyte.gz")
    assert label_count == count
    taken = [0] * CLASSES
    chosen = []
    for index, label in enumerate(labels):
        if taken[label] < per_class:
            taken[label] += 1
            chosen.append(index)
    assert taken == [per_class] * CLASSES, taken
    size = height * width
    write_idx(target / f"{part}-images-idx3-ubyte.gz", (len(chosen), height, width),
              b"".join(images[i * size:(i + 1) * size] for i in chosen))
    write_idx(target / f"{part}-labels-idx1-ubyte.gz", (len(chosen),), bytes(labels[i] for i in chosen))
    print(f"{part}: {len(chosen)} of {count} images, first indices {chosen[:5]}, last {chosen[-1]}")


def main():
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
    default_target = Path(__file__).resolve().parent.parent / "data/src/main/resources/jdnn/data/fashion-mnist-small"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else default_target
    target.mkdir(parents=True, exist_ok=True)
    subset(source, target, "train", TRAIN_PER_CLASS)
    subset(source, target, "t10k", TEST_PER_CLASS)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes small ONNX files for jdnn's ONNX reader tests (torch 1.13, onnx 1.12), each with what ONNX's own
protobuf parser reads from it, as JSON: the reference OnnxModelReadTest compares jdnn's reader with. Run from core/:

    /usr/bin/python3 src/test/python/make_onnx_fixtures.py

Fixtures (src/test/resources/fixtures/onnx/<name>.onnx and <name>.json):
  tiny_conv_opset13   torch.onnx.export (opset 13, eval mode, dynamic batch "N") of Conv2d(1->4, 3x3, padding 1)
                      -> BatchNorm2d (folded by the exporter) -> ReLU -> MaxPool2d(2) -> Conv2d(4->4, 3x3, dilation
                      2, padding 2, groups 2) -> ReLU6 (Clip) -> x.reshape(x.shape[0], -1) (the Shape, Gather,
                      Unsqueeze, Concat chain exporters write) -> Linear(64->3), on 1 x 8 x 8 images
  tiny_conv_opset17   the same network at opset 17, the newest torch 1.13 offers
  all_fields          written with onnx.helper: a node of every attribute type (float, int, string, tensor, graph,
                      floats, ints, strings), a Reshape whose shape is an int64 initializer, a Constant, initializers
                      of every element type jdnn reads in raw_data and in the typed fields (float_data, int32_data,
                      int64_data, double_data), a scalar and an empty tensor, inputs with fixed, named and unknown
                      dimensions, a value of unknown rank, a value_info without a type (left out by both readers),
                      two operator sets and two metadata entries

The JSON gives, for the model, graph, each node (attributes with their values), initializer (data type, dims, the
field holding the values and the values as numbers: FLOAT16 and BFLOAT16 converted to float, BOOL as 0 or 1) and
value info (element type, shape as a list of {"value"}, {"param"} or {} per dimension, or null if unknown).
"""
import json
import os

import numpy as np
import torch
from onnx import AttributeProto, TensorProto, helper, numpy_helper
import onnx
from torch import nn

OUT_DIR = os.path.join("src", "test", "resources", "fixtures", "onnx")


class TinyConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=2, dilation=2, groups=2)
        self.fc = nn.Linear(64, 3)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn(self.conv1(x))))
        x = nn.functional.relu6(self.conv2(x))
        return self.fc(x.reshape(x.shape[0], -1))


def tiny_conv(opset):
    torch.manual_seed(17)
    net = TinyConv()
    with torch.no_grad():  # statistics away from (0, 1), so that folding them changes the weights
        net.bn.running_mean.uniform_(-0.5, 0.5)
        net.bn.running_var.uniform_(0.5, 1.5)
    net.eval()
    path = os.path.join(OUT_DIR, f"tiny_conv_opset{opset}.onnx")
    torch.onnx.export(net, torch.randn(2, 1, 8, 8), path, opset_version=opset, input_names=["images"],
                      output_names=["logits"], dynamic_axes={"images": {0: "N"}, "logits": {0: "N"}})
    return onnx.load(path), path


def all_fields():
    rng = np.random.default_rng(3)
    f32 = rng.standard_normal((2, 3)).astype(np.float32)
    inits = [
        numpy_helper.from_array(f32, "float_raw"),
        helper.make_tensor("float_typed", TensorProto.FLOAT, [3, 2], f32.reshape(-1).tolist()),
        helper.make_tensor("shape", TensorProto.INT64, [2], [-1, 4]),
        numpy_helper.from_array(np.array([3, -2, 1 << 40, -(1 << 62)], dtype=np.int64), "int64_raw"),
        helper.make_tensor("int32_typed", TensorProto.INT32, [2, 2], [-2147483648, -1, 0, 2147483647]),
        numpy_helper.from_array(np.array([-2147483648, 7], dtype=np.int32), "int32_raw"),
        helper.make_tensor("int8_typed", TensorProto.INT8, [3], [-128, 0, 127]),
        numpy_helper.from_array(np.array([[0, 200], [255, 1]], dtype=np.uint8), "uint8_raw"),
        helper.make_tensor("uint8_typed", TensorProto.UINT8, [2], [0, 255]),
        helper.make_tensor("bool_typed", TensorProto.BOOL, [3], [1, 0, 1]),
        numpy_helper.from_array(np.array([False, True], dtype=np.bool_), "bool_raw"),
        helper.make_tensor("float16_typed", TensorProto.FLOAT16, [3], [1.5, -2.0, 65504.0]),
        numpy_helper.from_array(np.array([0.099975586, -3.0], dtype=np.float16), "float16_raw"),
        helper.make_tensor("bfloat16_typed", TensorProto.BFLOAT16, [2], [1.0, -0.5]),
        helper.make_tensor("double_typed", TensorProto.DOUBLE, [2], [0.1, -1e300]),
        numpy_helper.from_array(np.array([2.5, 1e-300], dtype=np.float64), "double_raw"),
        helper.make_tensor("scalar", TensorProto.FLOAT, [], [42.0]),
        helper.make_tensor("empty", TensorProto.FLOAT, [0, 3], []),
    ]
    inner = helper.make_graph([helper.make_node("Identity", ["a"], ["b"])], "inner",
                              [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("b", TensorProto.FLOAT, [1])])
    custom = helper.make_node(
        "Custom", ["x"], ["c"], name="every_attribute", domain="com.example",
        alpha=1.5, count=-7, mode="SAME_UPPER", weights=numpy_helper.from_array(f32, "attr_tensor"),
        body=inner, scales=[0.25, -3.0, 1e-8], pads=[0, 1, -1, 1 << 40], names=["a", "\u00e9t\u00e9"])
    nodes = [
        custom,
        helper.make_node("Constant", [], ["k"], name="constant",
                         value=helper.make_tensor("", TensorProto.FLOAT, [2], [0.5, -0.5])),
        helper.make_node("Reshape", ["c", "shape"], ["r"], name="reshape"),
        helper.make_node("Conv", ["r", "float_raw", ""], ["y"], kernel_shape=[1, 1], strides=[1, 1],
                         auto_pad="NOTSET"),
    ]
    unknown_dim = helper.make_tensor_value_info("z", TensorProto.INT64, ["N", None, 5])
    graph = helper.make_graph(
        nodes, "all_fields",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 4, 4]), unknown_dim],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=inits,
        value_info=[helper.make_tensor_value_info("c", TensorProto.FLOAT16, [2, 3, 4, 4]),
                    onnx.ValueInfoProto(name="untyped"),
                    helper.make_tensor_value_info("r", TensorProto.BOOL, [])])
    model = helper.make_model(graph, producer_name="make_onnx_fixtures", producer_version="1",
                              opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.example", 1)])
    model.ir_version = 7
    helper.set_model_props(model, {"class_names": '["a","b"]', "note": "\u00fcml\u00e4ut"})
    path = os.path.join(OUT_DIR, "all_fields.onnx")
    onnx.save(model, path)
    return onnx.load(path), path


def tensor_values(t):
    array = numpy_helper.to_array(t)
    if t.data_type == TensorProto.BFLOAT16 and array.dtype != np.float32:  # raw uint16 bits
        array = (array.astype(np.uint32) << 16).view(np.float32)
    if array.dtype.kind == "f":
        return [float(v) for v in array.astype(np.float64).reshape(-1)]
    return [int(v) for v in array.astype(np.int64).reshape(-1)]


def data_field(t):
    for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data"):
        if field == "raw_data" and t.HasField("raw_data") or field != "raw_data" and len(getattr(t, field)):
            return field
    return None


def tensor_json(t):
    return {"name": t.name, "data_type": TensorProto.DataType.Name(t.data_type), "dims": list(t.dims),
            "field": data_field(t), "values": tensor_values(t)}


def attribute_json(a):
    return {"name": a.name, "type": AttributeProto.AttributeType.Name(a.type), "f": a.f, "i": a.i,
            "s": a.s.decode("utf-8"), "t": tensor_json(a.t) if a.type == AttributeProto.TENSOR else None,
            "floats": list(a.floats), "ints": list(a.ints), "strings": [s.decode("utf-8") for s in a.strings]}


def value_info_json(v):
    tensor = v.type.tensor_type
    shape = None
    if tensor.HasField("shape"):
        shape = [{"value": d.dim_value} if d.HasField("dim_value") else {"param": d.dim_param}
                 if d.HasField("dim_param") else {} for d in tensor.shape.dim]
    return {"name": v.name, "elem_type": TensorProto.DataType.Name(tensor.elem_type), "shape": shape}


def model_json(model):
    g = model.graph
    return {
        "ir_version": model.ir_version,
        "opset_import": [[o.domain, o.version] for o in model.opset_import],
        "producer_name": model.producer_name,
        "producer_version": model.producer_version,
        "metadata": {p.key: p.value for p in model.metadata_props},
        "graph": {
            "name": g.name,
            "nodes": [{"op_type": n.op_type, "name": n.name, "domain": n.domain, "inputs": list(n.input),
                       "outputs": list(n.output), "attributes": [attribute_json(a) for a in n.attribute]}
                      for n in g.node],
            "initializers": [tensor_json(t) for t in g.initializer],
            "inputs": [value_info_json(v) for v in g.input],
            "outputs": [value_info_json(v) for v in g.output],
            # An entry without a type says nothing; jdnn's reader leaves it out too.
            "value_info": [value_info_json(v) for v in g.value_info if v.HasField("type")],
        },
    }


if __name__ == "__main__":
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    for model, path in (tiny_conv(13), tiny_conv(17), all_fields()):
        with open(path[:-len(".onnx")] + ".json", "w") as out:
            json.dump(model_json(model), out, indent=1, ensure_ascii=False)
            out.write("\n")
        print(path, os.path.getsize(path), "bytes")

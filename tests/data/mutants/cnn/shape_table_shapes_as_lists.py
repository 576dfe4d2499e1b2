# mutant-of: shape_table
# mistake: the shapes are lists, [28, 28, 8], where the docstring promises tuples
import math


def shape_table(input_shape, layers):
    shape = [int(v) for v in input_shape]
    rows = [{"layer": "input", "shape": shape, "size": math.prod(shape), "params": 0}]
    for index, layer in enumerate(layers, start=1):
        kind = layer.get("type")
        try:
            if kind == "conv":
                if len(shape) != 3:
                    raise ValueError("a conv layer needs an (H, W, C) input")
                f, s, p = layer["f"], layer.get("stride", 1), layer.get("padding", 0)
                params = conv_param_count(f, shape[2], layer["filters"])
                height, width = conv_output_size(shape[0], f, p, s), conv_output_size(shape[1], f, p, s)
                shape = [height, width, layer["filters"]]
            elif kind in ("maxpool", "avgpool"):
                if len(shape) != 3:
                    raise ValueError("a pooling layer needs an (H, W, C) input")
                f = layer["f"]
                s = layer.get("stride", f)
                params = 0
                shape = [pool_output_size(shape[0], f, s), pool_output_size(shape[1], f, s), shape[2]]
            elif kind == "dense":
                params = dense_param_count(math.prod(shape), layer["units"])
                shape = [layer["units"]]
            else:
                raise ValueError(f"unknown layer type {kind!r}")
        except KeyError as missing:
            raise ValueError(f"layer {index} lacks the key {missing}") from None
        name = layer.get("name", f"{kind}{index}")
        rows.append({"layer": name, "shape": shape, "size": math.prod(shape), "params": params})
    return rows

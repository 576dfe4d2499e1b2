# mutant-of: shape_table
# mistake: the defaults (stride, padding, name) are written into the caller's layer dicts with setdefault
import math


def shape_table(input_shape, layers):
    shape = tuple(int(v) for v in input_shape)
    rows = [{"layer": "input", "shape": shape, "size": math.prod(shape), "params": 0}]
    for index, layer in enumerate(layers, start=1):
        kind = layer.get("type")
        layer.setdefault("name", f"{kind}{index}")
        try:
            if kind == "conv":
                if len(shape) != 3:
                    raise ValueError("a conv layer needs an (H, W, C) input")
                layer.setdefault("stride", 1)
                layer.setdefault("padding", 0)
                f, s, p = layer["f"], layer["stride"], layer["padding"]
                params = conv_param_count(f, shape[2], layer["filters"])
                height, width = conv_output_size(shape[0], f, p, s), conv_output_size(shape[1], f, p, s)
                shape = (height, width, layer["filters"])
            elif kind in ("maxpool", "avgpool"):
                if len(shape) != 3:
                    raise ValueError("a pooling layer needs an (H, W, C) input")
                layer.setdefault("stride", layer["f"])
                f, s = layer["f"], layer["stride"]
                params = 0
                shape = (pool_output_size(shape[0], f, s), pool_output_size(shape[1], f, s), shape[2])
            elif kind == "dense":
                params = dense_param_count(math.prod(shape), layer["units"])
                shape = (layer["units"],)
            else:
                raise ValueError(f"unknown layer type {kind!r}")
        except KeyError as missing:
            raise ValueError(f"layer {index} lacks the key {missing}") from None
        rows.append({"layer": layer["name"], "shape": shape, "size": math.prod(shape), "params": params})
    return rows

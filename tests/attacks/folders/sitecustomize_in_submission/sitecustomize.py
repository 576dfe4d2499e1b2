import builtins

builtins.AssertionError = type("AssertionError", (Exception,), {})
open("/tmp/seqlab-sitecustomize-ran", "w").write("yes")

"""What a suite author writes a catalogue of known mistakes with (``grader/<id>/misconceptions.py``).

Each mistake is the reference function as a student would get it wrong; the grader names it when a failed
test's outputs are exactly the mistake's (see ``seqlab.hints.diagnosis``)::

    from seqlab.misconceptions import Catalogue, Observe

    catalogue = Catalogue("cells", observe=Observe(without_cache=("*",)))

    @catalogue.mistake(
        "rnn-sigmoid",
        "rnn_cell_forward",
        title="an RNN cell with a sigmoid activation",
        explanation="h_t = tanh(x_t W_x + h_{t-1} W_h + b) ...",
        where="cells notebook, section 1 (The RNN cell)",
    )
    def _(ref, x, h_prev, p):
        return ref.sigmoid(x @ p["Wx"] + h_prev @ p["Wh"] + p["b"]), {}

    catalogue.probe("rnn_cell_forward", x, h_prev, p)  # typical inputs that tell the mistakes apart
"""

from seqlab.hints.catalogue import Catalogue, Misconception
from seqlab.hints.observe import EVERY_FUNCTION, Observe

__all__ = ["EVERY_FUNCTION", "Catalogue", "Misconception", "Observe"]

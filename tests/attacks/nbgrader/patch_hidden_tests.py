# attack: fake nbgrader's autograder test cells from a solution cell (nbgrader's kernel model)
# nbgrader runs a notebook's solution cells and its autograder test cells in one kernel, solution cells
# first. Every test cell's hidden region does `from seqlab.nbgrader_cell import hidden_tests` and then calls
# it, so replacing the module's attribute here makes every later test cell call this instead. A test cell
# that prints nothing and raises nothing gets nbgrader's full credit, so the gradebook gives full marks to a
# notebook whose functions are all still the released stubs. `seqlab grade` never runs this in its own
# process (the line runs in the worker, where it changes nothing graded): it scores the stubs, 0.
# tests/e2e/test_nbgrader_reconcile.py puts this at the top of the first solution cell of the released
# notebook and checks that `seqlab reconcile` flags and corrects the gradebook.
import seqlab.integrations.nbgrader as _cells

_cells.hidden_tests = lambda *args, **kwargs: None

"""The engine: the same results as the reference code, faster.

Every stage of the package exists once as plain, readable NumPy/SciPy in
its public module (what the docs teach and link to) and, where speed
matters, once here. The public functions choose the engine automatically
while :data:`ENABLED` is true; with it false they run the reference code.
The two must give the same bytes: ``tests/test_engine.py`` runs every
public path both ways with hypothesis, block sizes made small so that
blocks, chunks and tables are crossed.

What lives here: work in blocks of rows (:mod:`.blocks`), colours stored
several bytes at a time (:mod:`.colour`), colour-table indices planned
once per map (:mod:`.normalization`), blends by a proven integer formula
or a table of byte pairs (:mod:`.blend`), binary morphology (the square
and anomalib's disk) on rows packed 64 pixels to a word
(:mod:`.morphology`), resizing by strided phases, row block by row block
(:mod:`.resize`), region measurements tallied a block of rows at a time
(:mod:`.regions`), and the per-map pipeline that strings them together
(:mod:`.pipeline`).
"""

#: Whether the public functions use the engine (tests switch it off to run the reference).
ENABLED = True

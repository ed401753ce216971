"""The shared write layer: the unit of work that commits once, the hash-chained audit trail,
gapless register numbers and the domain errors. The engine, the documents and the operations
all write through it; it imports none of them."""

"""Detection engine in plain Python: credits, fingerprints, alignment, direction, links and chains.

No Django here: provenance.review.detection loads rows, calls these functions and stores the results.
"""

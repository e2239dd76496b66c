"""A snapshot of the reader before the column-wise rewrite, kept as the oracle of its tests."""

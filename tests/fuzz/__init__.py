"""Fuzz tests: generated and mutated case files must end in a case, a plan or a PaychaseError."""

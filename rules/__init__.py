"""dlint's rules: one module per rule, grouped by what they read.

A rule module defines ``META`` (a ``dlint.rule.RuleMeta``), documents itself in
its docstring (What it does / Why is this bad? / Example / Use instead) and,
unless the engine reports it, a pure ``check`` function over the IR.
Modules under ``_shared`` hold knowledge several rules use.
"""

"""Code ported from rusty-tags and Nitro, half done: what W001 and the engine must catch.

The modules here are project modules that components import; ``roots/<case>/`` are
components folders (``DIRS``) of one case each.
"""

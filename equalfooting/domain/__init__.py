"""The pure domain core: plain, typed Python with no Django imports.

Everything here must be re-runnable by anyone from published inputs with this package alone.
"""

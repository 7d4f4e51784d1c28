"""The lending library: things neighbours lend (items), loans of them, and things wanted.

Only verified residents of the item's neighbourhood read and write. Importing the package
registers its "your data" part (export and erasure).
"""

from chalicelib.lending import your_data as _your_data  # noqa: F401  registers the "lending" content owner

"""The kinds of content. Each is a module with its NAME in the Site, its loader and checks
(`load`) and the pages it adds (`outputs`); loading and rendering go through KINDS. A kind
may also offer `new_file(root, name)` (the `new` command's scaffold) and `notes(site)` (what
`check` reports that is not a mistake)."""
from . import classes, codes, compare, guide, pages

KINDS = (codes, classes, pages, compare, guide)

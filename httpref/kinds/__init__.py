"""The kinds of content. Each is a module with its NAME in the Site, its loader and checks
(`load`) and the pages it adds (`outputs`); loading and rendering go through KINDS."""
from . import classes, codes, pages

KINDS = (codes, classes, pages)

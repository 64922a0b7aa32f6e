"""The kinds of content. Each is a module with its NAME in the Site, its loader and checks
(`load`) and the pages it adds (`outputs`); loading and rendering go through KINDS. A kind
may also offer `new_file(root, name)` (the `new` command's scaffold), `notes(site)` (what
`check` reports that is not a mistake) and `lookup(site)` (what the look-up box finds: records
of `kind`, `label`, `detail`, `path` and the other `words` it is found by)."""
from . import classes, clients, codes, compare, failures, guide, messages, pages, platforms, proxies

# proxies before messages (its log lines become messages), platforms after (cells name messages)
KINDS = (codes, classes, pages, compare, guide, failures, proxies, messages, platforms, clients)

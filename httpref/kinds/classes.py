"""The five classes, content/classes.yaml: a name, a summary and a description each, and
a page each."""
import yaml

from .. import routes, schema
from ..cards import Card
from ..reader import suggest
from .base import Job, yaml_file

NAME = "classes"
SOURCE = "content/classes.yaml"


def load(job: Job) -> dict:
    path = job.root / SOURCE
    reader, node = yaml_file(path, job)
    kinds = {key: {"name": schema.PLAIN, "summary": schema.PLAIN, "description": schema.TEXT}
             for key in schema.CLASS_KEYS}
    if not node:
        return {}
    classes = {}
    for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else ():
        if key_node.value in classes:
            reader.error(reader.line_of(key_node), key_node.value, "class given twice")
        elif key_node.value in kinds:
            classes[key_node.value] = reader.item(value_node, kinds[key_node.value], key_node.value)
        else:
            reader.error(reader.line_of(key_node), str(key_node.value),
                         "unknown class" + suggest(str(key_node.value), kinds))
    for key in schema.CLASS_KEYS:
        if key not in classes:
            reader.error(1, key, "class is missing")
    return classes


def outputs(site, out):
    """A page for every class, listing its codes."""
    for key in schema.CLASS_KEYS:
        cls = site.classes[key]
        codes = [entry for entry in site.codes if entry.class_key == key]
        trail = [("HTTP status codes", routes.HOME), (f"{key} {cls['name']}", routes.class_url(key))]
        out.page(routes.class_url(key), "class.html",
                 (cls, tuple(entry.listing for entry in codes), out.linked(SOURCE)),
                 card=Card("Status code class", key, cls["name"], key), key=key, cls=cls, codes=codes,
                 json_ld=out.json_ld({"@context": "https://schema.org", **out.breadcrumbs(trail)}))

"""What proxies answer, content/observed/proxies.json: what each reverse proxy observed by
tests/observe_proxies.py sent back when the application behind it failed in each way of
httpref/scenarios.py."""

NAME = "proxies"
DATA = "content/observed/proxies.json"
